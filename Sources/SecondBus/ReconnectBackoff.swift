/// Exponential reconnect backoff as a plain value (no clock of its own, no I/O): after the n-th consecutive
/// failure the next attempt waits base·2^(n-1), capped. A success resets it.
struct ReconnectBackoff: Sendable, Equatable {
    let baseMs: UInt64
    let capMs: UInt64
    private(set) var failures = 0
    private(set) var nextAttemptAtMs: UInt64 = 0

    init(baseMs: Int, capMs: Int) {
        self.baseMs = UInt64(max(1, baseMs)); self.capMs = UInt64(max(baseMs, capMs))
    }

    /// The wait after the current number of failures (0 when none).
    var delayMs: UInt64 {
        guard failures > 0 else { return 0 }
        let shift = min(failures - 1, 32)
        return min(capMs, baseMs << UInt64(shift))
    }

    func mayAttempt(atMs now: UInt64) -> Bool { now >= nextAttemptAtMs }
    func waitMs(atMs now: UInt64) -> UInt64 { nextAttemptAtMs > now ? nextAttemptAtMs - now : 0 }

    mutating func failed(atMs now: UInt64) {
        failures += 1
        nextAttemptAtMs = now + delayMs
    }

    mutating func succeeded() { failures = 0; nextAttemptAtMs = 0 }
}
