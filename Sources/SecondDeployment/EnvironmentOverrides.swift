import SecondConfig

/// The environment variables of the self-hosting guide and the config keys they override.
/// Env wins over the file, so the same image runs with or without a YAML file.
public enum EnvironmentOverrides {
    public enum ValueType: Sendable { case string, int, bool }
    public struct Rule: Sendable {
        public let variable: String
        public let path: [String]
        public let type: ValueType
    }

    public static let rules: [Rule] = [
        Rule(variable: "SECOND_ENV", path: ["mode"], type: .string),
        Rule(variable: "SECOND_LOG_LEVEL", path: ["log_level"], type: .string),
        Rule(variable: "SECOND_HOST", path: ["server", "host"], type: .string),
        Rule(variable: "PORT", path: ["server", "port"], type: .int),
        Rule(variable: "SECOND_PUBLIC_URL", path: ["server", "public_url"], type: .string),
        Rule(variable: "SECOND_AUTH_MODE", path: ["auth", "mode"], type: .string),
        Rule(variable: "SECOND_NO_AUTH_SESSION_SECRET", path: ["auth", "no_auth_session_secret"], type: .string),
        Rule(variable: "INTERNAL_API_TOKEN", path: ["internal", "token"], type: .string),
        Rule(variable: "WORKER_URL", path: ["worker", "url"], type: .string),
        Rule(variable: "WORKER_HOST", path: ["worker", "host"], type: .string),
        Rule(variable: "WORKER_PORT", path: ["worker", "port"], type: .int),
        Rule(variable: "WEB_INTERNAL_URL", path: ["worker", "web_url"], type: .string),
        Rule(variable: "SECOND_RUN_WALL_CLOCK_SECONDS", path: ["runs", "wall_clock_seconds"], type: .int),
        Rule(variable: "WORKSPACES_DIR", path: ["runs", "workspaces_dir"], type: .string),
        Rule(variable: "MONGODB_URI", path: ["store", "mongodb_uri"], type: .string),
        Rule(variable: "SECOND_DATA_DIR", path: ["store", "data_dir"], type: .string),
        Rule(variable: "REDIS_URL", path: ["bus", "redis_url"], type: .string),
        Rule(variable: "SECOND_TOKEN_ENCRYPTION_KEY", path: ["security", "token_encryption_key"], type: .string),
        Rule(variable: "SECOND_PERF_TRACE", path: ["diagnostics", "perf_trace"], type: .bool),
        Rule(variable: "SECOND_TELEMETRY_DISABLED", path: ["telemetry", "disabled"], type: .bool),
        Rule(variable: "SECOND_POSTHOG_TOKEN", path: ["telemetry", "posthog", "token"], type: .string),
        Rule(variable: "SECOND_POSTHOG_HOST", path: ["telemetry", "posthog", "host"], type: .string),
        Rule(variable: "SECOND_POSTHOG_DISABLED", path: ["telemetry", "posthog", "disabled"], type: .bool),
        Rule(variable: "SECOND_SENTRY_DSN", path: ["telemetry", "sentry", "dsn"], type: .string),
        Rule(variable: "SECOND_SENTRY_DISABLED", path: ["telemetry", "sentry", "disabled"], type: .bool),
        Rule(variable: "SECOND_ERROR_REPORTING_DISABLED", path: ["telemetry", "sentry", "disabled"], type: .bool),
    ]

    /// Applies every set variable to `root`. Returns the new root, the JSON pointers that came from
    /// the environment (for error attribution) and diagnostics for values of the wrong type.
    public static func apply(to root: ConfigNode, environment: [String: String]) -> (ConfigNode, [String: String], [ConfigDiagnostic]) {
        var node = root
        var origins: [String: String] = [:]
        var errors: [ConfigDiagnostic] = []
        for rule in rules {
            guard let raw = environment[rule.variable] else { continue }
            // An empty boolean switch means "unset"; an empty string value is kept (and validated).
            let value: ConfigNode
            switch rule.type {
            case .string:
                value = ConfigNode(.string(raw))
            case .int:
                guard let n = Int64(raw.trimmingCharacters(in: .whitespaces)) else {
                    errors.append(ConfigDiagnostic(mark: nil, message: "environment variable \(rule.variable): expected an integer, got \"\(raw)\""))
                    continue
                }
                value = ConfigNode(.int(n))
            case .bool:
                switch raw.lowercased() {
                case "1", "true", "yes", "on": value = ConfigNode(.bool(true))
                case "0", "false", "no", "off": value = ConfigNode(.bool(false))
                case "": continue
                default:
                    errors.append(ConfigDiagnostic(mark: nil, message: "environment variable \(rule.variable): expected 1/0/true/false, got \"\(raw)\""))
                    continue
                }
            }
            node = node.setting(rule.path, to: value)
            origins["/" + rule.path.joined(separator: "/")] = rule.variable
        }
        return (node, origins, errors)
    }
}

extension ConfigNode {
    /// A copy with the value at `path` (object keys) replaced or inserted, creating objects on the way.
    func setting(_ path: [String], to value: ConfigNode) -> ConfigNode {
        guard let key = path.first else { return value }
        var entries = objectEntries ?? []
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i].value = entries[i].value.setting(Array(path.dropFirst()), to: value)
        } else {
            entries.append(ConfigEntry(key: key, value: ConfigNode(.object([])).setting(Array(path.dropFirst()), to: value)))
        }
        return ConfigNode(.object(entries), mark: mark)
    }

    func at(_ path: [String]) -> ConfigNode? {
        var n: ConfigNode? = self
        for k in path { n = n?[k] }
        return n
    }
}

import Foundation
