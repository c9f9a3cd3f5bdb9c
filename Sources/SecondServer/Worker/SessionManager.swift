import Foundation
import SecondCore

/// The worker's sessions (spec §16), keyed by session key. One turn at a time per session; an idle
/// session is forgotten after the TTL (its folder stays). Provider session state follows §16:
/// a passed state replaces the live one unless it names the same (runtimeId, sessionId); null clears it.
final class SessionManager: @unchecked Sendable {
    struct Session {
        var key: String
        var runtimeId: String
        var providerState: JSON?
        var createdAt: Date
        var lastActiveAt: Date
        var turn: TurnRunner?
        var runId: String?
    }

    enum Acquire { case started(TurnRunner), busy }

    private let lock = NSLock()
    private var sessions: [String: Session] = [:]
    let idleSeconds: TimeInterval
    let now: @Sendable () -> Date

    init(idleSeconds: Int, now: @escaping @Sendable () -> Date = { Date() }) {
        self.idleSeconds = TimeInterval(idleSeconds)
        self.now = now
    }

    /// Starts a turn on `key` unless one is running. `state`: nil = not given (keep), .null = clear.
    func acquire(key: String, runtimeId: String, state: JSON?, runId: String? = nil) -> Acquire {
        lock.lock(); defer { lock.unlock() }
        sweepLocked()
        let t = now()
        var s = sessions[key] ?? Session(key: key, runtimeId: runtimeId, providerState: nil, createdAt: t, lastActiveAt: t)
        if s.turn != nil { return .busy }
        s.providerState = Self.merge(live: s.providerState, passed: state)
        s.runtimeId = runtimeId
        s.lastActiveAt = t
        let turn = TurnRunner()
        s.turn = turn
        s.runId = runId
        sessions[key] = s
        return .started(turn)
    }

    /// §16 getOrCreate rule, as a pure function.
    static func merge(live: JSON?, passed: JSON?) -> JSON? {
        guard let passed else { return live }
        if passed == .null { return nil }
        if let live, live["runtimeId"] == passed["runtimeId"], live["sessionId"] == passed["sessionId"], passed["sessionId"] != nil { return live }
        return passed
    }

    /// The runtime session id to resume with, when the live state belongs to `runtimeId`.
    func resumeId(key: String, runtimeId: String) -> String? {
        lock.lock(); defer { lock.unlock() }
        guard let st = sessions[key]?.providerState, st["runtimeId"]?.string == runtimeId else { return nil }
        return st["sessionId"]?.string
    }

    /// Ends the turn; records the runtime's session id for the next turn's resume.
    func finish(key: String, turn: TurnRunner, runtimeId: String, outcome: TurnRunner.Outcome, format: String) {
        lock.lock(); defer { lock.unlock() }
        guard var s = sessions[key], s.turn === turn else { return }
        s.turn = nil
        s.runId = nil
        s.lastActiveAt = now()
        if let sid = outcome.runtimeSessionId {
            s.providerState = ["runtimeId": .string(runtimeId), "sessionId": .string(sid), "format": .string(format)]
        }
        sessions[key] = s
    }

    /// Cancels the running turn (optionally only if it serves `runId`). Returns whether one was cancelled.
    func cancel(key: String, runId: String? = nil) -> Bool {
        lock.lock()
        guard let s = sessions[key], let turn = s.turn, runId == nil || s.runId == runId else { lock.unlock(); return false }
        lock.unlock()
        turn.cancel()
        return true
    }

    /// Cancels and forgets the session.
    func remove(key: String) -> Bool {
        lock.lock(); let s = sessions.removeValue(forKey: key); lock.unlock()
        s?.turn?.cancel()
        return s != nil
    }

    func status(key: String) -> JSON? {
        lock.lock(); defer { lock.unlock() }
        sweepLocked()
        guard let s = sessions[key] else { return nil }
        let ttl = s.turn != nil ? idleSeconds : max(0, idleSeconds - now().timeIntervalSince(s.lastActiveAt))
        let f = ISO8601DateFormatter()
        return ["exists": true, "status": .string(s.turn != nil ? "busy" : "idle"), "runtimeId": .string(s.runtimeId),
                "sessionState": s.providerState ?? .null, "ttlRemainingMs": .int(Int64(ttl * 1000)),
                "createdAt": .string(f.string(from: s.createdAt)), "lastActiveAt": .string(f.string(from: s.lastActiveAt))]
    }

    /// Counts only (for the unauthenticated /healthz: never session contents, W2).
    var counts: (sessions: Int, busy: Int) {
        lock.lock(); defer { lock.unlock() }
        return (sessions.count, sessions.values.filter { $0.turn != nil }.count)
    }

    /// Forgets idle sessions past the TTL. Caller holds the lock.
    private func sweepLocked() {
        let t = now()
        sessions = sessions.filter { $0.value.turn != nil || t.timeIntervalSince($0.value.lastActiveAt) < idleSeconds }
    }

    func sweep() { lock.lock(); sweepLocked(); lock.unlock() }
}
