import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// runtime.codex — drives the Codex CLI (`codex exec --json`) per turn with a private CODEX_HOME.
final class CodexRuntime: RuntimeDriver {
    typealias Config = CodexConfig
    static let type = "codex"
    static let summary = "Codex CLI runtime (exec --json, custom provider, MCP over HTTP)"
    static let stability = Stability.beta
    static let configSchema: String? = CodexConfig.schema

    let config: CodexConfig
    let context: InstanceContext
    private let registry = SessionList()

    init(config: CodexConfig, context: InstanceContext) throws { self.config = config; self.context = context }

    func stop(deadlineMilliseconds: UInt32) { registry.cancelAll() }

    private func resolve(searchPath: String?) -> ExecutableResolver.Resolution {
        ExecutableResolver.resolve(name: "codex", configured: config.executable, overrideVariable: "SECOND_CODEX_PATH", searchPath: searchPath)
    }

    func detect(timeoutMilliseconds: UInt32) throws -> RuntimeAvailability {
        let features = ["json_output": true, "resume": true, "mcp": true, "sandbox": true]
        let res = resolve(searchPath: nil)
        guard let exe = res.argv0 else {
            if case .failure(let m) = res { return RuntimeAvailability(available: false, features: features, reason: m) }
            return RuntimeAvailability(available: false, features: features)
        }
        let (version, error) = ProbeRunner.version(executable: exe, env: PrivateEnvBuilder.probe(component: "codex", extra: config.extraEnv), timeoutMs: min(timeoutMilliseconds, 3000), context: context)
        return RuntimeAvailability(available: version != nil, version: version, features: features, reason: error)
    }

    func startSession(_ spec: SessionSpec, events: EventSink) throws -> any RuntimeSession {
        let res = resolve(searchPath: spec.env?["PATH"])
        guard let exe = res.argv0 else {
            if case .failure(let m) = res { throw PluginError.unavailable(m) }
            throw PluginError.unavailable("codex not found")
        }
        let inv = try CodexInvocation.build(config: config, spec: spec, executable: exe)
        try PrivateEnvBuilder.ensureDirectory(inv.codexHome)
        try PrivateEnvBuilder.ensureDirectory((spec.home ?? "") + "/shell-home")
        try PrivateEnvBuilder.writePrivateFile(inv.codexHome + "/config.toml", inv.configToml)
        if let i = inv.instructions { try PrivateEnvBuilder.writePrivateFile(inv.codexHome + "/second-instructions.md", i) }
        let secrets = [config.apiKey, spec.mcp?.token].compactMap { $0 }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let normalizer = CodexNormalizer(model: inv.model, pricing: PricingTable(config.pricing ?? [:]), secrets: secrets,
                                         durationClock: { Int((DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000) })
        let timeout = spec.timeoutMs ?? config.timeoutMs ?? 1_800_000
        return try DriverSession.launch(argv: inv.argv, env: inv.env, cwd: spec.cwd, events: events, normalizer: normalizer,
                                        timeoutMs: timeout, graceMs: config.cancelGraceMs ?? 2000, cancelSignal: 2, secrets: secrets,
                                        context: context, list: registry)
    }
}

let plugin = SecondPlugin(name: "codex-runtime", version: "1.0.0",
                          summary: "Runtime driver for the Codex CLI", components: [.runtime(CodexRuntime.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
