import Foundation

/// Levels shared by host and plugin logs (raw values equal SECOND_LOG_*).
public enum LogLevel: Int32, Sendable, Comparable, CaseIterable {
    case trace = 0, debug, info, warn, error
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public var name: String { ["trace", "debug", "info", "warn", "error"][Int(rawValue)] }
    public init?(name: String) {
        guard let l = LogLevel.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = l
    }
}

/// Structured JSON-lines logging to stderr (stdout is reserved for command output).
/// Tests swap the writer to capture lines.
public final class Logger: @unchecked Sendable {
    public static let shared = Logger()

    private let lock = NSLock()
    private var minimum: LogLevel = .info
    private var writer: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public var level: LogLevel {
        get { lock.lock(); defer { lock.unlock() }; return minimum }
        set { lock.lock(); minimum = newValue; lock.unlock() }
    }

    public func setWriter(_ w: @escaping @Sendable (String) -> Void) { lock.lock(); writer = w; lock.unlock() }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    /// Writes `{"ts":..., "level":..., "msg":..., <fields>}`. Fields are strings; callers never pass secrets.
    public func log(_ level: LogLevel, _ message: String, _ fields: [String: String] = [:]) {
        guard isEnabled(level) else { return }
        var obj: [String: String] = fields
        obj["ts"] = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        obj["level"] = level.name
        obj["msg"] = message
        let line = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? message
        lock.lock(); let w = writer; lock.unlock()
        w(line)
    }

    public func info(_ m: String, _ f: [String: String] = [:]) { log(.info, m, f) }
    public func warn(_ m: String, _ f: [String: String] = [:]) { log(.warn, m, f) }
    public func error(_ m: String, _ f: [String: String] = [:]) { log(.error, m, f) }
    public func debug(_ m: String, _ f: [String: String] = [:]) { log(.debug, m, f) }
}
