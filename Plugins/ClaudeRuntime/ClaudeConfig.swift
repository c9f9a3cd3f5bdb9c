import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// Instance config of runtime.claude (snake_case in YAML/JSON).
struct ClaudeConfig: Decodable, Sendable {
    struct Params: Decodable, Sendable {
        var effort: String?
        var thinking: String?
    }
    var executable: String?
    var baseUrl: String?
    var apiKey: String?
    var defaultModel: String?
    var params: Params?
    var partialMessages: Bool?
    var pricing: [String: ModelPrice]?
    var useCliReportedCost: Bool?
    var timeoutMs: UInt64?
    var cancelGraceMs: UInt64?
    var extraEnv: [String: String]?
    var subprocessEnvScrub: Bool?
    var maxRetries: Int?

    static let schema = """
    {"type":"object","additionalProperties":false,
     "properties":{
       "executable":{"type":"string","description":"absolute path of the claude CLI; else SECOND_CLAUDE_PATH, else PATH"},
       "base_url":{"type":"string","description":"ANTHROPIC_BASE_URL for the CLI"},
       "api_key":{"type":"string","x-secret":true,"description":"ANTHROPIC_API_KEY for the CLI"},
       "default_model":{"type":"string","default":"claude-opus-4-8"},
       "params":{"type":"object","additionalProperties":false,"properties":{
         "effort":{"enum":["low","medium","high","xhigh","max"]},
         "thinking":{"enum":["adaptive","enabled","disabled"],"default":"adaptive"}}},
       "partial_messages":{"type":"boolean","default":true},
       "pricing":{"type":"object","description":"USD per million tokens by model id ('*' suffix = prefix)",
         "additionalProperties":{"type":"object","additionalProperties":false,"required":["input","output"],"properties":{
           "input":{"type":"number","minimum":0},"cached_input":{"type":"number","minimum":0},
           "cache_write":{"type":"number","minimum":0},"output":{"type":"number","minimum":0}}}},
       "use_cli_reported_cost":{"type":"boolean","default":false,"description":"use the CLI's own cost for models without a price"},
       "timeout_ms":{"type":"integer","minimum":1000,"default":1800000},
       "cancel_grace_ms":{"type":"integer","minimum":0,"default":2000},
       "extra_env":{"type":"object","additionalProperties":{"type":"string"},"description":"non-secret variables; names containing KEY/TOKEN/SECRET/PASSWORD/AUTH are dropped"},
       "subprocess_env_scrub":{"type":"boolean","default":false,"description":"CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1; requires bwrap on the run PATH"},
       "max_retries":{"type":"integer","minimum":0,"maximum":10}}}
    """
}

/// Effort/thinking normalization (§15.1): xhigh only on Opus 4.8, default xhigh there, else high.
enum ClaudeParams {
    static func isOpus48(_ model: String) -> Bool {
        let m = model.hasPrefix("anthropic/") ? String(model.dropFirst("anthropic/".count)) : model
        return m == "claude-opus-4-8" || m.hasPrefix("claude-opus-4-8-")
    }
    static func effort(model: String, requested: String?) -> String {
        let valid: Set<String> = ["low", "medium", "high", "xhigh", "max"]
        guard let r = requested?.lowercased(), valid.contains(r) else { return isOpus48(model) ? "xhigh" : "high" }
        if r == "xhigh", !isOpus48(model) { return "high" }
        return r
    }
    static func thinking(_ requested: String?) -> String {
        switch requested?.lowercased() { case "enabled": return "enabled"; case "disabled": return "disabled"; default: return "adaptive" }
    }
}
