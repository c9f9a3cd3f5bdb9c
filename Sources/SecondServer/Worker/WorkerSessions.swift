import Foundation
import SecondCore
import SecondHTTP
import SecondPluginHost

/// The worker's session API (spec §4): message turns streamed as SSE, status, cancel, delete, files,
/// and app-agent runs started in the background and followed by the web. All behind the internal
/// token; the MCP broker (run-scoped tokens) is installed separately.
final class WorkerSessions: @unchecked Sendable {
    let resolver: RuntimeResolver
    let sessions: SessionManager
    let runs = AgentRunLog()
    let broker: BrokerSessions
    let dirs: RunDirectories
    let wallClockMs: UInt64
    /// The worker's own loopback URL (for the MCP URLs handed to runtimes); known once it listens.
    private let lock = NSLock()
    private var selfURL: String?

    init(resolver: RuntimeResolver, sessions: SessionManager, broker: BrokerSessions, dirs: RunDirectories, wallClockSeconds: Int) {
        self.resolver = resolver; self.sessions = sessions; self.broker = broker; self.dirs = dirs
        wallClockMs = UInt64(wallClockSeconds) * 1000
    }

    func setSelfURL(_ url: String) { lock.lock(); selfURL = url; lock.unlock() }
    private var brokerBase: String { lock.lock(); defer { lock.unlock() }; return selfURL ?? "http://127.0.0.1:3001" }

    static let busyMessage = "Session is already processing another message. Reconnect to the active stream instead of starting a second message."

    func install(on router: Router, auth: InternalAuth) {
        router.add("POST", "/sessions/:key/messages", auth.guarded(async: { [self] in await message($0) }))
        router.add("GET", "/sessions/:key/status", auth.guarded(async: { [self] in status($0) }))
        router.add("POST", "/sessions/:key/cancel", auth.guarded(async: { [self] in cancel($0) }))
        router.add("DELETE", "/sessions/:key", auth.guarded(async: { [self] in remove($0) }))
        router.add("GET", "/sessions/:key/files", auth.guarded(async: { [self] in files($0) }))
        router.add("POST", "/sessions/:key/agent-run", auth.guarded(async: { [self] in await startAgentRun($0) }))
        router.add("GET", "/sessions/:key/agent-run/:runId/events", auth.guarded(async: { [self] in followAgentRun($0) }))
    }

    // MARK: helpers

    func key(_ req: HTTPRequest) throws(HTTPResponse) -> String {
        let k = req.params["key"] ?? ""
        guard RunDirectories.isValidKey(k) else { throw .error(400, "invalid_session_key", "session keys are 1-200 characters of [A-Za-z0-9_-]") }
        return k
    }

    static func strings(_ v: JSON?, _ pointer: String) throws(HTTPResponse) -> [String] {
        guard let v, v != .null else { return [] }
        guard let a = v.array, a.allSatisfy({ $0.string != nil }) else { throw .error(400, "invalid_request", "\(pointer): must be an array of strings") }
        return a.compactMap(\.string)
    }

    static func files(_ v: JSON?) throws(HTTPResponse) -> [String: String] {
        guard let v, v != .null else { return [:] }
        guard let o = v.object else { throw .error(400, "invalid_request", "/sourceFiles: must be an object of path → text") }
        var out: [String: String] = [:]
        for (k, f) in o {
            guard let t = f.string else { throw .error(400, "invalid_request", "/sourceFiles/\(k): must be a string") }
            out[k] = t
        }
        return out
    }

    // MARK: message turns

