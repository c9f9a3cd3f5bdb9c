import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// The argv and env of one claude turn. Pure: no I/O.
struct ClaudeInvocation: Sendable, Equatable {
    var argv: [String]
    var env: [String: String]
    var model: String

    static let builtinTools = ToolNames.builtins

    /// `executable`: resolved argv[0]. Throws invalidArgument on a spec the driver cannot run.
    static func build(config: ClaudeConfig, spec: SessionSpec, executable: String) throws -> ClaudeInvocation {
        guard let home = spec.home, let tmp = spec.tmp else { throw PluginError.invalidArgument("spec.home and spec.tmp are required") }
        guard let model = spec.model ?? config.defaultModel, !model.isEmpty else {
            throw PluginError.invalidArgument("no model: set default_model in the runtime config or pass one")
        }
        let p = spec.params
        let effort = ClaudeParams.effort(model: model, requested: p?["effort"]?.stringValue ?? config.params?.effort)
        let thinking = ClaudeParams.thinking(p?["thinking"]?.stringValue ?? config.params?.thinking)

        var argv = [executable, "-p", "--output-format", "stream-json", "--verbose"]
        if config.partialMessages ?? true { argv.append("--include-partial-messages") }
        argv += ["--model", model, "--effort", effort]
        if thinking == "disabled" { argv += ["--settings", #"{"alwaysThinkingEnabled":false}"#] }
        if let s = spec.systemPrompt, !s.isEmpty { argv += ["--system-prompt", s] }
        if let n = spec.maxTurns, n > 0 { argv += ["--max-turns", String(n)] }
        if let r = spec.resume, !r.isEmpty { argv += ["--resume", r] }
        let servers = MCPServers.urls(spec.mcp)
        var mcp: [String: JSONValue] = [:]
        for s in servers {
            mcp[s.name] = ["type": "http", "url": .string(s.url),
                           "headers": ["Authorization": .string("Bearer ${\(MCPServers.tokenVariable)}")]]
        }
        argv += ["--mcp-config", JSONValue.object(["mcpServers": .object(mcp)]).serialized, "--strict-mcp-config"]
        let allowed = spec.allowedTools ?? []
        let builtins = allowed.filter { builtinTools.contains($0) }
        argv += ["--tools", builtins.joined(separator: ",")]
        if !allowed.isEmpty { argv += ["--allowedTools", allowed.joined(separator: ",")] }
        argv += ["--", spec.prompt ?? ""]

        var env = PrivateEnvBuilder(specEnv: spec.env, home: home, tmp: tmp)
        env.addExtra(config.extraEnv)
        env.set("CLAUDE_CODE_TMPDIR", tmp)
        env.set("XDG_RUNTIME_DIR", tmp + "/xdg-runtime")
        env.set("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        env.set("DISABLE_AUTOUPDATER", "1")
        env.set("ENABLE_TOOL_SEARCH", "false")
        if let r = config.maxRetries { env.set("CLAUDE_CODE_MAX_RETRIES", String(r)) }
        if config.subprocessEnvScrub == true { env.set("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB", "1") }
        if let b = config.baseUrl, !b.isEmpty { env.set("ANTHROPIC_BASE_URL", b) }
        if let k = config.apiKey, !k.isEmpty { env.set("ANTHROPIC_API_KEY", k) }
        if let m = spec.mcp, !servers.isEmpty { env.set(MCPServers.tokenVariable, m.token) }
        return ClaudeInvocation(argv: argv, env: env.env, model: model)
    }
}
