import Foundation
import SecondCore
import SecondStore
import SecondBus

/// Fails stale app-agent runs actively (W15), instead of waiting for someone to touch them: a run
/// pending or streaming whose relay has not beaten for `runs.stale_after_seconds` (its web process
/// died, or the worker vanished) becomes failed `stale_stream_recovered`, its replay buffer is
/// terminated so viewers stop waiting, and the workspace hears of it.
final class RunWatchdog: Service, @unchecked Sendable {
    let name = "run-watchdog"
    let store: any DocumentStore
    let bus: any CoordinationBus
    let staleAfterMs: Int64
    private var task: Task<Void, Never>?

    init(store: any DocumentStore, bus: any CoordinationBus, staleAfterSeconds: Int) {
        self.store = store; self.bus = bus; staleAfterMs = Int64(staleAfterSeconds) * 1000
    }

    func start() async throws {
        let period = UInt64(max(1000, staleAfterMs / 4)) * 1_000_000
        task = Task.detached { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: period)
                if Task.isCancelled { return }
                _ = await sweep(nowMs: RunRelay.nowMs())
            }
        }
    }

    func stop(deadlineMs: UInt32) async { task?.cancel(); task = nil }

    /// One pass; returns the ids of the runs it failed.
    func sweep(nowMs: Int64) async -> [String] {
        var failed: [String] = []
        for status in [RunStatus.pending, .streaming] {
            guard let runs = try? await store.findAcrossWorkspaces(.appAgentRuns, where: ["status": .string(status.rawValue)], limit: 500) else { continue }
            for run in runs {
                guard let id = run["_id"]?.string, let ws = run["workspaceId"]?.string else { continue }
                let beat = run["streamLease"]?["heartbeatAtMs"]?.int ?? run["createdAtMs"]?.int ?? 0
                guard RunStateMachine.isStale(status: status, lastBeatMs: beat, nowMs: nowMs, staleAfterMs: staleAfterMs),
                      case .success(let target) = RunStateMachine(status).next(.staleRecovered) else { continue }
                var guardFields: Document = ["status": .string(status.rawValue)]
                if let lease = run["streamLease"]?["id"] { guardFields["streamLease.id"] = lease }
                let now = ISO8601DateFormatter().string(from: Date())
                let won = (try? await store.update(.appAgentRuns, workspaceId: ws, id: id, set: [
                    "status": .string(target.rawValue), "finishedAt": .string(now), "updatedAt": .string(now),
                    "failure": ["code": "stale_stream_recovered", "message": "the run's relay stopped reporting; it was failed by the watchdog"],
                ], onlyIf: guardFields)) ?? false
                guard won else { continue }
                try? await bus.replayFinish(runId: id, status: "failed")
                var e = WorkspaceEvent(type: "run.failed", workspaceId: ws, scope: "agent-runs")
                e.runId = id; e.appId = run["appId"]?.string; e.agentId = run["agentId"]?.string; e.runStatus = "failed"
                try? await bus.publish(e)
                failed.append(id)
            }
        }
        return failed
    }
}
