import Foundation
import Testing
import SecondPluginKit
@testable import SecondRuntimeKit

@Suite struct RuntimeKitTests {
    @Test func redactsKeysAndTokens() {
        let s = Redactor.redact("key sk-abcdef123456 aws AKIAABCDEFGHIJKLMNOP auth Bearer abc.def.ghi token=xyz12345 ok")
        #expect(!s.contains("sk-abcdef123456"))
        #expect(!s.contains("AKIAABCDEFGHIJKLMNOP"))
        #expect(!s.contains("abc.def.ghi"))
        #expect(!s.contains("xyz12345"))
        #expect(s.contains("ok"))
        #expect(Redactor.redact("my secret value-42 here", secrets: ["value-42"]) == "my secret [REDACTED] here")
        #expect(Redactor.clip(String(repeating: "a", count: 900)).count == 801)
    }

    @Test func pricingAndUnpriced() {
        let table = PricingTable(["gpt-5.5": ModelPrice(input: 5, cachedInput: 0.5, output: 30), "claude-*": ModelPrice(input: 3, output: 15)])
        #expect(table.cost(model: "gpt-5.5", usage: TokenUsage(input: 1_000_000, cacheRead: 1_000_000, output: 1_000_000)) == 35.5)
        #expect(table.cost(model: "openai/gpt-5.5", usage: TokenUsage(output: 1_000_000)) == 30)
        #expect(table.cost(model: "claude-sonnet-4-5", usage: TokenUsage(input: 1_000_000)) == 3)
        #expect(table.cost(model: "mystery", usage: TokenUsage(input: 5)) == nil)
        let r = ResultBuilder.result(model: "mystery", usage: TokenUsage(input: 5), pricing: table, durationMs: 1, numTurns: 1)
        #expect(r["total_cost_usd"] == .null)
        #expect(r["unpriced"] == .bool(true))
        #expect(r["v"] == .number(1))
    }

    @Test func privateEnvDropsForbiddenNames() {
        var b = PrivateEnvBuilder(specEnv: ["PATH": "/usr/bin", "INTERNAL_API_TOKEN": "x", "MONGODB_URI": "m", "MY_API_KEY": "k", "LANG": "C"],
                                  home: "/h", tmp: "/t")
        b.addExtra(["FOO": "1", "GITHUB_TOKEN": "t", "WORKOS_CLIENT": "w"])
        #expect(b.env["PATH"] == "/usr/bin")
        #expect(b.env["INTERNAL_API_TOKEN"] == nil && b.env["MONGODB_URI"] == nil && b.env["MY_API_KEY"] == nil)
        #expect(b.env["GITHUB_TOKEN"] == nil && b.env["WORKOS_CLIENT"] == nil)
        #expect(b.env["FOO"] == "1")
        #expect(b.env["HOME"] == "/h" && b.env["TMPDIR"] == "/t")
        #expect(b.env["XDG_CONFIG_HOME"] == "/h/.config" && b.env["XDG_DATA_HOME"] == "/h/.local/share")
        #expect(b.env["XDG_CACHE_HOME"] == "/h/.cache" && b.env["XDG_STATE_HOME"] == "/h/.local/state")
    }

    @Test func executableResolution() {
        #expect(ExecutableResolver.resolve(name: "sh", configured: nil, overrideVariable: nil, searchPath: "/nonexistent:/bin") == .path("/bin/sh"))
        #expect(ExecutableResolver.resolve(name: "sh", configured: nil, overrideVariable: nil, searchPath: nil) == .hostLookup("sh"))
        let plain = NSTemporaryDirectory() + "/rt-not-exec-\(getpid())"
        FileManager.default.createFile(atPath: plain, contents: Data("x".utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        if case .failure = ExecutableResolver.resolve(name: "x", configured: plain, overrideVariable: nil, searchPath: nil) {} else {
            Issue.record("a non-executable override must fail")
        }
        if case .failure = ExecutableResolver.resolve(name: "nope-cli", configured: nil, overrideVariable: nil, searchPath: "/bin") {} else {
            Issue.record("missing on PATH must fail")
        }
    }

    @Test func cancelEscalatorSequence() async throws {
        final class Rec: @unchecked Sendable { let l = NSLock(); var s: [Int32] = []; func add(_ x: Int32) { l.lock(); s.append(x); l.unlock() }; var all: [Int32] { l.lock(); defer { l.unlock() }; return s } }
        let rec = Rec()
        let e = CancelEscalator(graceMs: 20, first: 2, kill: { rec.add($0) }, alive: { true })
        e.start(); e.start()
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(rec.all == [2, 15, 9])
    }

    @Test func tornLinesAndJSON() {
        var g = TornLineGuard()
        #expect(g.hold("{\"a\":") == nil)
        #expect(g.dropTorn() == "{\"a\":")
        var a = LineAssembler()
        #expect(a.feed(Array("{\"x\":1}\n{\"y\"".utf8)) == ["{\"x\":1}"])
        #expect(a.finish() == "{\"y\"")
        let v: JSONValue = ["b": 1, "a": [true, nil, 0.5, "s/x"]]
        #expect(v.serialized == #"{"a":[true,null,0.5,"s/x"],"b":1}"#)
    }

    @Test func approvalStops() {
        #expect(ApprovalStop.stops(toolName: "mcp__second__present_plan", result: .string("anything")))
        #expect(ApprovalStop.stops(toolName: "mcp__second__present_agents", result: [["type": "text", "text": #"{"ok":true,"status":"presented"}"#]]))
        #expect(!ApprovalStop.stops(toolName: "mcp__second__present_agents", result: .string(#"{"ok":false}"#)))
        #expect(!ApprovalStop.stops(toolName: "mcp__app_tools__present_plan", result: .string("x")))
    }

    @Test func sessionSpecDecodesNewFields() throws {
        let json = #"{"v":1,"session_id":"k","prompt":"p","system_prompt":"s","cwd":"/w","home":"/h","tmp":"/t","env":{"LC_ALL":"C"},"model":null,"params":{"variant":"high"},"resume":null,"timeout_ms":5,"allowed_tools":["WebSearch"],"max_turns":3,"mcp":{"url":"http://x/mcp/b","token":"tok","servers":["second"]}}"#
        let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase
        let s = try d.decode(SessionSpec.self, from: Data(json.utf8))
        #expect(s.systemPrompt == "s" && s.tmp == "/t" && s.allowedTools == ["WebSearch"] && s.maxTurns == 3)
        #expect(s.mcp?.servers == ["second"] && s.env?["LC_ALL"] == "C")
        #expect(MCPServers.urls(s.mcp).map(\.url) == ["http://x/mcp/b?server=second"])
    }
}
