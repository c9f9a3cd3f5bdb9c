import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import SecondServer

/// The issue's "done when", end to end: a member creates an app with an agents.json, an owner approves
/// it, the member runs the agent on the real claude CLI (fake model on loopback), watches over SSE,
/// drops the connection and resumes without a gap, and the agent's tool call reaches our MCP broker
/// with its scoped token and comes back with the approved tool's data.
@Suite struct AgentRunFlowTests {
    @Test func memberRunsApprovedClaudeAgentAndResumesTheStream() async throws {
        let model = try FakeModel.shared()
        let s = try ServerProcess("serve", env: ["INTERNAL_API_TOKEN": "flow-internal-token-0123456789abcdef0123"],
                                  config: try AgentCLIs.deployment(modelPort: model.port))
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner"), member = person("mia", role: "member")
        _ = try await send(port, "GET", "/api/workspaces", owner)
        _ = try await send(port, "GET", "/api/workspaces", member)
        let members = object(try await send(port, "GET", "/api/workspaces/acme/members", owner).1)["members"] as? [[String: Any]] ?? []
        let memberId = members.first { ($0["email"] as? String) == "mia@acme.example" }?["userId"] as? String ?? "?"

        let app = try await createApp(port, member, runtime: "claude", files: ["agents.json": helperAgentsJSON, "index.html": "<h1>inventory</h1>"])
        let base = "/api/workspaces/acme/apps/\(app)"

        // The agents are validated and need an owner's or admin's approval.
        let agents = object(try await send(port, "GET", "\(base)/agents", member).1)
        #expect((agents["draft"] as? [String: Any])?["approved"] as? Bool == false)
        let denied = try await send(port, "POST", "\(base)/agents/approve", member)
        #expect(denied.0 == 403, "\(denied.1)")
        let unapprovedRun = try await send(port, "POST", "\(base)/agent-runs", member, json: #"{"agentId":"helper","prompt":"hi","sourceVersion":"draft"}"#)
        #expect(unapprovedRun.0 == 403 && unapprovedRun.1.contains("draft_agents_config_unapproved"), "\(unapprovedRun)")
        let approved = try await send(port, "POST", "\(base)/agents/approve", owner)
        #expect(approved.0 == 200, "\(approved.1)")
        let hash = object(approved.1)["hash"] as? String ?? ""
        #expect(hash.hasPrefix("v1:") && hash.count == 67)

        // Workspace events announce the run's start and end.
        let eventsTask = Task {
            try await readSSE(port, "/api/workspaces/acme/events", member, timeout: 60) { got in
                got.contains { $0.data.contains(#""type":"run.completed""#) || $0.data.contains(#""type":"run.failed""#) }
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)

        // The triggering user comes from the session, never from the request.
        let forged = try await send(port, "POST", "\(base)/agent-runs", member,
                                    json: #"{"agentId":"helper","prompt":"hi","sourceVersion":"draft","triggeredByUserId":"someone-else"}"#)
        #expect(forged.0 == 400, "\(forged.1)")
        let unknownAgent = try await send(port, "POST", "\(base)/agent-runs", member, json: #"{"agentId":"nobody","prompt":"hi","sourceVersion":"draft"}"#)
        #expect(unknownAgent.0 == 404, "\(unknownAgent.1)")

        let started = try await send(port, "POST", "\(base)/agent-runs", member,
                                     json: #"{"agentId":"helper","prompt":"Please USE_TOOL:lookup_item for me","sourceVersion":"draft"}"#)
        #expect(started.0 == 201, "\(started.1)\n\(s.log)")
        let runId = object(started.1)["runId"] as? String ?? "?"

        // First viewer: three events, then it drops the connection.
        let first = try await readSSE(port, "\(base)/agent-runs/\(runId)/events", member) { $0.count >= 3 }
        let firstIds = first.compactMap { $0.id.flatMap(Int.init) }
        #expect(firstIds == [1, 2, 3], "\(first)")
        // It comes back with its last id (Last-Event-ID) and gets everything after it, once, in order.
        var resumeHeaders = member
        resumeHeaders["Last-Event-ID"] = "3"
        let rest = try await readSSE(port, "\(base)/agent-runs/\(runId)/events", resumeHeaders) { $0.last?.event == "end" }
        let restIds = rest.compactMap { $0.id.flatMap(Int.init) }
        #expect(restIds.first == 4 && restIds == Array(4..<(4 + restIds.count)), "gap or duplicate: \(restIds)")
        #expect(rest.last?.event == "end" && rest.last?.data.contains(#""status":"completed""#) == true, "\(rest.last.map { "\($0)" } ?? "none")\n\(s.log)")
        let all = first + rest
        // The model called the app tool through our broker (the CLI authenticated with the run's token)
        // and got the approved tool's data back.
        #expect(all.contains { $0.data.contains(#""name":"mcp__app_tools__lookup_item""#) })
        #expect(all.contains { $0.data.contains("tool_result") && $0.data.contains("widget-42") }, "\(all.map(\.data).joined(separator: "\n"))")
        #expect(all.contains { $0.data.contains("FINAL: tool said") })
        // A fresh viewer from the start sees the identical sequence.
        let replay = try await readSSE(port, "\(base)/agent-runs/\(runId)/events?cursor=0", member) { $0.last?.event == "end" }
        #expect(replay.map(\.data) == all.map(\.data))
        // Several viewers at once, with different cursors, share one reader and each get their part.
        let viewers = try await withThrowingTaskGroup(of: (UInt64, [SSEMessage]).self) { group in
            for cursor: UInt64 in [0, 0, 2, 5, 7] {
                group.addTask { (cursor, try await readSSE(port, "\(base)/agent-runs/\(runId)/events?cursor=\(cursor)", member) { $0.last?.event == "end" }) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (cursor, got) in viewers {
            #expect(got.dropLast().map(\.data) == Array(all.dropLast().map(\.data).dropFirst(Int(cursor))), "cursor \(cursor)")
        }

        // The run record: completed, the triggering user from the session, usage accounted.
        let run = object(try await send(port, "GET", "\(base)/agent-runs/\(runId)", member).1)
        #expect(run["status"] as? String == "completed")
        #expect(run["triggeredByUserId"] as? String == memberId, "\(run)")
        #expect((run["usage"] as? [String: Any])?["totalInputTokens"] as? Int ?? 0 > 0, "\(run)")
        #expect((run["result"] as? String)?.contains("widget-42") == true)

        // The broker's tool call was checked against the approved policy and audited as a mock.
        let audit = try await send(port, "GET", "/api/workspaces/acme/audit-events", owner).1
        #expect(audit.contains("tool.custom.mocked") && audit.contains("app_agent_run.completed"), "\(audit)")

        let events = try await eventsTask.value
        let runEvents = events.map(\.data).filter { $0.contains(runId) }
        #expect(runEvents.contains { $0.contains(#""type":"run.starting""#) })
        #expect(runEvents.contains { $0.contains(#""type":"run.completed""#) })
        #expect(!runEvents.contains { $0.contains("USE_TOOL") }, "workspace events carry ids and status only")
    }

    /// The same tool path on every runtime: the CLI reads the broker URL and token from its own config
    /// mechanism (claude --mcp-config, codex config.toml, opencode OPENCODE_CONFIG_CONTENT) and the call
    /// comes back with the approved tool's data.
    @Test(arguments: ["claude", "codex", "opencode"])
    func appToolCallThroughTheBroker(runtime: String) async throws {
        let model = try FakeModel.shared()
        let s = try ServerProcess("serve", env: [:], config: try AgentCLIs.deployment(modelPort: model.port))
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner")
        _ = try await send(port, "GET", "/api/workspaces", owner)
        let app = try await createApp(port, owner, runtime: runtime, files: ["agents.json": helperAgentsJSON])
        let base = "/api/workspaces/acme/apps/\(app)"
        #expect(try await send(port, "POST", "\(base)/agents/approve", owner).0 == 200)
        let started = try await send(port, "POST", "\(base)/agent-runs", owner,
                                     json: #"{"agentId":"helper","prompt":"Please USE_TOOL:lookup_item now","sourceVersion":"draft"}"#)
        #expect(started.0 == 201, "\(started.1)")
        let runId = object(started.1)["runId"] as? String ?? "?"
        let events = try await readSSE(port, "\(base)/agent-runs/\(runId)/events", owner) { $0.last?.event == "end" }
        #expect(events.last?.data.contains(#""status":"completed""#) == true, "\(events.suffix(3))\n\(s.log)")
        #expect(events.contains { $0.data.contains("mcp__app_tools__lookup_item") }, "\(events.map(\.data))")
        #expect(events.contains { $0.data.contains("tool_result") && $0.data.contains("widget-42") }, "\(events.map(\.data))")
        let audit = try await send(port, "GET", "/api/workspaces/acme/audit-events", owner).1
        #expect(audit.contains("tool.custom.mocked"))
    }
}

/// `second web` and `second worker` as separate processes: the web reaches the worker at WORKER_URL,
/// the worker calls the web back at its one internal base URL (WEB_INTERNAL_URL) for tool calls.
@Suite struct SplitRolesRunTests {
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test func webAndWorkerApartRunAToolCallingAgent() async throws {
        let model = try FakeModel.shared()
        let config = try AgentCLIs.deployment(modelPort: model.port)
        let webPort = try Self.freePort(), workerPort = try Self.freePort()
        let token = "split-internal-token-0123456789abcdef0123"
        let worker = try ServerProcess("worker", env: ["WORKER_PORT": String(workerPort), "INTERNAL_API_TOKEN": token,
                                                       "WEB_INTERNAL_URL": "http://127.0.0.1:\(webPort)"], config: config)
        #expect(worker.waitReady(), "\(worker.log)")
        defer { _ = worker.stop() }
        let web = try ServerProcess("web", env: ["PORT": String(webPort), "INTERNAL_API_TOKEN": token,
                                                 "WORKER_URL": "http://127.0.0.1:\(workerPort)"], config: config)
        #expect(web.waitReady(), "\(web.log)")
        defer { _ = web.stop() }
        let owner = person("olga", role: "owner")
        _ = try await send(webPort, "GET", "/api/workspaces", owner)
        let app = try await createApp(webPort, owner, runtime: "claude", files: ["agents.json": helperAgentsJSON])
        let base = "/api/workspaces/acme/apps/\(app)"
        #expect(try await send(webPort, "POST", "\(base)/agents/approve", owner).0 == 200)
        let started = try await send(webPort, "POST", "\(base)/agent-runs", owner,
                                     json: #"{"agentId":"helper","prompt":"Please USE_TOOL:lookup_item","sourceVersion":"draft"}"#)
        #expect(started.0 == 201, "\(started.1)\n\(web.log)")
        let runId = object(started.1)["runId"] as? String ?? "?"
        let events = try await readSSE(webPort, "\(base)/agent-runs/\(runId)/events", owner) { $0.last?.event == "end" }
        #expect(events.last?.data.contains("completed") == true, "\(events.suffix(2))\n\(worker.log)")
        #expect(events.contains { $0.data.contains("tool_result") && $0.data.contains("widget-42") })
    }
}
