import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// runtime.claude — drives Claude Code (`claude -p --output-format stream-json`) per turn.
final class ClaudeRuntime: RuntimeDriver {
    typealias Config = ClaudeConfig
    static let type = "claude"
    static let summary = "Claude Code CLI runtime (stream-json, private HOME, MCP over HTTP)"
    static let stability = Stability.beta
    static let configSchema: String? = ClaudeConfig.schema

    let config: ClaudeConfig
    let context: InstanceContext
    private let registry = SessionList()

    init(config: ClaudeConfig, context: InstanceContext) throws {
        self.config = config
        self.context = context
    }

    func stop(deadlineMilliseconds: UInt32) { registry.cancelAll() }

    private func resolve(searchPath: String?) -> ExecutableResolver.Resolution {
        ExecutableResolver.resolve(name: "claude", configured: config.executable, overrideVariable: "SECOND_CLAUDE_PATH", searchPath: searchPath)
    }

    /// bwrap is needed when subprocess_env_scrub is on: on the run PATH, or (no PATH known) via a host probe.
    private func bwrapAvailable(searchPath: String?, timeoutMs: UInt32) -> Bool {
        if let sp = searchPath, !sp.isEmpty { return ExecutableResolver.find("bwrap", in: sp) != nil }
        guard let r = try? ProbeRunner.run(argv: ["bwrap", "--version"], env: [:], timeoutMs: timeoutMs, context: context) else { return false }
        return r.exitCode == 0
    }

    func detect(timeoutMilliseconds: UInt32) throws -> RuntimeAvailability {
        var features: [String: Bool] = ["json_output": true, "resume": true, "mcp": true, "partial_messages": true,
                                        "subprocess_env_scrub": config.subprocessEnvScrub == true]
        let res = resolve(searchPath: nil)
        guard let exe = res.argv0 else {
            if case .failure(let m) = res { return RuntimeAvailability(available: false, features: features, reason: m) }
            return RuntimeAvailability(available: false, features: features)
        }
        if config.subprocessEnvScrub == true {
            let ok = bwrapAvailable(searchPath: nil, timeoutMs: min(timeoutMilliseconds, 3000))
            features["bubblewrap_available"] = ok
            if !ok {
                return RuntimeAvailability(available: false, features: features,
                                           reason: "subprocess_env_scrub is on but bwrap (bubblewrap) is not on PATH")
            }
        }
        let (version, error) = ProbeRunner.version(executable: exe, env: PrivateEnvBuilder.probe(component: "claude", extra: config.extraEnv), timeoutMs: min(timeoutMilliseconds, 3000), context: context)
        return RuntimeAvailability(available: version != nil, version: version, features: features, reason: error)
    }

    func startSession(_ spec: SessionSpec, events: EventSink) throws -> any RuntimeSession {
        let searchPath = spec.env?["PATH"]
        let res = resolve(searchPath: searchPath)
        guard let exe = res.argv0 else {
            if case .failure(let m) = res { throw PluginError.unavailable(m) }
            throw PluginError.unavailable("claude not found")
        }
        if config.subprocessEnvScrub == true, !bwrapAvailable(searchPath: searchPath, timeoutMs: 2000) {
            throw PluginError.unavailable("subprocess_env_scrub is on but bwrap (bubblewrap) is not resolvable on the run PATH")
        }
        let inv = try ClaudeInvocation.build(config: config, spec: spec, executable: exe)
        try PrivateEnvBuilder.ensureDirectory((spec.tmp ?? "") + "/xdg-runtime")
        let secrets = [config.apiKey, spec.mcp?.token].compactMap { $0 }
        let normalizer = ClaudeNormalizer(model: inv.model, pricing: PricingTable(config.pricing ?? [:]),
                                          useReportedCost: config.useCliReportedCost ?? false, secrets: secrets)
        let timeout = spec.timeoutMs ?? config.timeoutMs ?? 1_800_000
        return try DriverSession.launch(argv: inv.argv, env: inv.env, cwd: spec.cwd, events: events, normalizer: normalizer,
                                        timeoutMs: timeout, graceMs: config.cancelGraceMs ?? 2000, cancelSignal: 2, secrets: secrets,
                                        context: context, list: registry)
    }
}

let plugin = SecondPlugin(name: "claude-runtime", version: "1.0.0",
                          summary: "Runtime driver for the Claude Code CLI", components: [.runtime(ClaudeRuntime.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