    func message(_ req: HTTPRequest) async -> HTTPResponse {
        do throws(HTTPResponse) {
            let key = try key(req)
            let body = try req.jsonObject()
            guard let prompt = body["prompt"]?.string, !prompt.isEmpty else { return .error(400, "invalid_request", "/prompt: a non-empty string is required") }
            let settings: RuntimeResolver.Settings
            switch resolver.settings(body) {
            case .success(let s): settings = s
            case .failure(let m): return .error(400, "invalid_runtime_settings", m.message)
            }
            let allowed = try Self.strings(body["allowedTools"], "/allowedTools")
            let workspace = body["workspaceId"]?.string ?? "_"
            guard RunDirectories.isValidKey(workspace) else { return .error(400, "invalid_request", "/workspaceId: invalid") }
            let sourceFiles = try Self.files(body["sourceFiles"])
            // JSON is ExpressibleByNilLiteral: spell out "not given" so it is not read as JSON null (= clear).
            let state: JSON? = body["sessionState"].map { Optional.some($0) } ?? Optional<JSON>.none
            let turn: TurnRunner
            switch sessions.acquire(key: key, runtimeId: settings.type, state: state) {
            case .busy: return .error(409, "session_busy", Self.busyMessage)
            case .started(let t): turn = t
            }
            let cwd = dirs.workingDirectory(workspaceId: workspace, key: key)
            do { try RunDirectories.ensure(cwd); try RunDirectories.writeFiles(sourceFiles, under: cwd) } catch {
                sessions.finish(key: key, turn: turn, runtimeId: settings.type, outcome: .init(status: .failed), format: "")
                return .error(400, "invalid_request", "/sourceFiles: \(error)")
            }
            let request = TurnRunner.Request(
                key: key, runtimeId: settings.type, prompt: prompt, systemPrompt: body["systemPrompt"]?.string, model: settings.model,
                params: settings.params, allowedTools: allowed, maxTurns: body["maxTurns"]?.int.map(Int.init),
                resume: sessions.resumeId(key: key, runtimeId: settings.type), cwd: cwd,
                home: dirs.home(runtime: settings.type, key: key), timeoutMs: wallClockMs, mcp: nil)
            let stream = SSEStream()
            stream.onClientGone { turn.cancel() }  // a dropped stream cancels the turn (spec §4)
            Task.detached { [sessions] in
                let outcome = await turn.run(request, instance: settings.instance) { stream.send(data: $0) }
                sessions.finish(key: key, turn: turn, runtimeId: settings.type, outcome: outcome, format: Self.format(settings.type))
                if outcome.status != .completed {
                    stream.send(data: JSON.object(["type": "error", "error": .string(outcome.error ?? "the run failed")]).text)
                }
                stream.send(data: "[DONE]")
                stream.finish()
            }
            return .sse(stream)
        } catch {
            return error
        }
    }

    static func format(_ runtimeType: String) -> String { runtimeType == "claude" ? "claude-jsonl" : "\(runtimeType)-session" }

    func status(_ req: HTTPRequest) -> HTTPResponse {
        do throws(HTTPResponse) {
            let key = try key(req)
            if let s = sessions.status(key: key) { return .json(s) }
            return .json(["exists": false])
        } catch { return error }
    }

    func cancel(_ req: HTTPRequest) -> HTTPResponse {
        do throws(HTTPResponse) {
            let key = try key(req)
            let body = req.body.isEmpty ? [:] : try req.jsonObject()
            let cancelled = sessions.cancel(key: key, runId: body["runId"]?.string)
            return .json(["ok": true, "cancelled": .bool(cancelled), "status": .string(cancelled ? "cancelling" : "idle")])
        } catch { return error }
    }

    func remove(_ req: HTTPRequest) -> HTTPResponse {
        do throws(HTTPResponse) {
            _ = sessions.remove(key: try key(req))
            return .json(["ok": true])
        } catch { return error }
    }

    func files(_ req: HTTPRequest) -> HTTPResponse {
        do throws(HTTPResponse) {
            let key = try key(req)
            let ws = req.query["workspaceId"] ?? "_"
            guard RunDirectories.isValidKey(ws) else { return .error(400, "invalid_request", "workspaceId: invalid") }
            switch WorkspaceSnapshot.collect(root: dirs.workingDirectory(workspaceId: ws, key: key)) {
            case .success(let files): return .json(["files": .object(files.mapValues(JSON.string))])
            case .failure(let e): return .error(413, "snapshot_too_large", e.message)
            }
        } catch { return error }
    }

    // MARK: app-agent runs

