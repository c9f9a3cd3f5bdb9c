import Testing
@testable import SecondBus

/// The plain values behind the in-process bus and the Redis seq floor.
@Suite("in-memory values") struct InMemoryValuesTests {
    @Test func replayBufferTrimsToTheCapAndCompacts() throws {
        var b = ReplayBuffer(expiresAtMs: 0)
        for i in 1...3000 { #expect(try b.append("c\(i)", cap: 10, expiresAtMs: 100) == UInt64(i)) }
        #expect(b.firstSeq == 2991 && b.retained.count == 10)
        #expect(b.chunks(after: 0, limit: 3).map(\.seq) == [2991, 2992, 2993])
        #expect(b.chunks(after: 2995, limit: 100).map(\.seq) == [2996, 2997, 2998, 2999, 3000])
        #expect(b.chunks(after: 3000, limit: 100).isEmpty && b.chunks(after: 9999, limit: 1).isEmpty)
        #expect(b.isExpired(atMs: 100) && !b.isExpired(atMs: 99))
        let first = b.finish(status: "completed", expiresAtMs: 500)
        let second = b.finish(status: "failed", expiresAtMs: 900)
        #expect(first && !second)
        #expect(b.terminal == "completed" && b.expiresAtMs == 500)
        #expect(throws: BusError.terminated) { _ = try b.append("late", cap: 10, expiresAtMs: 1000) }
    }

    @Test func expiringValuesHonourDeadlines() {
        var v = ExpiringValues()
        v.set("a", "1", expiresAtMs: 100)
        #expect(v.get("a", atMs: 99) == "1" && v.get("a", atMs: 100) == nil)
        let whileHeld = v.setIfAbsent("a", "2", expiresAtMs: 200, atMs: 50)
        let afterExpiry = v.setIfAbsent("a", "2", expiresAtMs: 200, atMs: 150)
        #expect(!whileHeld && afterExpiry)
        let wrong = v.removeIfEqual("a", "1", atMs: 150)
        let right = v.removeIfEqual("a", "2", atMs: 150)
        #expect(!wrong && right)
        v.set("b", "x", expiresAtMs: 100)
        let taken = v.take("b", atMs: 10), again = v.take("b", atMs: 10)
        #expect(taken == "x" && again == nil)
        v.set("c", "x", expiresAtMs: 100)
        v.sweep(atMs: 100)
        #expect(v.count == 0)
    }

    @Test func seqFloorsOnlyRiseAndExpireWithTheTTL() {
        var f = SeqFloors()
        f.note("r", seq: 10, atMs: 0, ttlMs: 1000)
        f.note("r", seq: 4, atMs: 10, ttlMs: 1000)         // a stale, lower seq never lowers the floor
        #expect(f.floor("r", atMs: 500) == 10)
        #expect(f.floor("r", atMs: 1010) == 0)
        f.note("r", seq: 12, atMs: 20, ttlMs: 1000)
        f.reset("r")
        #expect(f.floor("r", atMs: 30) == 0)
        f.note("old", seq: 1, atMs: 0, ttlMs: 10)
        f.note("new", seq: 1, atMs: 100_000, ttlMs: 10)    // the next note after a minute sweeps expired runs
        #expect(f.count == 1)
    }

    @Test func validationRules() {
        #expect(throws: Never.self) { try Validate.key("oauth:state:abc-_.~!", "key") }
        #expect(throws: Never.self) { try Validate.key(String(repeating: "ü", count: 128), "key") }
        for bad in ["", "a b", "a\u{85}", "\u{200B}x".replacingOccurrences(of: "\u{200B}", with: "\u{3000}"), "x\u{1b}"] {
            #expect(throws: BusError.self) { try Validate.key(bad, "key") }
        }
        #expect(throws: Never.self) { try Validate.payload(String(repeating: "a", count: 1 << 20), "p") }
        #expect(throws: BusError.self) { try Validate.payload(String(repeating: "a", count: (1 << 20) + 1), "p") }
        #expect(throws: BusError.self) { try Validate.event(WorkspaceEvent(type: "t", workspaceId: "w", scope: "s", at: "")) }
        var v2 = WorkspaceEvent(type: "t", workspaceId: "w", scope: "s")
        v2.version = 2
        #expect(throws: BusError.self) { try Validate.event(v2) }
    }
}
