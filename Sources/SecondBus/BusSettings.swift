/// Tunables for both implementations. Defaults follow server-spec §10 (TTL 3600 s, cap 5000).
public struct BusSettings: Sendable, Equatable {
    public var replayTTLSeconds = 3600       // refreshed on every append and on finish
    public var replayCap = 5000              // list trimmed to the last `replayCap` chunks
    public var poolSize = 4                  // Redis: command connections (one thread each)
    public var connectTimeoutMs = 1000       // Redis: TCP connect
    public var commandTimeoutMs = 5000       // Redis: socket read/write; a timed-out connection is dropped
    public var backoffBaseMs = 50            // Redis: first reconnect delay, doubled per failure…
    public var backoffCapMs = 2000           // …up to this cap
    public var historyPageSize = 500         // Redis: chunks per history read

    public init(replayTTLSeconds: Int = 3600, replayCap: Int = 5000, poolSize: Int = 4, connectTimeoutMs: Int = 1000,
                commandTimeoutMs: Int = 5000, backoffBaseMs: Int = 50, backoffCapMs: Int = 2000, historyPageSize: Int = 500) {
        self.replayTTLSeconds = replayTTLSeconds; self.replayCap = replayCap; self.poolSize = poolSize
        self.connectTimeoutMs = connectTimeoutMs; self.commandTimeoutMs = commandTimeoutMs
        self.backoffBaseMs = backoffBaseMs; self.backoffCapMs = backoffCapMs; self.historyPageSize = historyPageSize
    }

    func validated() throws(BusError) -> BusSettings {
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("replayTTLSeconds", replayTTLSeconds, 1...(30 * 86_400)), ("replayCap", replayCap, 1...1_000_000),
            ("poolSize", poolSize, 1...64), ("connectTimeoutMs", connectTimeoutMs, 1...60_000),
            ("commandTimeoutMs", commandTimeoutMs, 1...600_000), ("backoffBaseMs", backoffBaseMs, 1...60_000),
            ("backoffCapMs", backoffCapMs, backoffBaseMs...600_000), ("historyPageSize", historyPageSize, 1...5000),
        ]
        for (name, value, range) in checks where !range.contains(value) {
            throw .invalid("setting \(name)=\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return self
    }
}

/// Hard limits shared by both implementations.
public enum BusLimits {
    public static let maxKeyBytes = 256
    public static let maxPayloadBytes = 1 << 20
}
