import Testing
@testable import SecondBus

/// The reader's history/live merge, without I/O.
@Suite("ReplayMerge") struct ReplayMergeTests {
    func page(_ r: ClosedRange<UInt64>) -> [ReplayChunk] { r.map { ReplayChunk(seq: $0, data: "chunk-\($0)") } }
    func live(_ s: UInt64) -> ReplayMerge.LiveMessage { .chunk(seq: s, data: "chunk-\(s)") }

    @Test func liveMessagesDuringHistoryAreHeldAndDeduplicated() {
        var m = ReplayMerge(cursor: 0)
        m.beginHistory()
        #expect(m.live(live(2)) == .none)     // arrives while history is read
        #expect(m.history(page(1...3)) == chunks(1...3))
        #expect(m.live(live(3)) == .none)
        #expect(m.live(live(4)) == .none)
        #expect(m.historyEnd(terminal: nil) == .init(items: chunks(4...4)))
        #expect(m.live(live(4)) == .none)
        #expect(m.live(live(5)) == .init(items: chunks(5...5)))
        #expect(m.lastSeq == 5 && m.phase == .live)
    }

    @Test func aCursorSkipsOlderHistoryAndTrimmedGapsAreSkipped() {
        var m = ReplayMerge(cursor: 5)
        #expect(m.history(page(3...7)) == chunks(6...7))
        var t = ReplayMerge(cursor: 0)
        #expect(t.history(page(16...25)) == chunks(16...25))   // 1...15 were trimmed away
    }

    @Test func aLiveGapAsksForAHistoryReread() {
        var m = ReplayMerge(cursor: 0)
        _ = m.history(page(1...2))
        _ = m.historyEnd(terminal: nil)
        #expect(m.live(live(4)) == .init(reread: true))
        #expect(m.phase == .history)
        m.beginHistory()
        #expect(m.history(page(1...4)) == chunks(3...4))
        #expect(m.historyEnd(terminal: nil) == .none)
        #expect(m.live(live(5)) == .init(items: chunks(5...5)))
    }

    @Test func aHeldGapAfterHistoryEmitsWhatIsContiguousThenAsksForAReread() {
        var m = ReplayMerge(cursor: 0)
        _ = m.live(live(2)); _ = m.live(live(4))
        _ = m.history(page(1...1))
        #expect(m.historyEnd(terminal: nil) == .init(items: chunks(2...2), reread: true))
    }

    @Test func terminalFromHistoryEndsEverything() {
        var m = ReplayMerge(cursor: 0)
        _ = m.live(live(3))
        #expect(m.history(page(1...3)) == chunks(1...3))
        #expect(m.historyEnd(terminal: "completed") == .init(items: [.terminal(status: "completed")]))
        #expect(m.isFinished)
        #expect(m.live(live(4)) == .none)
        #expect(m.history(page(4...4)) == [])
    }

    @Test func liveTerminalEndsOnlyWhenNothingIsMissing() {
        var m = ReplayMerge(cursor: 0)
        _ = m.history(page(1...2)); _ = m.historyEnd(terminal: nil)
        #expect(m.live(.terminal(status: "failed", lastSeq: 3)) == .init(reread: true))
        m.beginHistory()
        #expect(m.history(page(1...3)) == chunks(3...3))
        #expect(m.historyEnd(terminal: "failed") == .init(items: [.terminal(status: "failed")]))

        var n = ReplayMerge(cursor: 0)
        _ = n.history(page(1...2)); _ = n.historyEnd(terminal: nil)
        #expect(n.live(.terminal(status: "completed", lastSeq: 2)) == .init(items: [.terminal(status: "completed")]))
        var old = ReplayMerge(cursor: 0)   // a terminal without seq (older publishers) is trusted
        _ = old.historyEnd(terminal: nil)
        #expect(old.live(.terminal(status: "completed", lastSeq: nil)) == .init(items: [.terminal(status: "completed")]))
    }

    @Test func aHeldTerminalIsDeliveredAfterHistory() {
        var m = ReplayMerge(cursor: 0)
        _ = m.live(live(3)); _ = m.live(.terminal(status: "completed", lastSeq: 3))
        _ = m.history(page(1...3))
        #expect(m.historyEnd(terminal: nil) == .init(items: [.terminal(status: "completed")]))
        #expect(m.isFinished)
    }

    @Test func aReconnectRereadsFromTheLastDeliveredSeq() {
        var m = ReplayMerge(cursor: 0)
        _ = m.history(page(1...3)); _ = m.historyEnd(terminal: nil)
        #expect(m.live(live(4)) == .init(items: chunks(4...4)))
        m.beginHistory()                                   // the subscription dropped and came back
        #expect(m.history(page(1...6)) == chunks(5...6))
        #expect(m.historyEnd(terminal: nil) == .none)
        // After Redis lost its data, history restarts at the restored counter.
        m.beginHistory()
        #expect(m.history(page(7...8)) == chunks(7...8))
    }
}
