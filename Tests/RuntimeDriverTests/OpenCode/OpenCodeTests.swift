import Foundation
import Testing
import SecondPluginKit
import SecondRuntimeKit
@testable import OpenCodeRuntime

private func config(_ json: String = #"{"base_url":"http://127.0.0.1:18080/v1","api_key":"sk-oc-key-123456","default_model":"second/fake-model"}"#) throws -> OpenCodeConfig {
    let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase
    return try d.decode(OpenCodeConfig.self, from: Data(json.utf8))
}
private func spec(model: String? = "openai/gpt-5.5", variant: String? = nil, resume: String? = nil, tools: [String] = []) -> SessionSpec {
    SessionSpec(sessionId: "k", prompt: "P", systemPrompt: "SYS", cwd: "/w", home: "/h", tmp: "/t", env: ["PATH": "/bin", "COOKIE": "c"],
                model: model, resume: resume, mcp: .init(url: "http://127.0.0.1:3001/mcp/b", token: "tok-oc-123456"),
                params: variant.map { ["variant": .string($0)] }, allowedTools: tools)
}

@Suite struct OpenCodeInvocationTests {
    @Test func argsWithVariant() throws {  // §23.1
        let a = try OpenCodeInvocation.build(config: config(), spec: spec(variant: "high"), executable: "opencode").argv
        #expect(a == ["opencode", "run", "--format", "json", "--model", "openai/gpt-5.5", "--variant", "high", "--agent", "second", "P"])
    }
    @Test func variantOmittedAndSessionBeforePrompt() throws {  // §23.2
        let a = try OpenCodeInvocation.build(config: config(), spec: spec(variant: "auto", resume: "ses_9"), executable: "opencode").argv
        #expect(a == ["opencode", "run", "--format", "json", "--model", "openai/gpt-5.5", "--agent", "second", "--session", "ses_9", "P"])
        let b = try OpenCodeInvocation.build(config: config(), spec: spec(model: nil), executable: "opencode").argv
        #expect(!b.contains("--variant") && b[5] == "second/fake-model")
    }
    @Test func toolsMap() {  // §23.13–14
        let t = OpenCodeInvocation.tools(allowed: ["WebSearch", "WebFetch", "mcp__second__set_onboarding_context"])
        for k in ["websearch", "webfetch", "second"] { #expect(t[k] == true) }
        for k in ["app_tools", "app_data", "task", "todowrite", "skill", "apply_patch", "read", "bash"] { #expect(t[k] == false) }
        let e = OpenCodeInvocation.tools(allowed: ["Edit"])
        #expect(e["edit"] == true && e["apply_patch"] == true && e["write"] == false)
    }
    @Test func configContentAndEnv() throws {
        let inv = try OpenCodeInvocation.build(config: config(), spec: spec(tools: ["Bash"]), executable: "opencode")
        let c = JSONValue.parseObject(line: inv.configContent)!
        #expect(c["permission"] == ["question": "deny", "external_directory": "deny"])
        let cv = JSONValue.object(c)
        #expect(cv.at("mcp", "app_data", "url") == "http://127.0.0.1:3001/mcp/b?server=app_data")
        #expect(cv.at("mcp", "second", "headers", "Authorization") == "Bearer {env:SECOND_MCP_TOKEN}")
        #expect(cv.at("provider", "second", "options", "apiKey") == "{env:SECOND_OPENCODE_PROVIDER_KEY}")
        #expect(cv.at("agent", "second", "prompt") == "SYS" && cv.at("agent", "second", "tools", "bash") == true)
        for s in ["tok-oc-123456", "sk-oc-key-123456"] { #expect(!inv.configContent.contains(s)); #expect(!inv.argv.joined().contains(s)) }
        #expect(inv.env["SECOND_MCP_TOKEN"] == "tok-oc-123456" && inv.env["COOKIE"] == nil)
        #expect(inv.env["OPENCODE_DISABLE_MODELS_FETCH"] == "1" && inv.env["XDG_DATA_HOME"] == "/h/.local/share")
    }
}

@Suite struct OpenCodeNormalizerTests {
    func run(_ lines: [String], exit: Int32 = 0, known: String? = nil, pricing: PricingTable = PricingTable(), useReported: Bool = false)
        -> ([JSONValue], StreamOutcome) {
        var n = OpenCodeNormalizer(model: "openai/gpt-5.5", pricing: pricing, useReportedCost: useReported, knownSession: known)
        var ev: [JSONValue] = []
        for l in lines { ev += n.feed(line: l) }
        let o = n.finish(exitCode: exit, signal: 0, cancelled: false, stderrTail: "")
        return (ev + o.events, o)
    }

    @Test func errorFormats() {  // §23.5–7
        #expect(run([#"{"type":"error","error":{"code":"server_is_overloaded","message":"Our servers are currently overloaded. Please try again later."}}"#], exit: 1).1.error
                == "server_is_overloaded: Our servers are currently overloaded. Please try again later.")
        #expect(run([#"{"type":"error","error":"Provider rejected the selected model."}"#], exit: 1).1.error == "Provider rejected the selected model.")
        #expect(run([#"{"type":"error","properties":{"code":"authentication_failed","data":{"error":{"message":"Bedrock bearer token is expired."}}}}"#], exit: 1).1.error
                == "authentication_failed: Bedrock bearer token is expired.")
        #expect(run([#"{"type":"error","sessionID":"s","error":{"name":"APIError","data":{"message":"key sk-abc123456789 bad"}}}"#], exit: 1).1.error
                == "APIError: key [REDACTED] bad")
        let long = run([#"{"type":"error","error":{"message":""# + String(repeating: "x", count: 2000) + #""}}"#], exit: 1).1.error!
        #expect(long.count <= 801)
    }

    @Test func textYieldsInitThenText() {  // §23.8–9
        let (ev, o) = run([#"{"type":"text","sessionID":"ses_123","part":{"type":"text","text":"OK"}}"#, #"{"type":"done","sessionID":"ses_123","reason":"idle","rejected":[]}"#])
        #expect(ev[0]["type"] == "system" && ev[0]["session_id"] == "ses_123" && ev[0].at("providerSessionState", "format") == "opencode-session")
        #expect(ev[1].at("message", "content")?.arrayValue?.first?["text"] == "OK")
        #expect(o.error == nil)
        let (ev2, _) = run([#"{"type":"text","sessionID":"ses_123","part":{"type":"text","text":"OK"}}"#], known: "ses_123")
        #expect(!ev2.contains { $0["type"] == "system" })
    }

    @Test func toolPartAndNames() {  // §23.10–11
        let (ev, _) = run([#"{"type":"tool_use","sessionID":"s","part":{"type":"tool","callID":"call_1","tool":"bash","state":{"status":"completed","input":{"command":"ls"},"output":"a b"}}}"#])
        #expect(ev[1].at("message", "content")?.arrayValue?.first == ["type": "tool_use", "id": "call_1", "name": "Bash", "input": ["command": "ls"]])
        #expect(ev[2].at("message", "content")?.arrayValue?.first?["tool_use_id"] == "call_1")
        #expect(ev[2].at("message", "content")?.arrayValue?.first?["content"] == "a b")
        #expect(ToolNames.fromUnderscored("second_present_plan") == "mcp__second__present_plan")
        #expect(ToolNames.fromUnderscored("app_tools_lookup") == "mcp__app_tools__lookup")
        #expect(ToolNames.fromUnderscored("apply_patch") == "Edit")
    }

    @Test func approvalStopStopsConsuming() {  // §23.3–4
        var n = OpenCodeNormalizer(model: "m", pricing: PricingTable())
        var ev: [JSONValue] = []
        ev += n.feed(line: #"{"type":"tool_use","sessionID":"s","part":{"type":"tool","callID":"c","tool":"second_present_plan","state":{"status":"completed","input":{},"output":"{\"ok\":true,\"status\":\"presented\"}"}}}"#)
        #expect(n.wantsStop)
        ev += n.feed(line: #"{"type":"text","sessionID":"s","part":{"type":"text","text":"SHOULD_NOT_STREAM"}}"#)
        #expect(!ev.serializedJoined.contains("SHOULD_NOT_STREAM"))
        #expect(ev.contains { $0.at("message", "content")?.arrayValue?.first?["name"] == "mcp__second__present_plan" })
        #expect(n.finish(exitCode: -1, signal: 15, cancelled: false, stderrTail: "").error == nil)
    }

    @Test func usageAndCost() {  // §23.12 + W17
        let step = #"{"type":"step_finish","sessionID":"s","part":{"type":"step-finish","reason":"stop","cost":0.42,"tokens":{"input":258,"output":5,"reasoning":0,"cache":{"read":11776,"write":12}}}}"#
        let (ev, o) = run([step], useReported: true)
        let r = ev.last!
        #expect(o.error == nil && r["total_cost_usd"] == .number(0.42))
        #expect(r.at("modelUsage", "openai/gpt-5.5") == ["inputTokens": 258, "outputTokens": 5, "cacheReadInputTokens": 11776, "cacheCreationInputTokens": 12, "costUSD": 0.42])
        let (ev2, _) = run([step])
        #expect(ev2.last?["total_cost_usd"] == .null && ev2.last?["unpriced"] == .bool(true))
    }

    @Test func unknownTypesNonJSONAndTornLines() {
        let (ev, o) = run([#"{"type":"step_start","sessionID":"s"}"#, "garbage line", #"{"type":"mystery","sessionID":"s"}"#, #"{"type":"tex"#], exit: 0)
        #expect(ev.filter { $0["type"] == "tool_use_summary" }.count == 2)
        #expect(o.error == "opencode stream ended before the session finished")
    }
}

extension Array where Element == JSONValue { var serializedJoined: String { map(\.serialized).joined(separator: "\n") } }
