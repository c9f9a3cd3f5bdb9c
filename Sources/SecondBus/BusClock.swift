import Foundation

/// Time sources: wall-clock ISO-8601 for `at` fields, a monotonic clock for TTLs and backoff.
public enum BusClock {
    public static func isoNow() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
    /// Monotonic milliseconds (unaffected by wall-clock changes).
    static func nowMs() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }
}
