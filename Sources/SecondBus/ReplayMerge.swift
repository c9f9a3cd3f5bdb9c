/// The replay reader's merge of history and live messages as a plain value (no I/O).
///
/// Protocol: (re)subscribe, `beginHistory()`, feed history pages (`history`) until the last page (`historyEnd`),
/// then feed live messages (`live`). Live messages that arrive during history replay are held back (the Redis
/// reader leaves them in its socket; tests may feed them here) and de-duplicated by seq afterwards. A live gap
/// (seq > last + 1) or a terminal beyond the last seen chunk asks for a history re-read from `lastSeq`; so does
/// a reconnect. Every emitted chunk has seq > every earlier one, so nothing is delivered twice.
struct ReplayMerge: Sendable, Equatable {
    enum Phase: Sendable, Equatable { case history, live, finished }
    enum LiveMessage: Sendable, Equatable {
        case chunk(seq: UInt64, data: String)
        case terminal(status: String, lastSeq: UInt64?)
    }
    /// Items to deliver now; `reread` asks the caller to call beginHistory() and read history again from lastSeq.
    struct Step: Sendable, Equatable {
        var items: [ReplayItem] = []
        var reread = false
        static let none = Step()
    }

    private(set) var lastSeq: UInt64
    private(set) var phase: Phase = .history
    private var held: [LiveMessage] = []

    init(cursor: UInt64) { lastSeq = cursor }

    mutating func beginHistory() {
        guard phase != .finished else { return }
        phase = .history
        held.removeAll()
    }

    /// One page of history (seq ascending). Gaps are trimmed chunks and are skipped; old seqs are dropped.
    mutating func history(_ page: [ReplayChunk]) -> [ReplayItem] {
        guard phase == .history else { return [] }
        var out: [ReplayItem] = []
        for c in page where c.seq > lastSeq {
            lastSeq = c.seq
            out.append(.chunk(seq: c.seq, data: c.data))
        }
        return out
    }

    /// The last page has been read, atomically with the terminal marker (nil when the run is still open).
    mutating func historyEnd(terminal: String?) -> Step {
        guard phase == .history else { return .none }
        if let terminal {
            phase = .finished
            held.removeAll()
            return Step(items: [.terminal(status: terminal)])
        }
        phase = .live
        let pending = held
        held.removeAll()
        var out = Step()
        for m in pending {
            let step = live(m)
            out.items += step.items
            if step.reread { out.reread = true; break }
            if phase == .finished { break }
        }
        return out
    }

    mutating func live(_ message: LiveMessage) -> Step {
        switch phase {
        case .finished: return .none
        case .history: held.append(message); return .none
        case .live: break
        }
        switch message {
        case .chunk(let seq, let data):
            if seq <= lastSeq { return .none }                        // already delivered from history
            if seq > lastSeq + 1 { phase = .history; held.removeAll(); return Step(reread: true) }
            lastSeq = seq
            return Step(items: [.chunk(seq: seq, data: data)])
        case .terminal(let status, let last):
            if let last, last > lastSeq { phase = .history; held.removeAll(); return Step(reread: true) }
            phase = .finished
            return Step(items: [.terminal(status: status)])
        }
    }

    var isFinished: Bool { phase == .finished }
}
