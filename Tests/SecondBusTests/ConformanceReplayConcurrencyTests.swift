import Foundation
import Synchronization
import Testing
@testable import SecondBus

extension Conformance {
    @Suite("replay exactly-once under concurrency") struct ReplayConcurrency {
        /// 2,000 chunks appended while readers connect at random moments with random cursors (including cursors
        /// ahead of what has been appended). Small history pages make the Redis reader page while appends go on.
        @Test(arguments: BusKind.allCases)
        func readersAtRandomCursorsSeeEachChunkOnceInOrderThenTheTerminal(kind: BusKind) async throws {
            try await withBus(kind, testSettings { $0.historyPageSize = 64 }) { bus in
                let run = uid("run")
                let n: UInt64 = 2000
                let appended = Atomic<UInt64>(0)
                try await bus.replayReset(runId: run)
                let producer = Task {
                    for i in 1...n {
                        let seq = try await bus.replayAppend(runId: run, chunk: "chunk-\(i)")
                        #expect(seq == i)
                        appended.store(seq, ordering: .relaxed)
                        if i % 10 == 0 { try await Task.sleep(for: .milliseconds(1)) }   // let readers join mid-stream
                    }
                    try await bus.replayFinish(runId: run, status: "completed")
                }
                var readers: [(cursor: UInt64, joinedAt: UInt64, collector: Collector<ReplayItem>)] = []
                for _ in 0..<10 {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 2...25)))
                    let cursor = UInt64.random(in: 0..<n)
                    let joinedAt = appended.load(ordering: .relaxed)
                    readers.append((cursor, joinedAt, Collector(try await bus.replayRead(runId: run, after: cursor))))
                }
                try await producer.value
                for r in readers {
                    try await r.collector.waitForEnd(within: 30)
                    let items = r.collector.items
                    #expect(items.count == Int(n - r.cursor) + 1, "cursor \(r.cursor), joined at \(r.joinedAt)")
                    #expect(items == chunks((r.cursor + 1)...n) + [.terminal(status: "completed")], "cursor \(r.cursor)")
                    #expect(r.collector.error == nil)
                }
                // The test only means something if readers really joined while chunks were being appended.
                #expect(readers.contains { $0.joinedAt > 0 && $0.joinedAt < n })
            }
        }

        /// Two producers on different runs and readers on both: streams never mix.
        @Test(arguments: BusKind.allCases)
        func runsAreIndependent(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let (a, b) = (uid("run"), uid("run"))
                let ra = Collector(try await bus.replayRead(runId: a, after: 0))
                let rb = Collector(try await bus.replayRead(runId: b, after: 0))
                try await withThrowingTaskGroup(of: Void.self) { g in
                    for run in [a, b] {
                        g.addTask {
                            for i in 1...200 { _ = try await bus.replayAppend(runId: run, chunk: "\(run)-\(i)") }
                            try await bus.replayFinish(runId: run, status: "completed")
                        }
                    }
                    try await g.waitForAll()
                }
                try await ra.waitForEnd(); try await rb.waitForEnd()
                #expect(ra.items == chunks(1...200) { "\(a)-\($0)" } + [.terminal(status: "completed")])
                #expect(rb.items == chunks(1...200) { "\(b)-\($0)" } + [.terminal(status: "completed")])
            }
        }
    }
}
