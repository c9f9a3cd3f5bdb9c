import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// Instance config of runtime.opencode.
struct OpenCodeConfig: Decodable, Sendable {
    struct Params: Decodable, Sendable { var variant: String? }
    var executable: String?
    var providerId: String?
    var providerNpm: String?
    var baseUrl: String?
    var apiKey: String?
    var models: [String]?
    var defaultModel: String?
    var params: Params?
    var pricing: [String: ModelPrice]?
    var useCliReportedCost: Bool?
    var timeoutMs: UInt64?
    var cancelGraceMs: UInt64?
    var extraEnv: [String: String]?

    static let schema = """
    {"type":"object","additionalProperties":false,"required":["base_url"],
     "properties":{
       "executable":{"type":"string","description":"absolute path of opencode; else SECOND_OPENCODE_PATH, else PATH"},
       "provider_id":{"type":"string","pattern":"^[a-z0-9_-]+$","default":"second"},
       "provider_npm":{"enum":["@ai-sdk/openai-compatible","@ai-sdk/anthropic","@ai-sdk/openai"],"default":"@ai-sdk/openai-compatible"},
       "base_url":{"type":"string"},
       "api_key":{"type":"string","x-secret":true,"description":"passed as SECOND_OPENCODE_PROVIDER_KEY, referenced as {env:…}"},
       "models":{"type":"array","items":{"type":"string"},"description":"model ids declared for the provider"},
       "default_model":{"type":"string","description":"provider/model or a bare model of the provider"},
       "params":{"type":"object","additionalProperties":false,"properties":{"variant":{"type":"string","default":"auto"}}},
       "pricing":{"type":"object","additionalProperties":{"type":"object","additionalProperties":false,"required":["input","output"],
         "properties":{"input":{"type":"number","minimum":0},"cached_input":{"type":"number","minimum":0},
                       "cache_write":{"type":"number","minimum":0},"output":{"type":"number","minimum":0}}}},
       "use_cli_reported_cost":{"type":"boolean","default":false,"description":"use opencode's per-step cost for models without a price"},
       "timeout_ms":{"type":"integer","minimum":1000,"default":1800000},
       "cancel_grace_ms":{"type":"integer","minimum":0,"default":2000},
       "extra_env":{"type":"object","additionalProperties":{"type":"string"}}}}
    """
}

/// argv/env of one opencode turn. Pure.
struct OpenCodeInvocation: Sendable, Equatable {
    var argv: [String]
    var env: [String: String]
    var configContent: String
    var model: String

    static let agent = "second"
    static let keyVariable = "SECOND_OPENCODE_PROVIDER_KEY"

    /// §23.13–14: opencode tool switches from the canonical allowlist.
    static func tools(allowed: [String]) -> [String: Bool] {
        let a = Set(allowed)
        var t: [String: Bool] = [
            "write": a.contains("Write"), "edit": a.contains("Edit"), "apply_patch": a.contains("Edit"),
            "read": a.contains("Read"), "grep": a.contains("Grep"), "glob": a.contains("Glob"), "bash": a.contains("Bash"),
            "webfetch": a.contains("WebFetch"), "websearch": a.contains("WebSearch"), "task": a.contains("Task"),
            "todowrite": a.contains("TodoWrite"), "skill": a.contains("Skill"),
        ]
        for s in ToolNames.mcpServers { t[s] = allowed.contains { $0.hasPrefix("mcp__\(s)__") } }
        return t
    }

    /// `auto`/empty → no --variant.
    static func variant(_ v: String?) -> String? {
        guard let t = v?.trimmingCharacters(in: .whitespaces), !t.isEmpty, t.lowercased() != "auto" else { return nil }
        return t
    }

    static func build(config: OpenCodeConfig, spec: SessionSpec, executable: String) throws -> OpenCodeInvocation {
        guard let home = spec.home, let tmp = spec.tmp else { throw PluginError.invalidArgument("spec.home and spec.tmp are required") }
        let provider = config.providerId ?? "second"
        guard var model = spec.model ?? config.defaultModel, !model.isEmpty else {
            throw PluginError.invalidArgument("no model: set default_model in the runtime config or pass one")
        }
        if !model.contains("/") { model = "\(provider)/\(model)" }
        let v = variant(spec.params?["variant"]?.stringValue ?? config.params?.variant)

        var argv = [executable, "run", "--format", "json", "--model", model]
        if let v { argv += ["--variant", v] }
        argv += ["--agent", agent]
        if let s = spec.resume, !s.isEmpty { argv += ["--session", s] }
        argv.append(spec.prompt ?? "")

        var models: [String: JSONValue] = [:]
        var declared = config.models ?? []
        if model.hasPrefix(provider + "/") { declared.append(String(model.dropFirst(provider.count + 1))) }
        for m in declared { models[m] = ["tool_call": true] }
        var options: [String: JSONValue] = ["apiKey": .string("{env:\(keyVariable)}")]
        if let b = config.baseUrl { options["baseURL"] = .string(b) }
        var mcp: [String: JSONValue] = [:]
        for s in MCPServers.urls(spec.mcp) {
            mcp[s.name] = ["type": "remote", "url": .string(s.url), "oauth": false, "enabled": true,
                           "headers": ["Authorization": .string("Bearer {env:\(MCPServers.tokenVariable)}")]]
        }
        var agentObj: [String: JSONValue] = ["tools": .object(tools(allowed: spec.allowedTools ?? []).mapValues { .bool($0) })]
        if let p = spec.systemPrompt, !p.isEmpty { agentObj["prompt"] = .string(p) }
        if let n = spec.maxTurns, n > 0 { agentObj["steps"] = .int(n) }
        let cfg: JSONValue = [
            "$schema": "https://opencode.ai/config.json",
            "autoupdate": false, "share": "disabled",
            "provider": .object([provider: ["npm": .string(config.providerNpm ?? "@ai-sdk/openai-compatible"), "name": "Second",
                                            "options": .object(options), "models": .object(models)]]),
            "model": .string(model),
            "mcp": .object(mcp),
            "agent": .object([agent: .object(agentObj)]),
            "permission": ["question": "deny", "external_directory": "deny"],
        ]

        var env = PrivateEnvBuilder(specEnv: spec.env, home: home, tmp: tmp)
        env.addExtra(config.extraEnv)
        env.set("OPENCODE_CONFIG_CONTENT", cfg.serialized)
        env.set("OPENCODE_DISABLE_MODELS_FETCH", "1")
        env.set("OPENCODE_DISABLE_AUTOUPDATE", "1")
        env.set("OPENCODE_DISABLE_DEFAULT_PLUGINS", "1")
        env.set("OPENCODE_DISABLE_LSP_DOWNLOAD", "1")
        env.set("OPENCODE_DISABLE_PROJECT_CONFIG", "1")
        if let k = config.apiKey, !k.isEmpty { env.set(keyVariable, k) }
        if let m = spec.mcp { env.set(MCPServers.tokenVariable, m.token) }
        return OpenCodeInvocation(argv: argv, env: env.env, configContent: cfg.serialized, model: model)
    }
}
