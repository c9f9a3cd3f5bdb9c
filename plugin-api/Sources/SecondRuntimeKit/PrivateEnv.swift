import Foundation
import SecondPluginKit

/// Builds a runtime child's environment: the spec's allowlisted env, then private dirs, then the
/// driver's own additions. Never reads the server's environment.
public struct PrivateEnvBuilder: Sendable {
    /// Names never passed to a runtime child, whatever their source (§15.5, §23.33).
    public static let forbiddenNames: Set<String> = [
        "INTERNAL_API_TOKEN", "MONGODB_URI", "REDIS_URL", "WORKOS_API_KEY", "WORKOS_COOKIE_PASSWORD", "TOOL_EXECUTE_URL",
        "WEB_URL", "WORKER_URL", "SECOND_INTERNAL_TOKEN", "COOKIE", "AUTHORIZATION",
    ]

    /// True for names that must not come from pass-through sources (spec env, extra_env).
    public static func isForbidden(_ name: String) -> Bool {
        let u = name.uppercased()
        if forbiddenNames.contains(u) || u.hasPrefix("WORKOS_") { return true }
        return ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "COOKIE", "AUTH"].contains { u.contains($0) }
    }

    public private(set) var env: [String: String] = [:]

    /// `home`/`tmp` are the spec's private dirs. XDG_* live under home.
    public init(specEnv: [String: String]?, home: String, tmp: String) {
        for (k, v) in specEnv ?? [:] where !Self.isForbidden(k) { env[k] = v }
        env["HOME"] = home
        env["TMPDIR"] = tmp
        env["TMP"] = tmp
        env["TEMP"] = tmp
        env["XDG_CONFIG_HOME"] = home + "/.config"
        env["XDG_DATA_HOME"] = home + "/.local/share"
        env["XDG_CACHE_HOME"] = home + "/.cache"
        env["XDG_STATE_HOME"] = home + "/.local/state"
    }

    /// Non-secret extras from the instance config (forbidden-looking names are skipped).
    public mutating func addExtra(_ extra: [String: String]?) {
        for (k, v) in extra ?? [:] where !Self.isForbidden(k) { env[k] = v }
    }
    /// An explicit driver variable (may be secret: the model key, SECOND_MCP_TOKEN).
    public mutating func set(_ name: String, _ value: String?) { env[name] = value }

    /// The environment of a detection probe (`--version`, `run --help`): the operator's non-secret
    /// `extra_env` and a throwaway private HOME, so a probe never reads or writes the server user's home.
    public static func probe(component: String, extra: [String: String]?) -> [String: String] {
        let home = NSTemporaryDirectory() + "second-probe-\(component)-\(getpid())"
        try? ensureDirectory(home)
        var b = PrivateEnvBuilder(specEnv: [:], home: home, tmp: home)
        b.addExtra(extra)
        return b.env
    }

    /// Creates `path` (and parents) with mode 0700 if missing.
    public static func ensureDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes a file with mode 0600 (created fresh each time; never holds a secret by contract).
    public static func writePrivateFile(_ path: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PluginError.unavailable("cannot write \(url.lastPathComponent) in the private home")
        }
    }
}

/// The MCP servers of a turn: name → URL `<url>?server=<name>`.
public enum MCPServers {
    public static let defaultNames = ["second", "app_tools", "app_data"]
    public static func urls(_ mcp: SessionSpec.MCP?) -> [(name: String, url: String)] {
        guard let mcp else { return [] }
        let sep = mcp.url.contains("?") ? "&" : "?"
        return (mcp.servers ?? defaultNames).map { ($0, "\(mcp.url)\(sep)server=\($0)") }
    }
    /// The env var carrying the broker token (the only place it goes).
    public static let tokenVariable = "SECOND_MCP_TOKEN"
}
