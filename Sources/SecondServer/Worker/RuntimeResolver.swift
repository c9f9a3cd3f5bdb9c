import SecondCore
import SecondPluginHost

/// Maps a request's runtime id to a configured runtime instance. Accepted forms: "claude",
/// "claude/main", "runtime.claude/main", and the reference's ids "claude-code" / "codex-cli".
struct RuntimeResolver: Sendable {
    let plugins: PluginRuntime

    static let aliases = ["claude-code": "claude", "codex-cli": "codex"]

    struct Settings: Sendable {
        var instance: ComponentInstance
        /// The component type ("claude"), used for provider session state and private homes.
        var type: String
        var model: String?
        var params: JSON
    }

    /// Validates runtimeId/runtimeModel/runtimeParams of a worker request (400 invalid_runtime_settings otherwise).
    struct Invalid: Error { let message: String; init(_ m: String) { message = m } }

    func settings(_ body: [String: JSON]) -> Result<Settings, Invalid> {
        guard let raw = body["runtimeId"]?.string, !raw.isEmpty else { return .failure(Invalid("/runtimeId: a runtime id is required")) }
        let model: String?
        switch body["runtimeModel"] {
        case nil, .null?: model = nil
        case .string(let m)?: model = m.isEmpty ? nil : m
        default: return .failure(Invalid("/runtimeModel: must be a string"))
        }
        let params: JSON
        switch body["runtimeParams"] {
        case nil, .null?: params = [:]
        case .object(let o)?: params = .object(o)
        default: return .failure(Invalid("/runtimeParams: must be an object"))
        }
        guard let instance = resolve(raw) else {
            let known = plugins.instances(kind: .runtime).map { $0.id.replacingOccurrences(of: "runtime.", with: "") }
            return .failure(Invalid("/runtimeId: no runtime \"\(raw)\" is configured (configured: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"))
        }
        return .success(Settings(instance: instance, type: instance.component.type, model: model, params: params))
    }

    func resolve(_ raw: String) -> ComponentInstance? {
        let id = raw.hasPrefix("runtime.") ? String(raw.dropFirst("runtime.".count)) : raw
        let all = plugins.instances(kind: .runtime)
        if id.contains("/") { return all.first { $0.id == "runtime.\(id)" } }
        let type = Self.aliases[id] ?? id
        return all.first { $0.component.type == type }
    }
}
