import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import SecondServer

/// The worker's session API driving each runtime for real: the claude and codex binaries from their
/// PyPI wheels and the opencode stand-in (its binary cannot be had offline), all against the fake
/// model on loopback. Text, resume, cancel mid-turn (whole process group gone), busy session, failure.
@Suite(.serialized) struct RuntimeTurnTests {
    static let token = "turn-tests-internal-token-0123456789abcdef"

    final class Server: @unchecked Sendable {
        let process: ServerProcess
        let dataDir: String
        init(moreRuntimes: String = "") throws {
            let model = try FakeModel.shared()
            dataDir = NSTemporaryDirectory() + "turns-\(UUID().uuidString)"
            process = try ServerProcess("serve", env: ["INTERNAL_API_TOKEN": RuntimeTurnTests.token, "SECOND_DATA_DIR": dataDir],
                                        config: try AgentCLIs.deployment(modelPort: model.port, moreRuntimes: moreRuntimes))
        }
    }

    var auth: [String: String] { ["Authorization": "Bearer \(Self.token)"] }

    func turn(_ s: ServerProcess, key: String, runtime: String, prompt: String) async throws -> [SSEMessage] {
        var req = URLRequest(url: URL(string: "http://127.0.0.1:\(s.workerPort ?? 0)/sessions/\(key)/messages")!)
        req.httpMethod = "POST"
        req.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        req.httpBody = Data(jsonText(["prompt": prompt, "runtimeId": runtime, "runtimeParams": [String: String]()]).utf8)
        var got: [SSEMessage] = []
        for try await m in SSEClient.open(req) {
            got.append(m)
            if m.data == "[DONE]" { break }
        }
        return got
    }

    static func failurePrompt(_ runtime: String) -> String { runtime == "opencode" ? "OPENCODE_ERROR please" : "FAIL_HTTP:400 please" }

    /// Processes whose HOME is a private runtime home under `dataDir` (the CLIs and their children).
    static func runtimeProcesses(under dataDir: String) -> [Int32] {
        let marker = "HOME=\(URL(fileURLWithPath: dataDir).standardizedFileURL.path)/runtime-homes/"
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { pid in
            guard let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return env.split(separator: 0).contains { String(decoding: $0, as: UTF8.self).hasPrefix(marker) }
        }
    }

    @Test(arguments: ["claude", "codex", "opencode"])
    func textResumeCancelAndFailure(runtime: String) async throws {
        let server = try Server()
        let s = server.process
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }

        // A text reply, ending with a result and [DONE].
        let text = try await turn(s, key: "text-\(runtime)", runtime: runtime, prompt: "Say hello")
        #expect(text.contains { $0.data.contains("Hello from the fake model.") }, "\(text.map(\.data))\n\(s.log)")
        #expect(text.contains { $0.data.contains(#""type":"result""#) })
        #expect(!text.contains { $0.data.contains(#""type":"error""#) }, "\(text.map(\.data))")
        #expect(text.last?.data == "[DONE]")

        // Resume: the second turn continues the runtime's own session and sees the first turn.
        let key = "resume-\(runtime)"
        _ = try await turn(s, key: key, runtime: runtime, prompt: "REMEMBER:pineapple and say ok")
        let status = object(try await send(s.workerPort, "GET", "/sessions/\(key)/status", auth).1)
        let state = status["sessionState"] as? [String: Any]
        #expect((state?["sessionId"] as? String)?.isEmpty == false, "\(status)")
        let recall = try await turn(s, key: key, runtime: runtime, prompt: "RECALL what I asked you to remember")
        #expect(recall.contains { $0.data.contains("RECALLED pineapple") }, "\(recall.map(\.data))")

        // Cancel mid-turn: one turn at a time, the cancel ends it, and nothing of it survives.
        let slowKey = "slow-\(runtime)"
        let slow = Task { try await turn(s, key: slowKey, runtime: runtime, prompt: "SLOW_STREAM please") }
        var busy = (0, "")
        for _ in 0..<100 {
            try await Task.sleep(nanoseconds: 100_000_000)
            busy = try await send(s.workerPort, "POST", "/sessions/\(slowKey)/messages", auth, json: jsonText(["prompt": "again", "runtimeId": runtime]))
            if busy.0 == 409 { break }
        }
        #expect(busy.0 == 409 && busy.1.contains("already processing"), "\(busy)")
        #expect(!Self.runtimeProcesses(under: server.dataDir).isEmpty, "the runtime should be running")
        try await Task.sleep(nanoseconds: 1_000_000_000)
        let cancelled = object(try await send(s.workerPort, "POST", "/sessions/\(slowKey)/cancel", auth, json: "{}").1)
        #expect(cancelled["cancelled"] as? Bool == true)
        let slowEvents = try await slow.value
        #expect(slowEvents.contains { $0.data.contains("Agent run cancelled") }, "\(slowEvents.map(\.data).suffix(3))")
        #expect(!slowEvents.contains { $0.data.contains("Hello from") }, "the slow turn must not have finished")
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(Self.runtimeProcesses(under: server.dataDir).isEmpty, "processes left after cancel")

