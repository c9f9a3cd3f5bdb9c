import Foundation

/// The plugins one server (or one command) uses: each file once, names and component ids unique.
public struct PluginCatalog: Sendable {
    public private(set) var plugins: [LoadedPlugin] = []

    public init() {}

    /// Adds a loaded plugin. The same file reached twice (symlink, other path) is recognised and kept
    /// once; a different file with the same plugin name or component id is refused, naming both files.
    @discardableResult
    public mutating func add(_ p: LoadedPlugin) throws(PluginLoadError) -> Bool {
        if let same = plugins.first(where: { $0.fileID == p.fileID }) {
            if same.path != p.path {
                Logger.shared.info("plugin file reached twice; loaded once", ["plugin": p.name, "path": p.path, "first": same.path])
            }
            return false
        }
        if let other = plugins.first(where: { $0.name == p.name }) {
            throw PluginLoadError(path: p.path, message: "duplicate plugin name \"\(p.name)\": also provided by \(other.path)")
        }
        for c in p.components {
            if let other = plugins.first(where: { $0.components.contains { $0.id == c.id } }) {
                throw PluginLoadError(path: p.path, message: "duplicate component id \(c.id) (plugin \"\(p.name)\"): also provided by \(other.path) (plugin \"\(other.name)\")")
            }
        }
        plugins.append(p)
        return true
    }

    public mutating func load(path: String) throws(PluginLoadError) -> LoadedPlugin {
        let p = try PluginLoader.load(path: path)
        try add(p)
        return plugins.first { $0.fileID == p.fileID } ?? p
    }

    public func component(id: String) -> ComponentInfo? {
        for p in plugins { if let c = p.components.first(where: { $0.id == id }) { return c } }
        return nil
    }

    public func plugin(named name: String) -> LoadedPlugin? { plugins.first { $0.name == name } }

    public var components: [ComponentInfo] { plugins.flatMap(\.components) }

    /// Shared-library files in the directories of a search path, in path order, each directory sorted.
    public static func candidateFiles(searchPath: [String]) -> [String] {
        var out: [String] = []
        for dir in searchPath {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for n in names.sorted() where n.hasSuffix(".so") { out.append((dir as NSString).appendingPathComponent(n)) }
        }
        return out
    }

    /// Loads every plugin found on the search path. Files that are not Second plugins (no magic
    /// symbol) are skipped silently; every other refusal is returned.
    public mutating func discover(searchPath: [String]) -> [PluginLoadError] {
        var errors: [PluginLoadError] = []
        for file in Self.candidateFiles(searchPath: searchPath) {
            do { _ = try load(path: file) } catch {
                if error.message.hasPrefix("no second_plugin_magic_v1 symbol") { continue }
                errors.append(error)
            }
        }
        return errors
    }

    /// A name in `plugins.load` is a path (contains "/" or ends in ".so") or a plugin name looked up
    /// on the search path as lib<name>.so, second-<name>.so or <name>.so, then by declared name.
    public static func resolve(_ entry: String, searchPath: [String]) -> String? {
        if entry.contains("/") || entry.hasSuffix(".so") { return entry }
        for dir in searchPath {
            for file in ["lib\(entry).so", "libsecond-\(entry).so", "\(entry).so"] {
                let p = (dir as NSString).appendingPathComponent(file)
                if FileManager.default.fileExists(atPath: p) { return p }
            }
        }
        return nil
    }
}
