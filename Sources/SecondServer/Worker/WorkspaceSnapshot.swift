import Foundation

/// Collects an app folder's text files (spec §15.8): skips dot-entries except `.env`, and
/// node_modules/.git/.next/.cache/.claude/attachments; 1 MiB per file, text only, 12 MiB in total.
enum WorkspaceSnapshot {
    struct Failure: Error { let message: String }
    static let skipped: Set<String> = ["node_modules", ".git", ".next", ".cache", ".claude", "attachments"]
    static let maxFile = 1 << 20
    static let maxTotal = 12 << 20

    static func collect(root: String) -> Result<[String: String], Failure> {
        var out: [String: String] = [:]
        var total = 0
        let fm = FileManager.default
        guard fm.fileExists(atPath: root) else { return .success([:]) }
        func walk(_ dir: String, _ rel: String) -> Failure? {
            let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for name in names {
                if skipped.contains(name) || (name.hasPrefix(".") && name != ".env") { continue }
                let path = dir + "/" + name, relPath = rel.isEmpty ? name : rel + "/" + name
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    if let f = walk(path, relPath) { return f }
                    continue
                }
                guard let data = fm.contents(atPath: path) else { continue }
                if data.count > maxFile { return Failure(message: "\(relPath) is larger than 1 MiB") }
                if data.contains(0) { return Failure(message: "\(relPath) is binary (contains NUL bytes)") }
                total += data.count
                if total > maxTotal { return Failure(message: "the app's files exceed 12 MiB") }
                out[relPath] = String(decoding: data, as: UTF8.self)
            }
            return nil
        }
        if let f = walk(root, "") { return .failure(f) }
        return .success(out)
    }
}