    func startAgentRun(_ req: HTTPRequest) async -> HTTPResponse {
        do throws(HTTPResponse) {
            let key = try key(req)
            let body = try req.jsonObject()
            func str(_ k: String) throws(HTTPResponse) -> String {
                guard let v = body[k]?.string, !v.isEmpty else { throw .error(400, "invalid_request", "/\(k): a non-empty string is required") }
                return v
            }
            let runId = try str("runId"), appId = try str("appId"), workspaceId = try str("workspaceId"), prompt = try str("prompt")
            guard key == "\(appId)__agent__\(runId)", RunDirectories.isValidKey(workspaceId) else {
                return .error(400, "invalid_session_key", "an app-agent run's session key is {appId}__agent__{runId}")
            }
            let settings: RuntimeResolver.Settings
            switch resolver.settings(body) {
            case .success(let s): settings = s
            case .failure(let m): return .error(400, "invalid_runtime_settings", m.message)
            }
            guard let agent = body["agentConfig"]?.object, let agentId = agent["id"]?.string else {
                return .error(400, "invalid_request", "/agentConfig: the approved agent ({id, name, systemPrompt, tools}) is required")
            }
            let allowed = try Self.strings(body["allowedTools"], "/allowedTools")
            let sourceFiles = try Self.files(body["sourceFiles"])
            var custom: [String: JSON] = [:]
            for t in agent["tools"]?.array ?? [] where t["type"]?.string == "custom" && t["enabled"]?.bool == true {
                if let n = t["name"]?.string { custom[n] = t }
            }
            let collections = Set(try Self.strings(agent["dataCollections"], "/agentConfig/dataCollections"))
            let sourceVersion = body["sourceVersion"]?.string == "draft" ? "draft" : "published"
            guard runs.begin(runId: runId, key: key) else { return .json(["status": "started", "runId": .string(runId), "duplicate": true]) }
            let turn: TurnRunner
            switch sessions.acquire(key: key, runtimeId: settings.type, state: .null, runId: runId) {
            case .busy:
                runs.finish(runId: runId, status: "failed", error: Self.busyMessage)
                return .error(409, "session_busy", Self.busyMessage)
            case .started(let t): turn = t
            }
            let scope = BrokerScope(workspaceId: workspaceId, appId: appId, runId: runId, agentId: agentId, sourceVersion: sourceVersion,
                                    allowedTools: Set(allowed), customTools: custom, dataCollections: collections)
            let brokerSession = broker.open(scope)
            let cwd = dirs.workingDirectory(workspaceId: workspaceId, key: key)
            let systemPrompt = [body["systemPrompt"]?.string, agent["systemPrompt"]?.string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n")
            let request = TurnRunner.Request(
                key: key, runtimeId: settings.type, prompt: prompt, systemPrompt: systemPrompt.isEmpty ? nil : systemPrompt, model: settings.model,
                params: settings.params, allowedTools: allowed, maxTurns: 50, resume: nil, cwd: cwd,
                home: dirs.home(runtime: settings.type, key: key), timeoutMs: wallClockMs,
                mcp: ("\(brokerBase)/mcp/\(brokerSession.id)", brokerSession.token))
            Task.detached { [sessions, runs, broker] in
                var outcome: TurnRunner.Outcome
                do {
                    try RunDirectories.ensure(cwd)
                    try RunDirectories.writeFiles(sourceFiles, under: cwd)
                    outcome = await turn.run(request, instance: settings.instance) { runs.append(runId: runId, $0) }
                } catch {
                    outcome = .init(status: .failed, error: "cannot prepare the app's files: \(error)")
                }
                broker.close(brokerSession.id)
                sessions.finish(key: key, turn: turn, runtimeId: settings.type, outcome: outcome, format: Self.format(settings.type))
                _ = sessions.remove(key: key)
                // The run's private folders go; nothing of one run is visible to the next.
                try? FileManager.default.removeItem(atPath: cwd)
                try? FileManager.default.removeItem(atPath: request.home)
                if outcome.status != .completed {
                    runs.append(runId: runId, JSON.object(["type": "error", "error": .string(outcome.error ?? "the run failed")]).text)
                } else {
                    var done: [String: JSON] = ["type": "run_result", "result": outcome.resultText.map(JSON.string) ?? .null]
                    done["usage"] = outcome.usage ?? .null
                    runs.append(runId: runId, JSON.object(done).text)
                }
                runs.finish(runId: runId, status: outcome.status == .completed ? "completed" : outcome.status == .cancelled ? "cancelled" : "failed",
                            error: outcome.error)
            }
            return .json(["status": "started", "runId": .string(runId)], status: 202)
        } catch {
            return error
        }
    }

    func followAgentRun(_ req: HTTPRequest) -> HTTPResponse {
        let runId = req.params["runId"] ?? ""
        let after = Int(req.query["after"] ?? req.headers["last-event-id"] ?? "0") ?? 0
        guard let key = runs.key(of: runId), key == req.params["key"] else {
            return .error(404, "run_not_found", "this worker has no run \(runId) for that session")
        }
        // The web relays a whole run; a burst must not get it dropped (it reconnects with its cursor if it is).
        let stream = SSEStream(maxBufferedBytes: 32 << 20)
        let follower = runs.follow(runId: runId, after: max(0, after)) { item in
            switch item {
            case .event(let i, let json): return stream.send(id: String(i), data: json)
            case .end(let status, let error):
                var o: [String: JSON] = ["status": .string(status)]
                if let error { o["error"] = .string(error) }
                stream.send(event: "end", data: JSON.object(o).text)
                stream.send(data: "[DONE]")
                stream.finish()
                return false
            }
        }
        guard let follower else { return .error(404, "run_not_found", "this worker has no run \(runId) for that session") }
        stream.onClientGone { [runs] in runs.unfollow(runId: runId, id: follower) }
        return .sse(stream)
    }
}
