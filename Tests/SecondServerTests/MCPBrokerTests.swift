import Foundation
import Testing
import SecondCore
import SecondHTTP
@testable import SecondServer

/// The MCP broker in process: scoped tokens (constant-time, expiring), JSON-RPC framing, batches,
/// notifications, and the allowlist applied to both tools/list and tools/call.
@Suite struct MCPBrokerTests {
    final class Clock: @unchecked Sendable { var ms: UInt64 = 1_000_000 }

    let clock = Clock()
    let sessions: BrokerSessions
    let broker: MCPBroker
    let session: BrokerSessions.Session

    init() {
        let c = clock
        sessions = BrokerSessions(ttlSeconds: 60, now: { c.ms })
        broker = MCPBroker(sessions: sessions, web: WebCallback(base: nil, token: nil))
        let tool: JSON = ["type": "custom", "name": "lookup_item", "enabled": true, "description": "Look up"]
        session = sessions.open(BrokerScope(workspaceId: "acme", appId: "a1", runId: "r1", agentId: "helper", sourceVersion: "draft",
                                            allowedTools: ["mcp__app_tools__lookup_item", "mcp__app_tools__report_tool_call_failed",
                                                           "mcp__app_data__read_app_data"],
                                            customTools: ["lookup_item": tool, "hidden_tool": ["type": "custom", "name": "hidden_tool", "enabled": true]],
                                            dataCollections: ["notes"]))
    }

    func post(_ body: String, server: String = "app_tools", token: String? = nil, id: String? = nil) async -> (Int, JSON) {
        var req = HTTPRequest(method: "POST", path: "/mcp/x", query: ["server": server],
                              headers: ["authorization": "Bearer \(token ?? session.token)", "content-type": "application/json"], body: Array(body.utf8))
        req.params = ["sessionId": id ?? session.id]
        let r = await broker.handle(req)
        guard case .bytes(let b) = r.body else { return (r.status, .null) }
        return (r.status, (try? JSON.parse(Data(b))) ?? .null)
    }

    @Test func tokensAreScopedAndExpire() async {
        #expect(session.token.count >= 43, "32 random bytes, base64url")
        let wrong = await post(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: String(session.token.dropLast()) + "x")
        #expect(wrong.0 == 401 && wrong.1["error"]?["message"]?.string == "invalid_tool_broker_token")
        let otherSession = await post(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, id: "not-a-session")
        #expect(otherSession.0 == 401 && otherSession.1["error"]?["code"]?.int == -32000)
        #expect(await post(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).0 == 200)
        clock.ms += 61_000
        let expired = await post(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        #expect(expired.0 == 401 && expired.1["error"]?["message"]?.string == "unknown_or_expired_tool_broker_session")
        #expect(sessions.count == 0)
    }

    @Test func initializeListAndTheAllowlist() async {
        let initialize = await post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}"#)
        #expect(initialize.1["result"]?["protocolVersion"]?.string == "2025-06-18")
        #expect(initialize.1["result"]?["serverInfo"]?["name"]?.string == "app_tools")
        // Claude's discovery probe must get a quick "method not found", not hang.
        #expect(await post(#"{"jsonrpc":"2.0","id":2,"method":"server/discover"}"#).1["error"]?["code"]?.int == -32601)
        let notification = await post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        #expect(notification.0 == 202)

        let tools = await post(#"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#).1["result"]?["tools"]?.array ?? []
        #expect(tools.compactMap { $0["name"]?.string } == ["lookup_item", "report_tool_call_failed"], "hidden_tool is not allowlisted")
        let data = await post(#"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#, server: "app_data").1["result"]?["tools"]?.array ?? []
        #expect(data.compactMap { $0["name"]?.string } == ["read_app_data"], "update is not allowlisted")
        let second = await post(#"{"jsonrpc":"2.0","id":5,"method":"tools/list"}"#, server: "second").1["result"]?["tools"]?.array
        #expect(second == [], "an app agent has no builder tools")

        let denied = await post(#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"hidden_tool","arguments":{}}}"#)
        #expect(denied.1["error"]?["message"]?.string?.hasPrefix("tool_not_allowed_for_session") == true, "\(denied.1)")
        let write = await post(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"update_app_data","arguments":{"collection":"notes"}}}"#, server: "app_data")
        #expect(write.1["error"]?["message"]?.string?.hasPrefix("tool_not_allowed_for_session") == true)
        // The collection is checked before any call leaves the worker.
        let otherCollection = await post(#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"read_app_data","arguments":{"collection":"salaries"}}}"#, server: "app_data")
        #expect(otherCollection.1["result"]?["isError"]?.bool == true)
        #expect(otherCollection.1["result"]?["content"]?.array?.first?["text"]?.string?.contains("Access denied") == true)
        #expect(await post(#"{"jsonrpc":"2.0","id":9,"method":"resources/read"}"#).1["error"]?["code"]?.int == -32601)
    }

    @Test func batchesAndMalformedBodies() async {
        let batch = await post(#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]"#)
        #expect(batch.1.array?.count == 2, "notifications get no answer: \(batch.1)")
        #expect(await post("[]").0 == 400)
        let bad = await post("{not json")
        #expect(bad.0 == 400)
        let noVersion = await post(#"{"id":1,"method":"ping"}"#)
        #expect(noVersion.1["error"]?["code"]?.int == -32600)
        var get = HTTPRequest(method: "GET", path: "/mcp/x", headers: ["authorization": "Bearer \(session.token)"])
        get.params = ["sessionId": session.id]
        #expect(await broker.handle(get).status == 405)
    }
}
