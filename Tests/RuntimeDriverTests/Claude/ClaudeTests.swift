import Foundation
import Testing
import SecondPluginKit
import SecondRuntimeKit
@testable import ClaudeRuntime

private func decode<T: Decodable>(_ t: T.Type, _ json: String) throws -> T {
    let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase
    return try d.decode(t, from: Data(json.utf8))
}
private func spec(resume: String? = nil, tools: [String]? = ["Read", "mcp__app_tools__lookup", "WebSearch"]) -> SessionSpec {
    SessionSpec(sessionId: "k1", prompt: "--help me", systemPrompt: "Be brief.", cwd: "/w", home: "/h", tmp: "/t",
                env: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "REDIS_URL": "redis://x", "INTERNAL_API_TOKEN": "it"],
                model: "claude-sonnet-4-5", resume: resume, timeoutMs: 1000,
                mcp: .init(url: "http://127.0.0.1:3001/mcp/brk1", token: "mcp-secret-token-123", servers: ["second", "app_tools", "app_data"]),
                allowedTools: tools, maxTurns: 7)
}

@Suite struct ClaudeInvocationTests {
    let config = try! decode(ClaudeConfig.self, #"{"base_url":"http://127.0.0.1:18080","api_key":"sk-ant-test-key-999","default_model":"claude-opus-4-8","extra_env":{"FOO":"1","SOME_TOKEN":"x"}}"#)

    @Test func argvShapeAndOrder() throws {
        let inv = try ClaudeInvocation.build(config: config, spec: spec(resume: "sess-1"), executable: "/bin/claude")
        let a = inv.argv
        #expect(Array(a.prefix(6)) == ["/bin/claude", "-p", "--output-format", "stream-json", "--verbose", "--include-partial-messages"])
        #expect(a.contains("--strict-mcp-config"))
        #expect(a[a.firstIndex(of: "--model")! + 1] == "claude-sonnet-4-5")
        #expect(a[a.firstIndex(of: "--effort")! + 1] == "high")
        #expect(a[a.firstIndex(of: "--resume")! + 1] == "sess-1")
        #expect(a[a.firstIndex(of: "--max-turns")! + 1] == "7")
        #expect(a[a.firstIndex(of: "--system-prompt")! + 1] == "Be brief.")
        #expect(a[a.firstIndex(of: "--allowedTools")! + 1] == "Read,mcp__app_tools__lookup,WebSearch")
        #expect(a[a.firstIndex(of: "--tools")! + 1] == "Read,WebSearch")
        #expect(Array(a.suffix(2)) == ["--", "--help me"])  // prompt after "--": variadic flags cannot swallow it
        let mcp = JSONValue.parseObject(line: a[a.firstIndex(of: "--mcp-config")! + 1])!
        #expect(mcp["mcpServers"]?["app_data"]?["url"] == .string("http://127.0.0.1:3001/mcp/brk1?server=app_data"))
        #expect(mcp["mcpServers"]?["second"]?.at("headers", "Authorization") == .string("Bearer ${SECOND_MCP_TOKEN}"))
    }

    @Test func tokenOnlyInEnvAndNoForbiddenNames() throws {
        let inv = try ClaudeInvocation.build(config: config, spec: spec(), executable: "/bin/claude")
        #expect(!inv.argv.joined(separator: " ").contains("mcp-secret-token-123"))
        #expect(!inv.argv.joined(separator: " ").contains("sk-ant-test-key-999"))
        #expect(inv.env["SECOND_MCP_TOKEN"] == "mcp-secret-token-123")
        #expect(inv.env["ANTHROPIC_API_KEY"] == "sk-ant-test-key-999")
        #expect(inv.env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:18080")
        for bad in ["REDIS_URL", "INTERNAL_API_TOKEN", "SOME_TOKEN", "MONGODB_URI", "CLAUDE_CODE_SUBPROCESS_ENV_SCRUB"] { #expect(inv.env[bad] == nil) }
        #expect(inv.env["FOO"] == "1" && inv.env["HOME"] == "/h" && inv.env["TMPDIR"] == "/t" && inv.env["CLAUDE_CODE_TMPDIR"] == "/t")
        #expect(inv.env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] == "1" && inv.env["ENABLE_TOOL_SEARCH"] == "false")
        #expect(inv.env["XDG_RUNTIME_DIR"] == "/t/xdg-runtime")
    }

    @Test func effortRules() throws {
        #expect(ClaudeParams.effort(model: "claude-opus-4-8", requested: nil) == "xhigh")
        #expect(ClaudeParams.effort(model: "anthropic/claude-opus-4-8-20260101", requested: nil) == "xhigh")
        #expect(ClaudeParams.effort(model: "claude-sonnet-4-5", requested: "xhigh") == "high")
        #expect(ClaudeParams.effort(model: "claude-sonnet-4-5", requested: "low") == "low")
        let scrub = try decode(ClaudeConfig.self, #"{"subprocess_env_scrub":true}"#)
        let inv = try ClaudeInvocation.build(config: scrub, spec: spec(tools: nil), executable: "claude")
        #expect(inv.env["CLAUDE_CODE_SUBPROCESS_ENV_SCRUB"] == "1")
        #expect(inv.argv[inv.argv.firstIndex(of: "--tools")! + 1] == "")
        #expect(!inv.argv.contains("--allowedTools"))
    }
}

@Suite struct ClaudeNormalizerTests {
    let pricing = PricingTable(["claude-sonnet-4-5": ModelPrice(input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15)])

    @Test func successStream() {
        var n = ClaudeNormalizer(model: "claude-sonnet-4-5", pricing: pricing)
        var ev: [JSONValue] = []
        for l in [
            #"{"type":"system","subtype":"init","session_id":"s-1","cwd":"/w","model":"claude-sonnet-4-5","tools":[],"mcp_servers":[{"name":"second","status":"connected"}]}"#,
            #"{"type":"assistant","message":{"id":"msg_1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"toolu_1","name":"mcp__fake__fake_echo","input":{"text":"hello-from-model"}}]},"session_id":"s-1"}"#,
            #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"ECHO"}]}]}}"#,
            #"{"type":"rate_limit_event"}"#,
            #"{"type":"brand_new_thing","x":1}"#,
            #"{"type":"result","subtype":"success","is_error":false,"num_turns":3,"duration_ms":496,"result":"FINAL","session_id":"s-1","total_cost_usd":0.000315,"usage":{"input_tokens":10},"modelUsage":{"claude-sonnet-4-5":{"inputTokens":1000000,"outputTokens":1000000,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"costUSD":0.000315}},"terminal_reason":"completed"}"#,
        ] { ev += n.feed(line: l) }
        #expect(ev.count == 5)
        #expect(ev[0]["providerSessionState"] == ["runtimeId": "claude", "sessionId": "s-1", "format": "claude-jsonl"])
        #expect(ev.allSatisfy { $0["v"] == .number(1) })
        #expect(ev[3]["type"] == "tool_use_summary")
        #expect(ev[4]["total_cost_usd"] == .number(18))
        #expect(ev[4]["cli_reported_cost_usd"] == .number(0.000315))
        let out = n.finish(exitCode: 0, signal: 0, cancelled: false, stderrTail: "")
        #expect(out.error == nil)
    }

    @Test func isErrorWithSubtypeSuccessFails() {
        var n = ClaudeNormalizer(model: "x-model", pricing: pricing)
        let ev = n.feed(line: #"{"type":"result","subtype":"success","is_error":true,"terminal_reason":"api_error","api_error_status":400,"result":"API Error: 400 bad key sk-live-abcdef123456","modelUsage":{}}"#)
        #expect(ev[0]["total_cost_usd"] == .null && ev[0]["unpriced"] == .bool(true))
        let out = n.finish(exitCode: 1, signal: 0, cancelled: false, stderrTail: "")
        #expect(out.error?.contains("API Error: 400") == true)
        #expect(out.error?.contains("api_error") == true)
        #expect(out.error?.contains("sk-live-abcdef123456") == false)
    }

    @Test func endsWithoutResultAndTornLine() {
        var n = ClaudeNormalizer(model: "m", pricing: pricing, secrets: ["tok-secret-1"])
        _ = n.feed(line: #"{"type":"system","subtype":"init","session_id":"s"}"#)
        #expect(n.feed(line: "not json at all").isEmpty)
        #expect(n.feed(line: #"{"type":"stream_event","event":{"type":"message_start"}}"#).count == 2)  // held line released as summary
        #expect(n.feed(line: #"{"type":"assistant","message":{"con"#).isEmpty)  // torn
        let out = n.finish(exitCode: 143, signal: 0, cancelled: false, stderrTail: "boom tok-secret-1")
        #expect(out.error?.contains("exited with code 143") == true)
        #expect(out.error?.contains("tok-secret-1") == false)
        var c = ClaudeNormalizer(model: "m", pricing: pricing)
        #expect(c.finish(exitCode: 0, signal: 0, cancelled: false, stderrTail: "").error == "claude stream ended without a result")
    }
}
