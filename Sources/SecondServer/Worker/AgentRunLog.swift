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
        /// Called in order under the log's lock (one run's events come from one producer); false = stop.
        var listeners: [UUID: @Sendable (Item) -> Bool] = [:]
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
        lock.lock(); defer { lock.unlock() }
        guard let r = runs[runId], r.end == nil else { return }
        r.events.append(json)
        let item = Item.event(index: r.events.count, json: json)
        // Delivered under the lock: a follower's backlog and its live events can never interleave.
        for (id, l) in r.listeners where !l(item) { r.listeners[id] = nil }
    }

    func finish(runId: String, status: String, error: String?) {
        lock.lock(); defer { lock.unlock() }
        guard let r = runs[runId], r.end == nil else { return }
        r.end = (status, error)
        r.finishedAt = Date()
        for l in r.listeners.values { _ = l(.end(status: status, error: error)) }
        r.listeners = [:]
    }

    /// Calls `onItem` with every event with index > `after` (1-based), then live ones, then the end,
    /// in order, synchronously (it must not block). Returns a follower id, or nil for an unknown run.
    func follow(runId: String, after: Int, _ onItem: @escaping @Sendable (Item) -> Bool) -> UUID? {
        lock.lock(); defer { lock.unlock() }
        guard let r = runs[runId] else { return nil }
        for (i, e) in r.events.enumerated() where i + 1 > after {
            if !onItem(.event(index: i + 1, json: e)) { return UUID() }
        }
        if let end = r.end { _ = onItem(.end(status: end.status, error: end.error)); return UUID() }
        let id = UUID()
        r.listeners[id] = onItem
        return id
    }

    func unfollow(runId: String, id: UUID) { lock.lock(); runs[runId]?.listeners[id] = nil; lock.unlock() }

    var runningCount: Int { lock.lock(); defer { lock.unlock() }; return runs.values.filter { $0.end == nil }.count }

    /// Caller holds the lock.
    private func evictLocked() {
        let now = Date()
        runs = runs.filter { $0.value.finishedAt.map { now.timeIntervalSince($0) < keepSeconds } ?? true }
        let finished = runs.values.filter { $0.finishedAt != nil }.sorted { $0.finishedAt! < $1.finishedAt! }
        if finished.count > maxFinished { for r in finished.prefix(finished.count - maxFinished) { runs[r.runId] = nil } }
    }
}
