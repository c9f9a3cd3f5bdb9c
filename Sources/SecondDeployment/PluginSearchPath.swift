import Foundation

/// Where plugins are looked for, in order:
/// 1. `SECOND_PLUGIN_PATH` (colon-separated),
/// 2. `plugins.search_path` of the YAML file (relative entries are relative to the file),
/// 3. the directory of the `second` executable and its `plugins/` subdirectory (so a fresh
///    `swift build` — which puts `second` and every first-party `lib*.so` in `.build/debug` — works),
/// 4. `/usr/local/lib/second/plugins`, `/usr/lib/second/plugins`.
public enum PluginSearchPath {
    public static func resolve(environment: [String: String], configured: [String], configDir: String?, executableDir: String?) -> [String] {
        var out: [String] = []
        if let env = environment["SECOND_PLUGIN_PATH"] { out += env.split(separator: ":").map(String.init) }
        for p in configured {
            if p.hasPrefix("/") || configDir == nil { out.append(p) }
            else { out.append((configDir! as NSString).appendingPathComponent(p)) }
        }
        if let exe = executableDir { out += [exe, (exe as NSString).appendingPathComponent("plugins")] }
        out += ["/usr/local/lib/second/plugins", "/usr/lib/second/plugins"]
        var seen = Set<String>()
        return out.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The directory of the running executable (through /proc/self/exe, so symlinks resolve).
    public static var executableDir: String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return (exe as NSString).deletingLastPathComponent
    }
}
