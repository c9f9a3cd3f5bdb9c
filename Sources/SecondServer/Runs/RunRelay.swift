import Foundation
import SecondCore
import SecondStore
import SecondBus

/// Starts app-agent runs on the worker and relays their events into the coordination bus's replay
/// buffer, from which every viewer reads (spec §10, W18: the replay buffer is the only stream store).
/// Each transition is a compare-and-set guarded by the run's lease, so a relay and the watchdog
/// never both finish a run.
final class RunRelay: Sendable {
    let store: any DocumentStore
    let bus: any CoordinationBus
    let worker: WorkerClient
    let staleAfterMs: Int64

    init(store: any DocumentStore, bus: any CoordinationBus, worker: WorkerClient, staleAfterSeconds: Int) {
        self.store = store; self.bus = bus; self.worker = worker
        staleAfterMs = Int64(staleAfterSeconds) * 1000
    }

    static let runResult = Array(#""type":"run_result""#.utf8)

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    static func iso() -> String { ISO8601DateFormatter().string(from: Date()) }

    struct Start: Sendable {
        var runId: String
        var workspaceId: String
        var appId: String
        var agentId: String
        /// What the worker needs: prompt, runtime settings, the approved agent, its allowlist, the snapshot files.
        var workerBody: JSON
    }

    enum LaunchError: Error { case claimRejected, workerRefused(String) }

    /// Claims the pending run, starts it on the worker and relays in the background.
    func launch(_ s: Start) async throws -> Void {
        let lease = UUID().uuidString
        guard case .success(let streaming) = RunStateMachine(.pending).next(.claim) else { throw LaunchError.claimRejected }
        let claimed = try await store.update(.appAgentRuns, workspaceId: s.workspaceId, id: s.runId,
                                             set: ["status": .string(streaming.rawValue),
                                                   "streamLease": ["id": .string(lease), "heartbeatAtMs": .int(Self.nowMs())],
                                                   "startedAt": .string(Self.iso()), "updatedAt": .string(Self.iso())],
                                             onlyIf: ["status": .string(RunStatus.pending.rawValue)])
        guard claimed else { throw LaunchError.claimRejected }
        try await bus.replayReset(runId: s.runId)
        await announce(s, "run.starting", status: .streaming)
        let key = "\(s.appId)__agent__\(s.runId)"
        let refusal: String?
        do {
            let (status, body) = try await worker.post("sessions/\(key)/agent-run", s.workerBody)
            refusal = (status == 202 || status == 200) ? nil : "the worker refused the run (HTTP \(status)): \(body["message"]?.string ?? body["error"]?.string ?? "")"
        } catch {
            refusal = "\(error)"
        }
        if let refusal {
            await finish(s, lease: lease, event: .startFailed, failure: ("worker_start_failed", refusal), result: nil, usage: nil)
            throw LaunchError.workerRefused(refusal)
        }
        await announce(s, "run.stream_ready", status: .streaming)
        Task.detached { [self] in await relay(s, key: key, lease: lease) }
    }

    /// Follows the worker's event stream (reconnecting with its cursor) into the replay buffer.
    private func relay(_ s: Start, key: String, lease: String) async {
        let beat = Task.detached { [self] in await heartbeat(s, lease: lease) }
        defer { beat.cancel() }
        var cursor = 0
        var end: (status: String, error: String?)?
        var result: JSON?, usage: JSON?
        var failures = 0
        while end == nil && failures < 5 {
            do {
                let req = worker.streamRequest("sessions/\(key)/agent-run/\(s.runId)/events", query: "after=\(cursor)")
                let feed = SSEClient.start(req)
                defer { feed.cancel() }
                batches: while let batch = try await feed.take() {
                    var chunks: [String] = []
                    for m in batch {
                        if m.data == "[DONE]" { break }
                        if m.event == "end" {
                            let o = (try? JSON.parse(m.data))?.object ?? [:]
                            end = (o["status"]?.string ?? "failed", o["error"]?.string)
                            continue
                        }
                        guard let id = m.id, let n = Int(id), n > cursor else { continue }
                        cursor = n
                        if TurnRunner.contains(Array(m.data.utf8), [Self.runResult]), let o = (try? JSON.parse(m.data))?.object,
                           o["type"]?.string == "run_result" {
                            result = o["result"]; usage = o["usage"]
                        }
                        chunks.append(m.data)
                    }
                    // What one network read delivered goes to the replay buffer in one round trip.
                    if !chunks.isEmpty {
                        failures = 0   // progress: a later break is a new incident
                        _ = try await bus.replayAppend(runId: s.runId, chunks: chunks)
                        Metrics.shared.increment("second_run_events_relayed_total", "Run events relayed from the worker into the replay buffer",
                                                 by: Double(chunks.count))
                    }
                    if end != nil { break batches }
                }
                if end == nil { failures += 1 }
            } catch let e as SSEClient.Failure where e.status == 404 {
                end = ("failed", "the worker no longer knows this run (it restarted)")
            } catch BusError.terminated {
                return   // the watchdog already ended it
            } catch {
                failures += 1
                try? await Task.sleep(nanoseconds: UInt64(failures) * 300_000_000)
            }
        }
        let final = end ?? ("failed", "lost the worker's event stream")
        let failure: (String, String)? = switch final.status {
        case "completed": nil
        case "cancelled": ("user_stopped", "stopped by a viewer")
        default: ("worker_stream_failed", final.error ?? "the run failed")
        }
        await finish(s, lease: lease, event: .finish(succeeded: failure == nil), failure: failure, result: result, usage: usage)
    }

    /// Keeps the lease alive while the relay runs, even when the runtime is quiet.
    private func heartbeat(_ s: Start, lease: String) async {
        let interval = UInt64(max(1000, min(staleAfterMs / 3, 20_000))) * 1_000_000
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: interval)
            if Task.isCancelled { return }
            _ = try? await store.update(.appAgentRuns, workspaceId: s.workspaceId, id: s.runId,
                                        set: ["streamLease.heartbeatAtMs": .int(Self.nowMs())],
                                        onlyIf: ["status": "streaming", "streamLease.id": .string(lease)])
        }
    }

    /// The lease-guarded terminal write, then the replay terminal marker and the announcements.
    func finish(_ s: Start, lease: String, event: RunEvent, failure: (code: String, message: String)?, result: JSON?, usage: JSON?) async {
        guard case .success(let status) = RunStateMachine(.streaming).next(event) else { return }
        var set: [String: JSON] = ["status": .string(status.rawValue), "finishedAt": .string(Self.iso()), "updatedAt": .string(Self.iso())]
        if let result { set["result"] = result }
        if let usage { set["usage"] = usage }
        if let failure { set["failure"] = ["code": .string(failure.code), "message": .string(String(failure.message.prefix(800)))] }
        let won = (try? await store.update(.appAgentRuns, workspaceId: s.workspaceId, id: s.runId, set: set,
                                           onlyIf: ["status": "streaming", "streamLease.id": .string(lease)])) ?? false
        guard won else { return }
        Metrics.shared.increment("second_agent_runs_total", "App-agent runs by final status and failure code",
                                 labels: [("status", status.rawValue), ("code", failure?.code ?? "none")])
        try? await bus.replayFinish(runId: s.runId, status: status.rawValue)
        await announce(s, status == .completed ? "run.completed" : "run.failed", status: status)
        try? await store.insert(.auditEvents, workspaceId: s.workspaceId, [
            "_id": .string(Ids.objectId()), "action": .string(status == .completed ? "app_agent_run.completed" : "app_agent_run.failed"),
            "actorUserId": "system", "target": ["runId": .string(s.runId), "appId": .string(s.appId), "agentId": .string(s.agentId)],
            "createdAt": .string(Self.iso())])
    }

    func announce(_ s: Start, _ type: String, status: RunStatus) async {
        var e = WorkspaceEvent(type: type, workspaceId: s.workspaceId, scope: "agent-runs")
        e.appId = s.appId; e.runId = s.runId; e.agentId = s.agentId; e.runStatus = status.rawValue
        try? await bus.publish(e)
    }
}
