import Foundation
import Testing
@testable import SecondBus

extension Conformance {
    @Suite("input validation") struct Validation {
        static let badKeys = ["", " ", "a b", "tab\there", "new\nline", "nul\0", "del\u{7f}", "nbsp\u{a0}", "ls\u{2028}",
                              String(repeating: "k", count: 257), String(repeating: "é", count: 129)]

        @Test(arguments: BusKind.allCases)
        func badKeysAndIdsAreInvalidEverywhere(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                for k in Self.badKeys {
                    await expectInvalid { try await bus.putState(key: k, value: "v", ttlMs: 1000) }
                    await expectInvalid { try await bus.takeState(key: k) }
                    await expectInvalid { try await bus.acquireLock(key: k, ttlMs: 1000) }
                    await expectInvalid { try await bus.releaseLock(key: k, token: "t") }
                    await expectInvalid { try await bus.releaseLock(key: "k", token: k) }
                    await expectInvalid { try await bus.replayReset(runId: k) }
                    await expectInvalid { try await bus.replayAppend(runId: k, chunk: "c") }
                    await expectInvalid { try await bus.replayFinish(runId: k, status: "completed") }
                    await expectInvalid { try await bus.replayFinish(runId: "r", status: k) }
                    await expectInvalid { try await bus.replayRead(runId: k, after: 0) }
                    await expectInvalid { try await bus.replaySnapshot(runId: k, after: 0, limit: 1) }
                    await expectInvalid { try await bus.subscribe(workspaceId: k) }
                    await expectInvalid { try await bus.publish(WorkspaceEvent(type: "app.updated", workspaceId: k, scope: "apps")) }
                    await expectInvalid { try await bus.publish(WorkspaceEvent(type: "app.updated", workspaceId: "w", scope: "apps", appId: k)) }
                }
                await expectInvalid { try await bus.publish(WorkspaceEvent(type: "", workspaceId: "w", scope: "apps")) }
            }
        }

        @Test(arguments: BusKind.allCases)
        func limitsAreInclusive(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let longest = uid("k") + String(repeating: "k", count: 256 - 38)
                #expect(longest.utf8.count == 256)
                try await bus.putState(key: longest, value: String(repeating: "v", count: 1 << 20), ttlMs: 10_000)
                #expect(try await bus.takeState(key: longest)?.utf8.count == 1 << 20)
                let run = uid("run")
                #expect(try await bus.replayAppend(runId: run, chunk: String(repeating: "c", count: 1 << 20)) == 1)
            }
        }

        @Test(arguments: BusKind.allCases)
        func oversizedPayloadsAndBadTTLsAreInvalid(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let big = String(repeating: "x", count: (1 << 20) + 1)
                await expectInvalid { try await bus.replayAppend(runId: uid("run"), chunk: big) }
                await expectInvalid { try await bus.putState(key: uid("k"), value: big, ttlMs: 1000) }
                for ttl in [0, -1] {
                    await expectInvalid { try await bus.putState(key: uid("k"), value: "v", ttlMs: ttl) }
                    await expectInvalid { try await bus.acquireLock(key: uid("k"), ttlMs: ttl) }
                }
                // Nothing was written by the rejected append.
                let run = uid("run")
                await expectInvalid { try await bus.replayAppend(runId: run, chunk: big) }
                let seq = try await bus.replayAppend(runId: run, chunk: "ok")
                #expect(seq == 1)
            }
        }
    }
}
