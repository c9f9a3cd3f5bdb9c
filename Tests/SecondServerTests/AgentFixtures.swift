import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import SecondServer

/// The fake model server (scripts/services/fake-model-server: Anthropic Messages, OpenAI Responses,
/// Chat Completions on loopback), started once per test process on an ephemeral port.
final class FakeModel: @unchecked Sendable {
    let port: Int
    let process: Process
    let logFile: String

    private init() throws {
        logFile = NSTemporaryDirectory() + "fake-model-\(UUID().uuidString).log"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Paths.root + "/scripts/services/fake-model-server", "--port", "0", "--log", logFile]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = [UInt8]()
        while let b = try out.fileHandleForReading.read(upToCount: 1), let c = b.first, c != 10 { line.append(c) }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("LISTENING "), let p = Int(text.dropFirst(10)) else { throw Failure(message: "fake model server said \"\(text)\"") }
        port = p
    }

    struct Failure: Error, CustomStringConvertible { let message: String; var description: String { message } }

    nonisolated(unsafe) private static var instance: FakeModel?
    private static let lock = NSLock()
    static func shared() throws -> FakeModel {
        lock.lock(); defer { lock.unlock() }
        if let i = instance { return i }
        let i = try FakeModel()
        instance = i
        return i
    }
}

/// The real CLIs installed by scripts/services/agent-clis (scripts/test exports their paths).
enum AgentCLIs {
    static func path(_ variable: String) throws -> String {
        guard let p = ProcessInfo.processInfo.environment[variable], FileManager.default.isExecutableFile(atPath: p) else {
            throw FakeModel.Failure(message: "\(variable) is not set to an executable: run the tests through scripts/test, which installs the real CLIs")
        }
        return p
    }
    static var opencodeStandIn: String { Paths.root + "/Tests/Fixtures/opencode/opencode" }

    /// A deployment with trusted-header auth and the three runtime drivers pointed at the fake model.
    static func deployment(modelPort: Int, moreRuntimes: String = "") throws -> String {
        let claude = try path("SECOND_TEST_CLAUDE_PATH"), codex = try path("SECOND_TEST_CODEX_PATH")
        let yaml = """
        auth: {mode: external}
        plugins: {load: [second-auth-trusted-header, second-runtime-claude, second-runtime-codex, second-runtime-opencode]}
        components:
          auth:
            trusted_header/proxy: {trusted_proxies: ["127.0.0.1/32"], org_header: x-org, role_header: x-role}
          runtime:
            claude/main: {executable: "\(claude)", base_url: "http://127.0.0.1:\(modelPort)", api_key: "fake-model-key", default_model: "claude-sonnet-4-5", cancel_grace_ms: 1500}
            codex/main: {executable: "\(codex)", base_url: "http://127.0.0.1:\(modelPort)/v1", api_key: "fake-model-key", default_model: "fake-model", cancel_grace_ms: 1500}
            opencode/main: {executable: "\(opencodeStandIn)", base_url: "http://127.0.0.1:\(modelPort)/v1", api_key: "fake-model-key", default_model: "second/fake-model", cancel_grace_ms: 1500}
        \(moreRuntimes)
        """
        let file = NSTemporaryDirectory() + "agents-\(UUID().uuidString).yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// Identities for trusted-header auth.
func person(_ user: String, role: String, org: String = "acme") -> [String: String] {
    ["X-Forwarded-User": user, "X-Forwarded-Email": "\(user)@\(org).example", "X-Org": org, "X-Role": role]
}

func object(_ s: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any]) ?? [:] }

func jsonText(_ v: Any) -> String { String(decoding: try! JSONSerialization.data(withJSONObject: v), as: UTF8.self) }

/// The agents.json of the tests: one agent with an app tool (mock data "widget-42") and a collection.
let helperAgentsJSON = """
{"agents":[{"id":"helper","name":"Helper","systemPrompt":"You help with inventory.","dataCollections":["notes"],
 "tools":[{"type":"custom","name":"lookup_item","description":"Look up an inventory item","enabled":true,
   "integration":{"name":"Inventory","domain":"inventory.example.com"},
   "endpoint":{"method":"GET","url":"https://inventory.example.com/items","queryParams":{"q":"{{q}}"}},
   "mockData":[{"item":"widget-42"}]},
  {"type":"custom","name":"delete_everything","description":"Not enabled","enabled":false,
   "integration":{"name":"Inventory","domain":"inventory.example.com"},
   "endpoint":{"method":"DELETE","url":"https://inventory.example.com/items"},"mockData":[{"ok":true}]}]}]}
"""

/// Creates an app as `creator` with the given files and runtime; returns its id.
func createApp(_ port: Int?, _ creator: [String: String], runtime: String, files: [String: String]) async throws -> String {
    let (status, body) = try await send(port, "POST", "/api/workspaces/acme/apps", creator, json: jsonText(["name": "Inventory helper", "runtimeId": runtime]))
    guard status == 201, let id = object(body)["_id"] as? String else { throw FakeModel.Failure(message: "create app: \(status) \(body)") }
    let (s2, b2) = try await send(port, "PUT", "/api/workspaces/acme/apps/\(id)/source", creator, json: jsonText(["files": files]))
    guard s2 == 200 else { throw FakeModel.Failure(message: "save source: \(s2) \(b2)") }
    return id
}

/// Reads an SSE route until `stop` says so or the stream ends; returns the messages.
func readSSE(_ port: Int?, _ path: String, _ headers: [String: String], timeout: TimeInterval = 60,
             stop: @escaping @Sendable ([SSEMessage]) -> Bool = { _ in false }) async throws -> [SSEMessage] {
    var req = URLRequest(url: URL(string: "http://127.0.0.1:\(port ?? 0)\(path)")!)
    for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
    let stream = SSEClient.open(req)
    return try await withThrowingTaskGroup(of: [SSEMessage]?.self) { group in
        group.addTask {
            var got: [SSEMessage] = []
            for try await m in stream {
                got.append(m)
                if stop(got) { break }
            }
            return got
        }
        group.addTask { try await Task.sleep(nanoseconds: UInt64(timeout * 1e9)); return nil }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let got = first else { throw FakeModel.Failure(message: "SSE \(path) timed out") }
        return got
    }
}
