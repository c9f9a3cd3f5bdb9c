import Foundation

/// Private directories of the worker: a working directory per app session, and a HOME (with its
/// tmp) per runtime and session key, all 0700. Keys become path components, so they are checked.
struct RunDirectories: Sendable {
    let workspaces: String
    let homes: String

    init(dataDir: String, workspacesDir: String?) {
        let root = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        workspaces = workspacesDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? root + "/workspaces"
        homes = root + "/runtime-homes"
    }

    /// Session keys: builder `appId`, app agent `{appId}__agent__{runId}`.
    static func isValidKey(_ s: String) -> Bool {
        (1...200).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        } && !s.hasPrefix("-")
    }

    func workingDirectory(workspaceId: String, key: String) -> String { "\(workspaces)/\(workspaceId)/\(key)" }
    func home(runtime: String, key: String) -> String { "\(homes)/\(runtime)/\(key)" }

    /// Creates the directory (and parents) with mode 0700.
    @discardableResult
    static func ensure(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(path, 0o700)
        return path
    }

    /// Writes a snapshot's files under `root`, refusing paths that would leave it.
    static func writeFiles(_ files: [String: String], under root: String) throws {
        let base = URL(fileURLWithPath: root).standardizedFileURL.path
        for (rel, text) in files {
            guard !rel.hasPrefix("/"), !rel.split(separator: "/").contains(".."), !rel.isEmpty else {
                throw DirectoryError(message: "file path \"\(rel)\" must be relative and stay inside the app")
            }
            let target = URL(fileURLWithPath: base + "/" + rel).standardizedFileURL.path
            guard target.hasPrefix(base + "/") else { throw DirectoryError(message: "file path \"\(rel)\" leaves the app directory") }
            try ensure((target as NSString).deletingLastPathComponent)
            try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        }
    }

    struct DirectoryError: Error, CustomStringConvertible { let message: String; var description: String { message } }
}