        // A CLI failure (the model answers HTTP 400; opencode reports an error event) is a failed turn.
        let failed = try await turn(s, key: "fail-\(runtime)", runtime: runtime, prompt: Self.failurePrompt(runtime))
        #expect(failed.contains { $0.data.contains(#""type":"error""#) }, "\(failed.map(\.data))")
        #expect(failed.last?.data == "[DONE]")
    }

    @Test func badRequestsGetClearErrors() async throws {
        // A second opencode whose `run --help` does not mention --format: no JSON events, so not usable.
        let server = try Server(moreRuntimes: """
                opencode/legacy: {executable: "\(AgentCLIs.opencodeStandIn)", base_url: "http://127.0.0.1:1/v1", extra_env: {OPENCODE_STANDIN_NO_FORMAT: "1"}}
            """)
        let s = server.process
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let w = s.workerPort
        #expect(try await send(w, "POST", "/sessions/k/messages", [:], json: #"{"prompt":"x","runtimeId":"claude"}"#).0 == 401)
        let unknown = try await send(w, "POST", "/sessions/k/messages", auth, json: #"{"prompt":"x","runtimeId":"gpt-cli"}"#)
        #expect(unknown.0 == 400 && unknown.1.contains("invalid_runtime_settings") && unknown.1.contains("/runtimeId"), "\(unknown)")
        let params = try await send(w, "POST", "/sessions/k/messages", auth, json: #"{"prompt":"x","runtimeId":"claude","runtimeParams":[1]}"#)
        #expect(params.0 == 400 && params.1.contains("/runtimeParams"), "\(params)")
        let key = try await send(w, "POST", "/sessions/bad.key/messages", auth, json: #"{"prompt":"x","runtimeId":"claude"}"#)
        #expect(key.0 == 400, "\(key)")
        let notJSON = try await send(w, "POST", "/sessions/k/messages", auth, json: "{nope")
        #expect(notJSON.0 == 400, "\(notJSON)")
        #expect(object(try await send(w, "GET", "/sessions/none/status", auth).1)["exists"] as? Bool == false)
        #expect(try await send(w, "GET", "/sessions/none/agent-run/r1/events", auth).0 == 404)
        // Runtime detection: availability, version and boolean features only.
        let detect = try await send(w, "GET", "/v1/runtimes", auth).1
        let list = object(detect)["runtimes"] as? [[String: Any]] ?? []
        #expect(list.count == 4, "\(detect)")
        #expect(list.filter { $0["id"] as? String != "runtime.opencode/legacy" }.allSatisfy { $0["available"] as? Bool == true }, "\(detect)")
        let legacy = list.first { $0["id"] as? String == "runtime.opencode/legacy" }
        #expect((legacy?["features"] as? [String: Any])?["json_events"] as? Bool == false && legacy?["available"] as? Bool == false, "\(detect)")
        #expect(list.allSatisfy { ($0["features"] as? [String: Any] ?? [:]).values.allSatisfy { $0 is Bool } })
        #expect(!detect.contains("/work") && !detect.contains("fake-model-key"), "no paths or keys: \(detect)")
        let opencode = list.first { $0["id"] as? String == "runtime.opencode/main" }
        #expect((opencode?["features"] as? [String: Any])?["json_events"] as? Bool == true)
        // The unauthenticated health route reports counts only.
        let health = try await send(w, "GET", "/healthz", [:]).1
        #expect(object(health)["sessions"] is Int && !health.contains("sessionState"), "\(health)")
    }

    /// Claude's subprocess environment scrubbing (CLAUDE_CODE_SUBPROCESS_ENV_SCRUB) needs bubblewrap on
    /// Linux: enabled, the runtime reports it and runs with it (scripts/test installs bubblewrap and socat).
    @Test func claudeWithSubprocessEnvScrubbingRunsUnderBubblewrap() async throws {
        let claude = try AgentCLIs.path("SECOND_TEST_CLAUDE_PATH")
        let model = try FakeModel.shared()
        let server = try Server(moreRuntimes: """
                claude/scrub: {executable: "\(claude)", base_url: "http://127.0.0.1:\(model.port)", api_key: "fake-model-key", default_model: "claude-sonnet-4-5", subprocess_env_scrub: true}
            """)
        let s = server.process
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let list = object(try await send(s.workerPort, "GET", "/v1/runtimes", auth).1)["runtimes"] as? [[String: Any]] ?? []
        let scrub = list.first { $0["id"] as? String == "runtime.claude/scrub" }
        let features = scrub?["features"] as? [String: Any]
        #expect(scrub?["available"] as? Bool == true && features?["subprocess_env_scrub"] as? Bool == true
                && features?["bubblewrap_available"] as? Bool == true, "\(list)")
        let slow = Task { try await turn(s, key: "scrub-slow", runtime: "claude/scrub", prompt: "SLOW_STREAM please") }
        var seen = false
        for _ in 0..<100 where !seen {
            try await Task.sleep(nanoseconds: 100_000_000)
            for pid in Self.runtimeProcesses(under: server.dataDir) {
                let env = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data(), as: UTF8.self)
                if env.split(separator: "\0").contains("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1") { seen = true }
            }
        }
        #expect(seen, "the claude process runs with CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1")
        _ = try await send(s.workerPort, "POST", "/sessions/scrub-slow/cancel", auth, json: "{}")
        _ = try await slow.value
        let text = try await turn(s, key: "scrub-text", runtime: "claude/scrub", prompt: "Say hello")
        #expect(text.contains { $0.data.contains("Hello from the fake model.") }, "\(text.map(\.data).suffix(3))\n\(s.log)")
    }
}
