import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import SecondServer

/// Canary secrets planted in the server's environment never reach a runtime process: while an
/// app-agent run is live on each runtime, the test reads `/proc/<pid>/environ` and `cmdline` of every
/// process running in a private runtime home. Then viewers stop the run (only those allowed to).
@Suite(.serialized) struct RuntimeSecretsTests {
    @Test(arguments: ["claude", "codex", "opencode"])
    func runtimeProcessesNeverSeeServerSecretsAndViewersStopRuns(runtime: String) async throws {
        let model = try FakeModel.shared()
        let tag = UUID().uuidString.prefix(8)
        let canaries = [
            "INTERNAL_API_TOKEN": "canary-internal-\(tag)-0123456789abcdef0123",
            "SECOND_CANARY_SECRET": "canary-generic-\(tag)",
            "ANTHROPIC_API_KEY": "canary-anthropic-\(tag)",
            "OPENAI_API_KEY": "canary-openai-\(tag)",
            "CODEX_API_KEY": "canary-codex-\(tag)",
            "AWS_SECRET_ACCESS_KEY": "canary-aws-\(tag)",
            "DATABASE_URL": "postgres://user:canary-db-\(tag)@db/x",
            "COOKIE": "session=canary-cookie-\(tag)",
            "AUTHORIZATION": "Bearer canary-auth-\(tag)",
        ]
        let dataDir = NSTemporaryDirectory() + "secrets-\(UUID().uuidString)"
        var env = canaries
        env["SECOND_DATA_DIR"] = dataDir
        let s = try ServerProcess("serve", env: env, config: try AgentCLIs.deployment(modelPort: model.port))
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner"), member = person("mia", role: "member"), other = person("otto", role: "member")
        for p in [owner, member, other] { _ = try await send(port, "GET", "/api/workspaces", p) }
        let app = try await createApp(port, owner, runtime: runtime, files: ["agents.json": helperAgentsJSON])
        let base = "/api/workspaces/acme/apps/\(app)"
        #expect(try await send(port, "POST", "\(base)/agents/approve", owner).0 == 200)
        let published = try await send(port, "POST", "\(base)/publish", owner, json: jsonText(["teamIds": [try await generalTeam(port, owner)]]))
        #expect(published.0 == 200, "\(published.1)")

        let started = try await send(port, "POST", "\(base)/agent-runs", member, json: #"{"agentId":"helper","prompt":"SLOW_STREAM please"}"#)
        #expect(started.0 == 201, "\(started.1)\n\(s.log)")
        let runId = object(started.1)["runId"] as? String ?? "?"

        // Wait for the runtime's processes, then inspect every one of them.
        var pids: [Int32] = []
        for _ in 0..<100 where pids.isEmpty {
            try await Task.sleep(nanoseconds: 100_000_000)
            pids = RuntimeTurnTests.runtimeProcesses(under: dataDir)
        }
        #expect(!pids.isEmpty, "no runtime process appeared\n\(s.log)")
        let home = URL(fileURLWithPath: dataDir).standardizedFileURL.path + "/runtime-homes/"
        for pid in pids {
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let vars = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let text = vars.joined(separator: "\n")
            for (name, value) in canaries {
                #expect(!text.contains(value), "pid \(pid) sees the value of \(name)")
            }
            for name in ["INTERNAL_API_TOKEN", "MONGODB_URI", "REDIS_URL", "WORKOS_API_KEY", "TOOL_EXECUTE_URL", "WEB_URL", "WORKER_URL",
                         "COOKIE", "AUTHORIZATION", "SECOND_DATA_DIR"] {
                #expect(!vars.contains { $0.hasPrefix(name + "=") }, "pid \(pid) has \(name)")
            }
            #expect(vars.contains { $0.hasPrefix("HOME=" + home) }, "private HOME")
            #expect(vars.contains { $0.hasPrefix("TMPDIR=" + home) }, "private TMPDIR: \(vars.filter { $0.hasPrefix("TMP") })")
            // The run's scoped MCP token travels only in the environment, never in argv or files.
            if let token = vars.first(where: { $0.hasPrefix("SECOND_MCP_TOKEN=") })?.dropFirst("SECOND_MCP_TOKEN=".count), !token.isEmpty {
                let argv = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data(), as: UTF8.self)
                #expect(!argv.contains(token), "the broker token is in argv")
                #expect(!(try grep(String(token), under: home)), "the broker token was written to a file")
            }
        }

        // Stopping: not someone else's run; the triggering member may.
        let refused = try await send(port, "POST", "\(base)/agent-runs/\(runId)/stop", other)
        #expect(refused.0 == 403, "\(refused.1)")
        let stopped = try await send(port, "POST", "\(base)/agent-runs/\(runId)/stop", member)
        #expect(stopped.0 == 202, "\(stopped.1)")
        let tail = try await readSSE(port, "\(base)/agent-runs/\(runId)/events?cursor=0", member, timeout: 30) { $0.last?.event == "end" }
        #expect(tail.last?.data.contains(#""status":"failed""#) == true, "\(tail.suffix(2))")
        let run = object(try await send(port, "GET", "\(base)/agent-runs/\(runId)", member).1)
        #expect(run["status"] as? String == "failed")
        #expect((run["failure"] as? [String: Any])?["code"] as? String == "user_stopped", "\(run)")
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(RuntimeTurnTests.runtimeProcesses(under: dataDir).isEmpty, "processes left after stop")
        #expect(try await send(port, "POST", "\(base)/agent-runs/\(runId)/stop", member).0 == 409)

        // Nor does any canary show up in what the server logs or answers.
        let answers = try await send(s.workerPort, "GET", "/v1/runtimes", ["Authorization": "Bearer \(canaries["INTERNAL_API_TOKEN"]!)"]).1
            + (try await send(port, "GET", "\(base)/agent-runs", member).1)
        for (name, value) in canaries {
            #expect(!s.log.contains(value), "the log shows \(name)")
            #expect(!answers.contains(value), "an answer shows \(name)")
        }
    }

    func generalTeam(_ port: Int?, _ who: [String: String]) async throws -> String {
        let ws = object(try await send(port, "GET", "/api/workspaces/acme", who).1)
        return (ws["workspace"] as? [String: Any])?["defaultTeamId"] as? String ?? "?"
    }

    /// Whether any regular file under `dir` contains `needle`.
    func grep(_ needle: String, under dir: String) throws -> Bool {
        let bytes = Data(needle.utf8)
        guard let e = FileManager.default.enumerator(atPath: dir) else { return false }
        for case let rel as String in e {
            let path = dir + "/" + rel
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let attrs = try? FileManager.default.attributesOfItem(atPath: path), (attrs[.size] as? Int ?? 0) < 8 << 20,
                  attrs[.type] as? FileAttributeType == .typeRegular,
                  let d = FileManager.default.contents(atPath: path) else { continue }
            if d.range(of: bytes) != nil { return true }
        }
        return false
    }
}
