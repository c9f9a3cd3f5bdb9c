import Foundation
import Testing
@testable import SecondBus

extension Conformance {
    @Suite("replay buffer") struct Replay {
        @Test(arguments: BusKind.allCases)
        func appendsGetOrderedSeqsAndReadersSeeEverythingAfterTheirCursor(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let run = uid("run")
                try await bus.replayReset(runId: run)
                var seqs: [UInt64] = []
                for i in 1...10 { seqs.append(try await bus.replayAppend(runId: run, chunk: "chunk-\(i)")) }
                #expect(seqs == Array(1...10))
                try await bus.replayFinish(runId: run, status: "completed")
                for cursor: UInt64 in [0, 4, 9, 10, 50] {
                    let r = Collector(try await bus.replayRead(runId: run, after: cursor))
                    try await r.waitForEnd()
                    let expected = cursor < 10 ? chunks((cursor + 1)...10) : []
                    #expect(r.items == expected + [.terminal(status: "completed")], "cursor \(cursor)")
                    #expect(r.error == nil)
                }
            }
        }

        @Test(arguments: BusKind.allCases)
        func batchAppendsKeepOrderForHistoryAndLiveReaders(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let run = uid("run")
                try await bus.replayReset(runId: run)
                let live = Collector(try await bus.replayRead(runId: run, after: 0))
                #expect(try await bus.replayAppend(runId: run, chunks: ["chunk-1", "chunk-2", "chunk-3"]) == 3)
                #expect(try await bus.replayAppend(runId: run, chunk: "chunk-4") == 4)
                #expect(try await bus.replayAppend(runId: run, chunks: ["chunk-5", "chunk-6"]) == 6)
                await #expect(throws: BusError.self) { _ = try await bus.replayAppend(runId: run, chunks: []) }
                try await bus.replayFinish(runId: run, status: "completed")
                await #expect(throws: BusError.terminated) { _ = try await bus.replayAppend(runId: run, chunks: ["late"]) }
                try await live.waitForEnd()
                #expect(live.items == chunks(1...6) + [.terminal(status: "completed")])
                let history = Collector(try await bus.replayRead(runId: run, after: 2))
                try await history.waitForEnd()
                #expect(history.items == chunks(3...6) + [.terminal(status: "completed")])
            }
        }

        @Test(arguments: BusKind.allCases)
        func aReaderAttachedMidStreamContinuesLiveAndEndsAtTheTerminal(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let run = uid("run")
                try await bus.replayReset(runId: run)
                let early = Collector(try await bus.replayRead(runId: run, after: 0))   // before any chunk
                for i in 1...5 { _ = try await bus.replayAppend(runId: run, chunk: "chunk-\(i)") }
                let mid = Collector(try await bus.replayRead(runId: run, after: 3))
                try await mid.waitFor(count: 2)
                for i in 6...8 { _ = try await bus.replayAppend(runId: run, chunk: "chunk-\(i)") }
                let ahead = Collector(try await bus.replayRead(runId: run, after: 7))   // cursor ahead of the history
                try await bus.replayFinish(runId: run, status: "failed")
                for r in [early, mid, ahead] { try await r.waitForEnd() }
                #expect(early.items == chunks(1...8) + [.terminal(status: "failed")])
                #expect(mid.items == chunks(4...8) + [.terminal(status: "failed")])
                #expect(ahead.items == chunks(8...8) + [.terminal(status: "failed")])
            }
        }

        @Test(arguments: BusKind.allCases)
        func chunksAreBinarySafeText(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let run = uid("run")
                let odd = ["", "a\0b", "quote \" backslash \\ slash /", "line\nbreak\r\ttab", "\u{1}\u{1f}", "ünïcødé 🚀", "{\"seq\":99}",
                           String(repeating: "x", count: 100_000)]
                for c in odd { _ = try await bus.replayAppend(runId: run, chunk: c) }
                try await bus.replayFinish(runId: run, status: "completed")
                let r = Collector(try await bus.replayRead(runId: run, after: 0))
                try await r.waitForEnd()
                #expect(r.items == odd.enumerated().map { .chunk(seq: UInt64($0.offset + 1), data: $0.element) } + [.terminal(status: "completed")])
            }
        }

        @Test(arguments: BusKind.allCases)
        func terminalEndsLiveReadersAndLaterAppendsAreTerminated(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let run = uid("run")
                _ = try await bus.replayAppend(runId: run, chunk: "chunk-1")
                let readers = try await (0..<3).asyncMap { _ in Collector(try await bus.replayRead(runId: run, after: 0)) }
                for r in readers { try await r.waitFor(count: 1) }
                try await bus.replayFinish(runId: run, status: "completed")
                for r in readers {
                    try await r.waitForEnd()
                    #expect(r.items == chunks(1...1) + [.terminal(status: "completed")])
                }
                await expectBusError(.terminated) { try await bus.replayAppend(runId: run, chunk: "late") }
                // A second finish is a no-op: the first status stays.
                try await bus.replayFinish(runId: run, status: "failed")
                let snap = try await bus.replaySnapshot(runId: run, after: 0, limit: 10)
                #expect(snap.terminal == "completed")
                #expect(snap.chunks == [ReplayChunk(seq: 1, data: "chunk-1")])
            }
        }

        @Test(arguments: BusKind.allCases)
        func resetStartsAFreshStream(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let run = uid("run")
                for i in 1...3 { _ = try await bus.replayAppend(runId: run, chunk: "old-\(i)") }
                try await bus.replayFinish(runId: run, status: "failed")
                try await bus.replayReset(runId: run)
                #expect(try await bus.replaySnapshot(runId: run, after: 0, limit: 10) == ReplaySnapshot(firstSeq: nil, chunks: [], terminal: nil))
                #expect(try await bus.replayAppend(runId: run, chunk: "new-1") == 1)
                let snap = try await bus.replaySnapshot(runId: run, after: 0, limit: 10)
                #expect(snap.chunks == [ReplayChunk(seq: 1, data: "new-1")])
                #expect(snap.terminal == nil)
                #expect(snap.isComplete)
            }
        }

        /// Documented behaviour: the list keeps the last `replayCap` chunks; a reader from 0 starts at the first
        /// retained seq (N - cap + 1), so a consumer sees the gap as first seq > cursor + 1 and the snapshot is not complete.
        @Test(arguments: BusKind.allCases)
        func theListIsTrimmedToTheCapAndReadersStartAtTheFirstRetainedSeq(kind: BusKind) async throws {
            try await withBus(kind, testSettings { $0.replayCap = 10; $0.historyPageSize = 4 }) { bus in
                let run = uid("run")
                for i in 1...25 { _ = try await bus.replayAppend(runId: run, chunk: "chunk-\(i)") }
                let snap = try await bus.replaySnapshot(runId: run, after: 0, limit: 100)
                #expect(snap.firstSeq == 16)
                #expect(!snap.isComplete)
                #expect(snap.chunks.map(\.seq) == Array(16...25))
                #expect(try await bus.replaySnapshot(runId: run, after: 20, limit: 2).chunks.map(\.seq) == [21, 22])
                let fromZero = Collector(try await bus.replayRead(runId: run, after: 0))
                let fromTwenty = Collector(try await bus.replayRead(runId: run, after: 20))
                try await fromZero.waitFor(count: 10)
                _ = try await bus.replayAppend(runId: run, chunk: "chunk-26")
                try await bus.replayFinish(runId: run, status: "completed")
                try await fromZero.waitForEnd(); try await fromTwenty.waitForEnd()
                #expect(fromZero.items == chunks(16...26) + [.terminal(status: "completed")])
                #expect(fromTwenty.items == chunks(21...26) + [.terminal(status: "completed")])
                let after = try await bus.replaySnapshot(runId: run, after: 0, limit: 100)
                #expect(after.firstSeq == 17)   // still capped
            }
        }

        @Test(arguments: BusKind.allCases)
        func appendsRefreshTheTTLAndAnIdleBufferExpires(kind: BusKind) async throws {
            // Generous margins (TTL 4 s, steps of 2.4 s): the suite runs in parallel on 2 cores, and a
            // step that overshoots by more than the margin would expire the buffer for real.
            try await withBus(kind, testSettings { $0.replayTTLSeconds = 4 }) { bus in
                let run = uid("run")
                let started = Date()
                _ = try await bus.replayAppend(runId: run, chunk: "chunk-1")
                try await Task.sleep(for: .milliseconds(2400))
                _ = try await bus.replayAppend(runId: run, chunk: "chunk-2")       // refreshes to now + 4 s
                try await Task.sleep(for: .milliseconds(2400))                     // past the first expiry
                let alive = try await bus.replaySnapshot(runId: run, after: 0, limit: 10)
                #expect(alive.chunks.map(\.seq) == [1, 2], "the buffer expired despite a refresh")
                #expect(Date().timeIntervalSince(started) > 4.0)
                try await eventually("the idle buffer to expire", within: 8) {
                    try await bus.replaySnapshot(runId: run, after: 0, limit: 10).exists == false
                }
                // An expired run starts over at seq 1.
                #expect(try await bus.replayAppend(runId: run, chunk: "again") == 1)
            }
        }

        @Test(arguments: BusKind.allCases)
        func finishRefreshesTheTTLAndTheTerminalExpiresWithTheChunks(kind: BusKind) async throws {
            // 3 s, not 1: the suite runs beside the agent-CLI tests on 2 cores, and a 1 s TTL could lapse
            // between the finish and the snapshot that checks it.
            try await withBus(kind, testSettings { $0.replayTTLSeconds = 3 }) { bus in
                let run = uid("run")
                _ = try await bus.replayAppend(runId: run, chunk: "chunk-1")
                try await bus.replayFinish(runId: run, status: "completed")
                let snap = try await bus.replaySnapshot(runId: run, after: 0, limit: 10)
                #expect(snap.terminal == "completed" && snap.chunks.count == 1)
                try await eventually("the finished buffer to expire", within: 10) {
                    try await bus.replaySnapshot(runId: run, after: 0, limit: 10).exists == false
                }
                #expect(try await bus.replayAppend(runId: run, chunk: "again") == 1)
            }
        }
    }
}
