import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondBus
import SecondApps

/// App-agent runs as a member sees them (spec §9, §10, §15.7): start a run of an approved agent,
/// list and read runs, follow a run's events over SSE with a resumable cursor, stop a run.
/// The triggering user is the authenticated actor, never a field of the request.
struct AgentRunRoutes: Sendable {
    let records: AppRecords
    let relay: RunRelay
    let fanout: RunFanout
    var store: any DocumentStore { records.store }
    var bus: any CoordinationBus { relay.bus }

    func install(on router: Router) {
        router.add("POST", "/api/workspaces/:workspaceId/apps/:appId/agent-runs", .async { [self] in await start($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId/agent-runs", .async { [self] in await list($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId/agent-runs/:runId", .async { [self] in await get($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId/agent-runs/:runId/events", .async { [self] in await events($0) })
        router.add("POST", "/api/workspaces/:workspaceId/apps/:appId/agent-runs/:runId/stop", .async { [self] in await stop($0) })
    }

    static let maxPrompt = 100_000

    func start(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .agentsRun) { c in
            let b = try req.jsonObject()
            for k in ["triggeredByUserId", "triggeredByUserEmail", "triggeredByUserName"] where b[k] != nil {
                return .error(400, "invalid_request", "/\(k): the triggering user is set by the server from your session")
            }
            guard let agentId = b["agentId"]?.string, !agentId.isEmpty else { return .error(400, "invalid_request", "/agentId: the id of an agent of the app's agents.json") }
            guard let prompt = b["prompt"]?.string, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, prompt.count <= Self.maxPrompt else {
                return .error(400, "invalid_request", "/prompt: a non-empty string of at most \(Self.maxPrompt) characters")
            }
            let version = b["sourceVersion"]?.string ?? "published"
            guard version == "draft" || version == "published" else { return .error(400, "invalid_request", "/sourceVersion: \"draft\" or \"published\"") }
            if version == "draft" && !c.access.canCollaborate {
                return .error(403, "forbidden", "draft runs are for the app's creator, collaborators and admins")
            }
            let resolved: ApprovedPolicy.Resolved
            switch try await ApprovedPolicy.resolve(store: store, workspaceId: c.workspaceId, app: c.app, sourceVersion: version) {
            case .failure(let r): return r
            case .success(let r): resolved = r
            }
            guard let tools = AgentToolPolicy(policy: resolved.policy, agentId: agentId),
                  let agentJSON = ApprovedPolicy.agentJSON(resolved.payload, id: agentId) else {
                return .error(404, "agent_not_found", "/agentId: the approved agents.json has no agent \"\(agentId)\"")
            }
            let files = try await records.snapshot(c.workspaceId, c.appId, kind: version) ?? [:]
            let runId = Ids.objectId()
            let now = AppRecords.now()
            try await store.insert(.appAgentRuns, workspaceId: c.workspaceId, [
                "_id": .string(runId), "appId": .string(c.appId), "agentId": .string(agentId), "agentName": .string(tools.agent.name),
                "sourceVersion": .string(version), "triggeredByUserId": .string(c.actor.userId), "prompt": .string(prompt),
                "status": .string(RunStatus.pending.rawValue), "runtimeId": c.app["runtimeId"] ?? "claude",
                "createdAt": .string(now), "createdAtMs": .int(RunRelay.nowMs()), "updatedAt": .string(now)])
            await records.audit(c.workspaceId, actor: c.actor.userId, "app_agent_run.created",
                                target: ["runId": .string(runId), "appId": .string(c.appId), "agentId": .string(agentId)])
            var e = WorkspaceEvent(type: "run.created", workspaceId: c.workspaceId, scope: "agent-runs", appId: c.appId, runId: runId,
                                   runStatus: "pending", agentId: agentId)
            e.sourceVersion = nil
            try? await bus.publish(e)
            let body: JSON = [
                "runId": .string(runId), "prompt": .string(prompt), "runtimeId": c.app["runtimeId"] ?? "claude",
                "runtimeModel": c.app["runtimeModel"] ?? .null, "runtimeParams": c.app["runtimeParams"] ?? [:],
                "agentConfig": agentJSON, "allowedTools": .array(tools.allowedTools().map(JSON.string)),
                "workspaceId": .string(c.workspaceId), "appId": .string(c.appId), "sourceVersion": .string(version),
                "sourceFiles": .object(files.mapValues(JSON.string))]
            do {
                try await relay.launch(RunRelay.Start(runId: runId, workspaceId: c.workspaceId, appId: c.appId, agentId: agentId, workerBody: body))
            } catch RunRelay.LaunchError.claimRejected {
                return .error(409, "claim_rejected", "the run was already claimed")
            } catch RunRelay.LaunchError.workerRefused(let why) {
                return .json(["error": "worker_start_failed", "message": .string(why), "runId": .string(runId)], status: 502)
            }
            return .json(["runId": .string(runId), "status": "streaming",
                          "events": .string("/api/workspaces/\(c.workspaceId)/apps/\(c.appId)/agent-runs/\(runId)/events")], status: 201)
        }
    }

    /// The run of the path, when the viewer may see it: its app is visible, and draft runs only to
    /// those who may see the draft.
    func run(_ c: AppRecords.Context, _ req: HTTPRequest) async throws -> Document {
        guard let run = try await store.get(.appAgentRuns, workspaceId: c.workspaceId, id: req.params["runId"] ?? ""),
              run["appId"]?.string == c.appId,
              run["sourceVersion"]?.string != "draft" || c.access.canCollaborate else {
            throw HTTPResponse.error(404, "not_found", "no such run")
        }
        return run
    }

    static func view(_ run: Document) -> JSON {
        var o = run
        o["id"] = run["_id"]; o["streamLease"] = nil; o["createdAtMs"] = nil
        return .object(o)
    }

    func list(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .workspaceView) { c in
            let runs = try await store.find(.appAgentRuns, workspaceId: c.workspaceId, where: ["appId": .string(c.appId)],
                                            sort: [("createdAtMs", false)], limit: 50)
            return .json(["runs": .array(runs.filter { $0["sourceVersion"]?.string != "draft" || c.access.canCollaborate }.map(Self.view))])
        }
    }

    func get(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .workspaceView) { c in .json(Self.view(try await run(c, req))) }
    }

    /// SSE: every event after the cursor (`?cursor=N` or `Last-Event-ID`) exactly once, in order,
    /// each with `id: <seq>`, then `event: end` with the final status. Reconnect with the last id.
    func events(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .workspaceView) { c in
            let run = try await run(c, req)
            let runId = run["_id"]?.string ?? ""
            let raw = req.query["cursor"] ?? req.headers["last-event-id"] ?? "0"
            guard let cursor = UInt64(raw) else { return .error(400, "invalid_request", "cursor: a non-negative integer (the last event id you received)") }
            let status = RunStatus(rawValue: run["status"]?.string ?? "") ?? .pending
            let snap = try await bus.replaySnapshot(runId: runId, after: cursor, limit: 1)
            // Room for a full replay buffer of backlog; a viewer that falls further behind is dropped
            // and reconnects with its cursor.
            let stream = SSEStream(maxBufferedBytes: 32 << 20)
            if status.isTerminal && !snap.exists {
                // The replay buffer expired (1 h): only the outcome is left.
                stream.send(event: "end", data: JSON.object(["status": .string(status.rawValue), "replayExpired": true]).text)
                stream.finish()
                return .sse(stream)
            }
            fanout.attach(runId: runId, cursor: cursor, stream: stream)
            return .sse(stream)
        }
    }

    /// Stops a running run: its triggering user, or anyone who manages the app.
    func stop(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .agentsRun) { c in
            let run = try await run(c, req)
            let runId = run["_id"]?.string ?? ""
            guard run["triggeredByUserId"]?.string == c.actor.userId || c.access.canManage else {
                return .error(403, "forbidden", "only the user who started the run, the app's creator or an admin can stop it")
            }
            guard let status = RunStatus(rawValue: run["status"]?.string ?? ""), !status.isTerminal else {
                return .error(409, "run_finished", "the run already ended")
            }
            _ = try await store.update(.appAgentRuns, workspaceId: c.workspaceId, id: runId,
                                       set: ["stopRequestedByUserId": .string(c.actor.userId), "stopRequestedAt": .string(AppRecords.now())])
            let (code, _) = try await relay.worker.post("sessions/\(c.appId)__agent__\(runId)/cancel", ["runId": .string(runId), "reason": "user_stopped"])
            guard code == 200 else { return .error(502, "worker_cancel_failed", "the worker did not accept the stop (HTTP \(code))") }
            await records.audit(c.workspaceId, actor: c.actor.userId, "app_agent_run.stopped", target: ["runId": .string(runId), "appId": .string(c.appId)])
            return .json(["ok": true, "runId": .string(runId), "status": "stopping"], status: 202)
        }
    }
}
