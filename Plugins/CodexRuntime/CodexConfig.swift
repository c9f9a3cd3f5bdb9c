import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// Instance config of runtime.codex.
struct CodexConfig: Decodable, Sendable {
    struct Params: Decodable, Sendable { var reasoningEffort: String? }
    var executable: String?
    var baseUrl: String?
    var apiKey: String?
    var defaultModel: String?
    var params: Params?
    var sandbox: String?
    var pricing: [String: ModelPrice]?
    var timeoutMs: UInt64?
    var cancelGraceMs: UInt64?
    var extraEnv: [String: String]?
    var enabledToolsFilter: Bool?

    static let schema = """
    {"type":"object","additionalProperties":false,"required":["base_url"],
     "properties":{
       "executable":{"type":"string","description":"absolute path of the codex CLI; else SECOND_CODEX_PATH, else PATH"},
       "base_url":{"type":"string","description":"OpenAI Responses API base URL (…/v1) of the custom provider"},
       "api_key":{"type":"string","x-secret":true,"description":"sent by codex as Bearer; passed as SECOND_CODEX_PROVIDER_KEY"},
       "default_model":{"type":"string","default":"gpt-5.5"},
       "params":{"type":"object","additionalProperties":false,"properties":{
         "reasoning_effort":{"enum":["minimal","low","medium","high","xhigh"],"default":"high"}}},
       "sandbox":{"enum":["read-only","workspace-write","danger-full-access"],"default":"read-only"},
       "pricing":{"type":"object","description":"USD per million tokens by model id ('*' suffix = prefix)",
         "additionalProperties":{"type":"object","additionalProperties":false,"required":["input","output"],"properties":{
           "input":{"type":"number","minimum":0},"cached_input":{"type":"number","minimum":0},
           "cache_write":{"type":"number","minimum":0},"output":{"type":"number","minimum":0}}}},
       "timeout_ms":{"type":"integer","minimum":1000,"default":1800000},
       "cancel_grace_ms":{"type":"integer","minimum":0,"default":2000},
       "extra_env":{"type":"object","additionalProperties":{"type":"string"}},
       "enabled_tools_filter":{"type":"boolean","default":true,"description":"restrict each MCP server's enabled_tools to the turn's allowlist"}}}
    """
}

/// argv, env and config.toml of one codex turn. Pure: no I/O.
struct CodexInvocation: Sendable, Equatable {
    var argv: [String]
    var env: [String: String]
    var codexHome: String
    var configToml: String
    var instructions: String?
    var model: String

    static let keyVariable = "SECOND_CODEX_PROVIDER_KEY"

    static func sandboxMode(config: CodexConfig, params: JSONValue?) -> String {
        // The spec may narrow the sandbox, never widen it beyond the instance setting.
        let order = ["read-only", "workspace-write", "danger-full-access"]
        let base = order.contains(config.sandbox ?? "") ? config.sandbox! : "read-only"
        if let req = params?["sandbox"]?.stringValue, let ri = order.firstIndex(of: req), let bi = order.firstIndex(of: base), ri < bi {
            return req
        }
        return base
    }

    static func toml(_ s: String) -> String { jsonQuoted(s) }
    static func tomlArray(_ a: [String]) -> String { "[" + a.map(toml).joined(separator: ", ") + "]" }

    static func build(config: CodexConfig, spec: SessionSpec, executable: String) throws -> CodexInvocation {
        guard let home = spec.home, let tmp = spec.tmp else { throw PluginError.invalidArgument("spec.home and spec.tmp are required") }
        guard let cwd = spec.cwd else { throw PluginError.invalidArgument("spec.cwd is required") }
        guard let model = spec.model ?? config.defaultModel, !model.isEmpty else {
            throw PluginError.invalidArgument("no model: set default_model in the runtime config or pass one")
        }
        guard let baseUrl = config.baseUrl, !baseUrl.isEmpty else { throw PluginError.invalidArgument("base_url is not configured") }
        let codexHome = home + "/.codex"
        let shellHome = home + "/shell-home"
        let effort = spec.params?["reasoning_effort"]?.stringValue ?? config.params?.reasoningEffort ?? "high"
        let allowed = spec.allowedTools ?? []
        let web = allowed.contains("WebSearch") || allowed.contains("WebFetch")
        var instructions: String?
        var t = ""
        t += "# Written by Second Server for one turn (no secrets: keys come from the environment).\n"
        t += "model = \(toml(model))\n"
        t += "model_provider = \"second\"\n"
        t += "model_reasoning_effort = \(toml(effort))\n"
        t += "model_reasoning_summary = \"auto\"\n"
        t += "approval_policy = \"never\"\n"
        t += "sandbox_mode = \(toml(sandboxMode(config: config, params: spec.params)))\n"
        t += "web_search = \(web ? "\"live\"" : "\"disabled\"")\n"
        t += "check_for_update_on_startup = false\n"
        if let s = spec.systemPrompt, !s.isEmpty {
            instructions = s
            t += "model_instructions_file = \(toml(codexHome + "/second-instructions.md"))\n"
        }
        t += "\n[analytics]\nenabled = false\n\n[feedback]\nenabled = false\n\n[features]\nplugins = false\n"
        t += "\n[model_providers.second]\nname = \"Second\"\nbase_url = \(toml(baseUrl))\nwire_api = \"responses\"\n"
        t += "env_key = \(toml(keyVariable))\nrequest_max_retries = 0\nstream_max_retries = 0\n"
        t += "\n[shell_environment_policy]\ninherit = \"core\"\n"
        t += "include_only = " + tomlArray(["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "TMP", "TEMP", "LANG", "LC_*", "TERM"]) + "\n"
        t += "exclude = " + tomlArray(["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME", MCPServers.tokenVariable, keyVariable,
                                        "*TOKEN*", "*SECRET*", "*KEY*", "AUTHORIZATION", "COOKIE"]) + "\n"
        t += "set = { HOME = \(toml(shellHome)) }\n"
        for s in MCPServers.urls(spec.mcp) {
            t += "\n[mcp_servers.\(s.name)]\nurl = \(toml(s.url))\nbearer_token_env_var = \"\(MCPServers.tokenVariable)\"\n"
            t += "default_tools_approval_mode = \"approve\"\nstartup_timeout_sec = 10\ntool_timeout_sec = 120\n"
            if config.enabledToolsFilter ?? true {
                let prefix = "mcp__\(s.name)__"
                let tools = allowed.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
                t += "enabled_tools = \(tomlArray(tools))\n"
            }
        }

        var argv = [executable, "exec", "--json", "--skip-git-repo-check", "-C", cwd, "-m", model]
        if let r = spec.resume, !r.isEmpty { argv += ["resume", r] }
        argv += ["--", spec.prompt ?? ""]

        var env = PrivateEnvBuilder(specEnv: spec.env, home: home, tmp: tmp)
        env.addExtra(config.extraEnv)
        env.set("CODEX_HOME", codexHome)
        if let k = config.apiKey, !k.isEmpty { env.set(keyVariable, k) }
        if let m = spec.mcp { env.set(MCPServers.tokenVariable, m.token) }
        return CodexInvocation(argv: argv, env: env.env, codexHome: codexHome, configToml: t, instructions: instructions, model: model)
    }
}
