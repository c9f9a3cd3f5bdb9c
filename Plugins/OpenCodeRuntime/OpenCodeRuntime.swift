import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// runtime.opencode — drives `opencode run --format json` per turn; config via OPENCODE_CONFIG_CONTENT.
final class OpenCodeRuntime: RuntimeDriver {
    typealias Config = OpenCodeConfig
    static let type = "opencode"
    static let summary = "OpenCode CLI runtime (run --format json, remote MCP, private XDG dirs)"
    static let stability = Stability.beta
    static let configSchema: String? = OpenCodeConfig.schema

    let config: OpenCodeConfig
    let context: InstanceContext
    private let registry = SessionList()

    init(config: OpenCodeConfig, context: InstanceContext) throws { self.config = config; self.context = context }

    func stop(deadlineMilliseconds: UInt32) { registry.cancelAll() }

    private func resolve(searchPath: String?) -> ExecutableResolver.Resolution {
        ExecutableResolver.resolve(name: "opencode", configured: config.executable, overrideVariable: "SECOND_OPENCODE_PATH", searchPath: searchPath)
    }

    /// Version, then `run --help` must mention `--format` (features.json_events).
    func detect(timeoutMilliseconds: UInt32) throws -> RuntimeAvailability {
        var features = ["json_output": false, "json_events": false, "resume": true, "mcp": true]
        let res = resolve(searchPath: nil)
        guard let exe = res.argv0 else {
            if case .failure(let m) = res { return RuntimeAvailability(available: false, features: features, reason: m) }
            return RuntimeAvailability(available: false, features: features)
        }
        let (version, verr) = ProbeRunner.version(executable: exe, env: PrivateEnvBuilder.probe(component: "opencode", extra: config.extraEnv), timeoutMs: min(timeoutMilliseconds, 3000), context: context)
        let help: ProbeRunner.Result
        do { help = try ProbeRunner.run(argv: [exe, "run", "--help"], env: PrivateEnvBuilder.probe(component: "opencode", extra: config.extraEnv), timeoutMs: min(timeoutMilliseconds, 10000), context: context) }
        catch let e as PluginError { return RuntimeAvailability(available: false, version: version, features: features, reason: Redactor.clip(e.message, limit: 300)) }
        if help.timedOut { return RuntimeAvailability(available: false, version: version, features: features, reason: "probe_failed: run --help timed out") }
        let supported = (help.stdout + help.stderr).contains("--format")
        features["json_output"] = supported
        features["json_events"] = supported
        return RuntimeAvailability(available: supported, version: version, features: features,
                                   reason: supported ? nil : (verr ?? "unsupported: `opencode run --help` does not mention --format"))
    }

    func startSession(_ spec: SessionSpec, events: EventSink) throws -> any RuntimeSession {
        let res = resolve(searchPath: spec.env?["PATH"])
        guard let exe = res.argv0 else {
            if case .failure(let m) = res { throw PluginError.unavailable(m) }
            throw PluginError.unavailable("opencode not found")
        }
        let inv = try OpenCodeInvocation.build(config: config, spec: spec, executable: exe)
        let secrets = [config.apiKey, spec.mcp?.token].compactMap { $0 }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let normalizer = OpenCodeNormalizer(model: inv.model, pricing: PricingTable(config.pricing ?? [:]),
                                            useReportedCost: config.useCliReportedCost ?? false, knownSession: spec.resume,
                                            secrets: secrets, durationClock: { Int((DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000) })
        let timeout = spec.timeoutMs ?? config.timeoutMs ?? 1_800_000
        // OpenCode: SIGTERM first (its SIGINT behaviour is undocumented), then SIGKILL.
        return try DriverSession.launch(argv: inv.argv, env: inv.env, cwd: spec.cwd, events: events, normalizer: normalizer,
                                        timeoutMs: timeout, graceMs: config.cancelGraceMs ?? 2000, cancelSignal: 15, secrets: secrets,
                                        context: context, list: registry)
    }
}

let plugin = SecondPlugin(name: "opencode-runtime", version: "1.0.0",
                          summary: "Runtime driver for the OpenCode CLI", components: [.runtime(OpenCodeRuntime.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
