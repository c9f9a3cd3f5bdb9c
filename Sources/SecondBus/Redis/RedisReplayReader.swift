/// The replay reader's handler, run on its `ChannelListener` thread: after every (re)subscription it reads
/// history from the last delivered seq through the command pool, then follows live messages, with
/// `ReplayMerge` deciding what to deliver. Live messages that arrive while history is read wait in the
/// subscription socket and are de-duplicated by seq when the live loop reads them.
final class RedisReplayReader: @unchecked Sendable {   // touched only by its listener thread
    private let runId: String
    private let pool: RedisCommandPool
    private let pageSize: Int
    private let output: AsyncThrowingStream<ReplayItem, any Error>.Continuation
    private var merge: ReplayMerge

    init(runId: String, cursor: UInt64, pool: RedisCommandPool, pageSize: Int,
         output: AsyncThrowingStream<ReplayItem, any Error>.Continuation) {
        self.runId = runId; self.pool = pool; self.pageSize = pageSize; self.output = output
        merge = ReplayMerge(cursor: cursor)
    }

    func handle(_ event: ChannelListener.Event) throws(BusError) -> ChannelListener.Verdict {
        switch event {
        case .subscribed:
            return try readHistory()
        case .message(let payload):
            guard let message = ReplayWire.decodeLive(payload) else { return .proceed }
            let step = merge.live(message)
            deliver(step.items)
            if merge.isFinished { return .stop }
            return step.reread ? try readHistory() : .proceed
        }
    }

    private func readHistory() throws(BusError) -> ChannelListener.Verdict {
        merge.beginHistory()
        while true {
            let before = merge.lastSeq
            let page = try RedisReplayOps.read(pool: pool, runId: runId, after: before, limit: pageSize)
            deliver(merge.history(page.chunks))
            // A full page that made progress may have more behind it.
            if page.chunks.count >= pageSize && merge.lastSeq > before { continue }
            // The last page was read atomically with the terminal marker.
            let step = merge.historyEnd(terminal: page.terminal)
            deliver(step.items)
            if merge.isFinished { return .stop }
            if step.reread { merge.beginHistory(); continue }
            return .proceed
        }
    }

    private func deliver(_ items: [ReplayItem]) { for i in items { output.yield(i) } }
}

/// Replay commands shared by the bus (async) and the reader threads (sync).
enum RedisReplayOps {
    static func readArgs(runId: String, after cursor: UInt64, limit: Int) -> [String] {
        // Lua numbers are doubles: keep the cursor where they are exact.
        RedisScripts.eval(RedisScripts.read, keys: [RedisKeys.chunks(runId), RedisKeys.terminal(runId)],
                          args: [String(min(cursor, 1 << 50)), String(limit)])
    }

    static func decodeRead(_ reply: RedisReply) throws(BusError) -> ReplaySnapshot {
        guard let a = reply.array, a.count >= 2 else { throw .invalid("unexpected replay read reply") }
        let terminal = a[0].string.flatMap { ReplayWire.decodeTerminal($0)?.status }
        let first = a[1].integer.flatMap { $0 > 0 ? UInt64($0) : nil }
        let chunks = a.dropFirst(2).compactMap { $0.string.flatMap(ReplayWire.decodeEntry) }
        return ReplaySnapshot(firstSeq: first, chunks: chunks, terminal: terminal)
    }

    static func read(pool: RedisCommandPool, runId: String, after cursor: UInt64, limit: Int) throws(BusError) -> ReplaySnapshot {
        let args = readArgs(runId: runId, after: cursor, limit: limit)
        return try decodeRead(pool.runSync { conn throws(BusError) in try conn.call(args) })
    }
}
