import Foundation
import Testing
import SecondPluginKit
import SecondRuntimeKit
@testable import CodexRuntime

private func config(_ json: String) throws -> CodexConfig {
    let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase
    return try d.decode(CodexConfig.self, from: Data(json.utf8))
}
private func spec(resume: String? = nil, params: JSONValue? = nil) -> SessionSpec {
    SessionSpec(sessionId: "k", prompt: "Please USE_TOOL fake_echo", systemPrompt: "SYS", cwd: "/w", home: "/h", tmp: "/t",
                env: ["PATH": "/usr/bin", "OPENAI_API_KEY": "sk-leak-123456", "WEB_URL": "http://x"], model: "fake-model",
                resume: resume, mcp: .init(url: "http://127.0.0.1:3001/mcp/b1", token: "tok-abc-123456"), params: params,
                allowedTools: ["mcp__second__present_plan", "mcp__app_tools__lookup"])
}

@Suite struct CodexInvocationTests {
    @Test func argvAndResume() throws {
        let c = try config(#"{"base_url":"http://127.0.0.1:18080/v1","api_key":"sk-codex-key-777"}"#)
        let a = try CodexInvocation.build(config: c, spec: spec(), executable: "/x/codex").argv
        #expect(a == ["/x/codex", "exec", "--json", "--skip-git-repo-check", "-C", "/w", "-m", "fake-model", "--", "Please USE_TOOL fake_echo"])
        let r = try CodexInvocation.build(config: c, spec: spec(resume: "thr-1"), executable: "/x/codex").argv
        #expect(Array(r.suffix(4)) == ["resume", "thr-1", "--", "Please USE_TOOL fake_echo"])
    }

    @Test func configTomlAndEnv() throws {
        let c = try config(#"{"base_url":"http://127.0.0.1:18080/v1","api_key":"sk-codex-key-777"}"#)
        let inv = try CodexInvocation.build(config: c, spec: spec(), executable: "codex")
        let t = inv.configToml
        #expect(t.contains("[model_providers.second]") && t.contains(#"wire_api = "responses""#) && t.contains("request_max_retries = 0"))
        #expect(t.contains(#"env_key = "SECOND_CODEX_PROVIDER_KEY""#))
        #expect(t.contains("[analytics]\nenabled = false") && t.contains("[features]\nplugins = false"))
        #expect(t.contains(#"approval_policy = "never""#) && t.contains(#"sandbox_mode = "read-only""#))
        #expect(t.contains(#"url = "http://127.0.0.1:3001/mcp/b1?server=app_tools""#))
        #expect(t.contains(#"bearer_token_env_var = "SECOND_MCP_TOKEN""#) && t.contains(#"default_tools_approval_mode = "approve""#))
        #expect(t.contains(#"enabled_tools = ["present_plan"]"#) && t.contains(#"enabled_tools = ["lookup"]"#))
        #expect(t.contains(#""*KEY*""#) && t.contains(#""*TOKEN*""#) && t.contains(#""*SECRET*""#))
        for secret in ["tok-abc-123456", "sk-codex-key-777"] {
            #expect(!t.contains(secret)); #expect(!inv.argv.joined().contains(secret))
        }
        #expect(inv.env["SECOND_MCP_TOKEN"] == "tok-abc-123456" && inv.env["SECOND_CODEX_PROVIDER_KEY"] == "sk-codex-key-777")
        #expect(inv.env["OPENAI_API_KEY"] == nil && inv.env["CODEX_API_KEY"] == nil && inv.env["WEB_URL"] == nil)
        #expect(inv.env["CODEX_HOME"] == "/h/.codex")
    }

    @Test func sandboxIsExplicit() throws {
        #expect(CodexInvocation.sandboxMode(config: try config(#"{}"#), params: nil) == "read-only")
        let ww = try config(#"{"sandbox":"workspace-write"}"#)
        #expect(CodexInvocation.sandboxMode(config: ww, params: nil) == "workspace-write")
        #expect(CodexInvocation.sandboxMode(config: ww, params: ["sandbox": "danger-full-access"]) == "workspace-write")  // never widened
        #expect(CodexInvocation.sandboxMode(config: ww, params: ["sandbox": "read-only"]) == "read-only")
        #expect(CodexInvocation.sandboxMode(config: try config(#"{"sandbox":"danger-full-access"}"#), params: nil) == "danger-full-access")
    }
}

@Suite struct CodexNormalizerTests {
    let lines = [
        #"{"type":"thread.started","thread_id":"01a24297-be94-7bf1-becf-16786490c707"}"#,
        #"{"type":"turn.started"}"#,
        #"{"type":"item.started","item":{"id":"item_0","type":"mcp_tool_call","server":"fake","tool":"fake_echo","arguments":{"text":"hello-from-model"},"result":null,"error":null,"status":"in_progress"}}"#,
        #"{"type":"item.completed","item":{"id":"item_0","type":"mcp_tool_call","server":"fake","tool":"fake_echo","arguments":{"text":"hello-from-model"},"result":{"content":[{"type":"text","text":"ECHO[hello-from-model] auth=ok"}],"structured_content":null},"error":null,"status":"completed"}}"#,
        #"{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"FINAL: tool said ECHO"}}"#,
        #"{"type":"turn.completed","usage":{"input_tokens":30,"cached_input_tokens":10,"cache_write_input_tokens":0,"output_tokens":15,"reasoning_output_tokens":0}}"#,
    ]

    @Test func toolStreamAndPricedResult() {
        var n = CodexNormalizer(model: "fake-model", pricing: PricingTable(["fake-model": ModelPrice(input: 5, cachedInput: 0.5, output: 30)]))
        var ev: [JSONValue] = []
        for l in lines { ev += n.feed(line: l) }
        #expect(ev[0]["type"] == "system" && ev[0]["session_id"] == "01a24297-be94-7bf1-becf-16786490c707")
        #expect(ev[0].at("providerSessionState", "format") == "codex-session")
        #expect(ev[1].at("message", "content")?.arrayValue?.first?["name"] == "mcp__fake__fake_echo")
        #expect(ev[2]["type"] == "user")
        #expect(ev[3].at("message", "content")?.arrayValue?.first?["text"] == "FINAL: tool said ECHO")
        let out = n.finish(exitCode: 0, signal: 0, cancelled: false, stderrTail: "")
        #expect(out.error == nil)
        let r = out.events[0]
        #expect(r["type"] == "result" && r["num_turns"] == 1)
        // (30-10)*5 + 10*0.5 + 15*30 = 555 per MTok
        #expect(r["total_cost_usd"] == .number(0.000555))
        #expect(r.at("modelUsage", "fake-model", "cacheReadInputTokens") == 10)
    }

    @Test func turnFailedAndRetryNoise() {
        var n = CodexNormalizer(model: "m", pricing: PricingTable())
        _ = n.feed(line: #"{"type":"error","message":"Reconnecting... 2/5 (x)"}"#)
        _ = n.feed(line: #"{"type":"error","message":"unexpected status 401 Unauthorized: bad key sk-proj-abcdef123456"}"#)
        _ = n.feed(line: #"{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: bad key sk-proj-abcdef123456"}}"#)
        let out = n.finish(exitCode: 1, signal: 0, cancelled: false, stderrTail: "")
        #expect(out.error?.hasPrefix("codex turn failed: unexpected status 401") == true)
        #expect(out.error?.contains("sk-proj-abcdef123456") == false)
    }

    @Test func sigintWithoutFinalEventAndCommandDeltas() {
        var n = CodexNormalizer(model: "m", pricing: PricingTable())
        _ = n.feed(line: lines[0])
        let d1 = n.feed(line: #"{"type":"item.updated","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"a\n","status":"in_progress"}}"#)
        let d2 = n.feed(line: #"{"type":"item.updated","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"a\nb\n","status":"in_progress"}}"#)
        #expect(d1.count == 2 && d2.count == 1 && d2[0]["delta"] == "b\n" && d2[0]["toolName"] == "Bash")
        #expect(n.finish(exitCode: 1, signal: 0, cancelled: true, stderrTail: "").error == "cancelled")
        var m = CodexNormalizer(model: "m", pricing: PricingTable())
        _ = m.feed(line: lines[0])
        #expect(m.finish(exitCode: 0, signal: 0, cancelled: false, stderrTail: "").error == "codex stream ended without turn.completed")
    }
}
