/// The highest seq this node has appended per run, kept as long as the replay TTL. Passed to the append and
/// finish scripts as a floor for the counter: if Redis lost its data (restart without persistence), seqs
/// continue after the last one readers saw instead of restarting at 1, so readers neither skip nor repeat.
/// Only the counter is restored; a lost terminal marker is not. Plain value.
struct SeqFloors: Sendable {
    private var entries: [String: (seq: UInt64, expiresAtMs: UInt64)] = [:]
    private var nextSweepMs: UInt64 = 0

    func floor(_ runId: String, atMs now: UInt64) -> UInt64 {
        guard let e = entries[runId], e.expiresAtMs > now else { return 0 }
        return e.seq
    }

    /// Raises the floor (never lowers it) and restarts its lifetime; sweeps expired runs once a minute.
    mutating func note(_ runId: String, seq: UInt64, atMs now: UInt64, ttlMs: UInt64) {
        let old = floor(runId, atMs: now)
        entries[runId] = (max(old, seq), now + ttlMs)
        if now >= nextSweepMs { sweep(atMs: now) }
    }

    mutating func reset(_ runId: String) { entries[runId] = nil }

    /// Drops entries that expired before `now`.
    mutating func sweep(atMs now: UInt64) {
        entries = entries.filter { $0.value.expiresAtMs > now }
        nextSweepMs = now + 60_000
    }

    var count: Int { entries.count }
}
