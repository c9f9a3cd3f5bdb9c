import Foundation

/// The worker's record of app-agent runs (spec §15.7): each run's events in order plus live
/// listeners, so `GET …/agent-run/:runId/events?after=N` can replay and follow. Finished runs are kept
/// 30 minutes; above 100 the oldest finished ones are evicted. Running runs are never evicted.
final class AgentRunLog: @unchecked Sendable {
    enum Item: Sendable, Equatable { case event(index: Int, json: String); case end(status: String, error: String?) }

    final class Run: @unchecked Sendable {
        let runId: String
        let key: String
        var events: [String] = []
        var end: (status: String, error: String?)?
        var finishedAt: Date?
        var listeners: [UUID: AsyncStream<Item>.Continuation] = [:]
        init(runId: String, key: String) { self.runId = runId; self.key = key }
    }

    private let lock = NSLock()
    private var runs: [String: Run] = [:]
    let keepSeconds: TimeInterval = 1800
    let maxFinished = 100

    /// Registers a run; false when the id is already known (a duplicate start starts nothing).
    func begin(runId: String, key: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        evictLocked()
        if runs[runId] != nil { return false }
        runs[runId] = Run(runId: runId, key: key)
        return true
    }

    func key(of runId: String) -> String? { lock.lock(); defer { lock.unlock() }; return runs[runId]?.key }

    func append(runId: String, _ json: String) {
        lock.lock()
        guard let r = runs[runId], r.end == nil else { lock.unlock(); return }
        r.events.append(json)
        let index = r.events.count
        let ls = Array(r.listeners.values)
        lock.unlock()
        for l in ls { l.yield(.event(index: index, json: json)) }
    }

    func finish(runId: String, status: String, error: String?) {
        lock.lock()
        guard let r = runs[runId], r.end == nil else { lock.unlock(); return }
        r.end = (status, error)
        r.finishedAt = Date()
        let ls = Array(r.listeners.values)
        r.listeners = [:]
        lock.unlock()
        for l in ls { l.yield(.end(status: status, error: error)); l.finish() }
    }

    /// Events with index > `after` (1-based), then live ones, then the end. nil for an unknown run.
    func follow(runId: String, after: Int) -> AsyncStream<Item>? {
        lock.lock(); defer { lock.unlock() }
        guard let r = runs[runId] else { return nil }
        let (stream, c) = AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded)
        for (i, e) in r.events.enumerated() where i + 1 > after { c.yield(.event(index: i + 1, json: e)) }
        if let end = r.end {
            c.yield(.end(status: end.status, error: end.error))
            c.finish()
        } else {
            let id = UUID()
            r.listeners[id] = c
            c.onTermination = { [weak self, weak r] _ in
                guard let self, let r else { return }
                self.lock.lock(); r.listeners[id] = nil; self.lock.unlock()
            }
        }
        return stream
    }

    var runningCount: Int { lock.lock(); defer { lock.unlock() }; return runs.values.filter { $0.end == nil }.count }

    /// Caller holds the lock.
    private func evictLocked() {
        let now = Date()
        runs = runs.filter { $0.value.finishedAt.map { now.timeIntervalSince($0) < keepSeconds } ?? true }
        let finished = runs.values.filter { $0.finishedAt != nil }.sorted { $0.finishedAt! < $1.finishedAt! }
        if finished.count > maxFinished { for r in finished.prefix(finished.count - maxFinished) { runs[r.runId] = nil } }
    }
}
