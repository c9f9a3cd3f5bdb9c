import Foundation
import Testing
import SecondCore
@testable import SecondServer

/// The worker's pieces as plain values: session rules (§16), broker sessions, SSE parsing, key checks.
@Suite struct WorkerUnitTests {
    @Test func sessionStateFollowsTheGetOrCreateRules() {
        let live: JSON = ["runtimeId": "claude", "sessionId": "s1", "data": "compacted"]
        // Same (runtimeId, sessionId): the live (possibly compacted) state wins.
        #expect(SessionManager.merge(live: live, passed: ["runtimeId": "claude", "sessionId": "s1"]) == live)
        // A different provider session replaces it; null clears it; not given keeps it.
        let other: JSON = ["runtimeId": "codex", "sessionId": "t9"]
        #expect(SessionManager.merge(live: live, passed: other) == other)
        #expect(SessionManager.merge(live: live, passed: .null) == nil)
        #expect(SessionManager.merge(live: live, passed: nil) == live)
    }

    @Test func oneTurnAtATimeAndResumeAfterTheTurn() {
        let m = SessionManager(idleSeconds: 60)
        guard case .started(let t) = m.acquire(key: "k", runtimeId: "claude", state: nil) else { Issue.record("not started"); return }
        if case .busy = m.acquire(key: "k", runtimeId: "claude", state: nil) {} else { Issue.record("a second turn started") }
        #expect(m.counts == (1, 1))
        m.finish(key: "k", turn: t, runtimeId: "claude", outcome: .init(status: .completed, runtimeSessionId: "sess-1"), format: "claude-jsonl")
        guard case .started(let t2) = m.acquire(key: "k", runtimeId: "claude", state: nil) else { Issue.record("not started"); return }
        #expect(m.resumeId(key: "k", runtimeId: "claude") == "sess-1")
        #expect(m.resumeId(key: "k", runtimeId: "codex") == nil, "another runtime's session is never resumed")
        #expect(m.cancel(key: "k", runId: "other") == false)
        #expect(m.cancel(key: "k") == true && t2.wasCancelled)
    }

    @Test func idleSessionsExpire() {
        let clock = Clock()
        let m = SessionManager(idleSeconds: 10, now: { clock.now })
        guard case .started(let t) = m.acquire(key: "k", runtimeId: "claude", state: nil) else { return }
        clock.now += 60
        m.sweep()
        #expect(m.status(key: "k") != nil, "a busy session never expires")
        m.finish(key: "k", turn: t, runtimeId: "claude", outcome: .init(status: .completed), format: "x")
        clock.now += 11
        #expect(m.status(key: "k") == nil)
    }

    final class Clock: @unchecked Sendable { var now = Date(timeIntervalSince1970: 1_000_000) }
}
