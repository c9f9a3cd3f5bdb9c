import Foundation
import SecondConfig

/// The validated, typed deployment settings (keys documented in DeploymentSchema).
public struct DeploymentConfig: Sendable {
    public enum Mode: String, Sendable { case development, production }
    public enum AuthMode: String, Sendable { case none, external }

    public var mode: Mode
    public var logLevel: String
    public var host: String
    public var port: Int
    public var publicURL: String?
    public var allowNonLoopbackWithoutAuth: Bool
    public var authMode: AuthMode
    public var noAuthSessionSecret: String?
    public var authProviderOrder: [String]?
    public var internalToken: String?
    public var workerURL: String?
    public var workerHost: String
    public var workerPort: Int
    public var webURL: String?
    public var runs: RunSettings
    public var threads: Int
    public var maxBodyBytes: Int
    public var mongodbURI: String?
    public var dataDir: String
    public var redisURL: String?
    public var tokenEncryptionKey: String?
    public var perfTrace: Bool
    public var telemetryDisabled: Bool
    public var posthogToken: String?
    public var posthogHost: String?
    public var posthogDisabled: Bool
    public var sentryDSN: String?
    public var sentryDisabled: Bool
    public var searchPath: [String]
    public var load: [String]
    public var secrets: [String: String]

    /// Reads the normalized (schema-checked, defaults filled) root.
    init(_ n: ConfigNode) {
        func s(_ p: String...) -> String? { n.at(p)?.stringValue }
        func b(_ p: String...) -> Bool { n.at(p)?.boolValue ?? false }
        mode = Mode(rawValue: s("mode") ?? "") ?? .development
        logLevel = s("log_level") ?? "info"
        host = s("server", "host") ?? "127.0.0.1"
        port = Int(n.at(["server", "port"])?.intValue ?? 3000)
        publicURL = s("server", "public_url")
        allowNonLoopbackWithoutAuth = b("server", "allow_non_loopback_without_auth")
        authMode = AuthMode(rawValue: s("auth", "mode") ?? "") ?? .none
        noAuthSessionSecret = s("auth", "no_auth_session_secret")
        authProviderOrder = n.at(["auth", "providers"])?.arrayValue?.compactMap(\.stringValue)
        internalToken = s("internal", "token")
        workerURL = s("worker", "url")
        workerHost = s("worker", "host") ?? "127.0.0.1"
        workerPort = Int(n.at(["worker", "port"])?.intValue ?? 3001)
        webURL = s("worker", "web_url")
        func i(_ p: String, _ d: Int) -> Int { Int(n.at(["runs", p])?.intValue ?? Int64(d)) }
        runs = RunSettings(wallClockSeconds: i("wall_clock_seconds", 1800), sessionIdleSeconds: i("session_idle_seconds", 900),
                           staleAfterSeconds: i("stale_after_seconds", 120), brokerTokenTTLSeconds: i("broker_token_ttl_seconds", 1800),
                           workspacesDir: s("runs", "workspaces_dir"))
        threads = Int(n.at(["server", "threads"])?.intValue ?? 2)
        maxBodyBytes = Int(n.at(["server", "max_body_bytes"])?.intValue ?? 1 << 20)
        mongodbURI = s("store", "mongodb_uri")
        dataDir = s("store", "data_dir") ?? "./data"
        redisURL = s("bus", "redis_url")
        tokenEncryptionKey = s("security", "token_encryption_key")
        perfTrace = b("diagnostics", "perf_trace")
        telemetryDisabled = b("telemetry", "disabled")
        posthogToken = s("telemetry", "posthog", "token")
        posthogHost = s("telemetry", "posthog", "host")
        posthogDisabled = b("telemetry", "posthog", "disabled")
        sentryDSN = s("telemetry", "sentry", "dsn")
        sentryDisabled = b("telemetry", "sentry", "disabled")
        searchPath = n.at(["plugins", "search_path"])?.arrayValue?.compactMap(\.stringValue) ?? []
        load = n.at(["plugins", "load"])?.arrayValue?.compactMap(\.stringValue) ?? []
        var sec: [String: String] = [:]
        for e in n["secrets"]?.objectEntries ?? [] { if let v = e.value.stringValue { sec[e.key] = v } }
        secrets = sec
    }

    public var isLoopbackBind: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") }

    /// Where the web reaches the worker: worker.url, else the local worker listener.
    public var effectiveWorkerURL: String { workerURL ?? "http://127.0.0.1:\(workerPort)" }

    /// Rules the schema cannot express. Each problem names the key (and its env variable).
    func semanticProblems() -> [(path: String, message: String)] {
        var out: [(String, String)] = []
        if let u = publicURL, let url = URL(string: u) {
            if !["http", "https"].contains(url.scheme ?? "") { out.append(("/server/public_url", "must be an http or https URL")) }
            if !url.path.isEmpty && url.path != "/" || url.query != nil || url.fragment != nil {
                out.append(("/server/public_url", "must be an origin only (scheme://host[:port]) without path, query or fragment"))
            }
        }
        if let w = webURL, let url = URL(string: w), !["http", "https"].contains(url.scheme ?? "") {
            out.append(("/worker/web_url", "must be an http or https URL"))
        }
        if let w = workerURL, let url = URL(string: w), !["http", "https"].contains(url.scheme ?? "") {
            out.append(("/worker/url", "must be an http or https URL"))
        }
        if mode == .production {
            if internalToken == nil {
                out.append(("/internal/token", "production mode requires internal.token (INTERNAL_API_TOKEN): set the same strong secret on web and worker"))
            } else if let t = internalToken, t.utf8.count < 32 {
                out.append(("/internal/token", "production mode requires internal.token of at least 32 characters (value redacted)"))
            }
            if publicURL == nil { out.append(("/server/public_url", "production mode requires server.public_url (SECOND_PUBLIC_URL)")) }
        }
        if authMode == .none && !isLoopbackBind && !allowNonLoopbackWithoutAuth {
            out.append(("/server/host", "auth.mode none on the non-loopback address \(host) would let anyone in; use auth.mode external or set server.allow_non_loopback_without_auth: true"))
        }
        return out
    }
}

/// Agent-run limits (`runs.*` of the deployment YAML).
public struct RunSettings: Sendable, Equatable {
    public var wallClockSeconds: Int
    public var sessionIdleSeconds: Int
    public var staleAfterSeconds: Int
    public var brokerTokenTTLSeconds: Int
    public var workspacesDir: String?
    public init(wallClockSeconds: Int = 1800, sessionIdleSeconds: Int = 900, staleAfterSeconds: Int = 120,
                brokerTokenTTLSeconds: Int = 1800, workspacesDir: String? = nil) {
        self.wallClockSeconds = wallClockSeconds; self.sessionIdleSeconds = sessionIdleSeconds
        self.staleAfterSeconds = staleAfterSeconds; self.brokerTokenTTLSeconds = brokerTokenTTLSeconds; self.workspacesDir = workspacesDir
    }
}
