/// One run's replay buffer in memory: the same rules as the Redis keys (seq from 1, trimmed to `cap`,
/// one expiry for chunks, counter and terminal marker, refreshed on append and finish). Plain value, no clock.
struct ReplayBuffer: Sendable {
    private var chunks: [ReplayChunk] = []
    private var head = 0                      // chunks[..<head] are trimmed; compacted lazily
    private(set) var seq: UInt64 = 0
    private(set) var terminal: String?
    private(set) var expiresAtMs: UInt64

    init(expiresAtMs: UInt64) { self.expiresAtMs = expiresAtMs }

    var firstSeq: UInt64? { head < chunks.count ? chunks[head].seq : nil }
    var retained: ArraySlice<ReplayChunk> { chunks[head...] }

    func isExpired(atMs now: UInt64) -> Bool { now >= expiresAtMs }

    mutating func append(_ data: String, cap: Int, expiresAtMs: UInt64) throws(BusError) -> UInt64 {
        if terminal != nil { throw .terminated }
        seq += 1
        chunks.append(ReplayChunk(seq: seq, data: data))
        if chunks.count - head > cap { head = chunks.count - cap }
        if head > 1024 && head * 2 > chunks.count { chunks.removeFirst(head); head = 0 }
        self.expiresAtMs = expiresAtMs
        return seq
    }

    /// False when already finished (the first status stays).
    mutating func finish(status: String, expiresAtMs: UInt64) -> Bool {
        guard terminal == nil else { return false }
        terminal = status
        self.expiresAtMs = expiresAtMs
        return true
    }

    func chunks(after cursor: UInt64, limit: Int) -> [ReplayChunk] {
        guard let first = firstSeq else { return [] }
        let skip = cursor >= first ? Int(cursor - first + 1) : 0
        let start = head + min(skip, chunks.count - head)
        let count = min(chunks.count - start, max(0, limit))   // no start + limit: limit may be Int.max
        return Array(chunks[start..<start + count])
    }
}
