import Foundation

/// A small Prometheus registry: counters and latency histograms with labels. Thread-safe.
/// Label values come from route patterns, status codes and component ids — never from user input.
public final class Metrics: @unchecked Sendable {
    public static let shared = Metrics()

    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Histogram { var counts = [UInt64](repeating: 0, count: Metrics.buckets.count); var sum = 0.0; var count: UInt64 = 0 }
    private let lock = NSLock()
    private var counters: [String: [String: Double]] = [:]      // name → labels → value
    private var gauges: [String: [String: Double]] = [:]
    private var histograms: [String: [String: Histogram]] = [:]
    private var help: [String: (String, String)] = [:]           // name → (type, help)

    public init() {}

    static func labels(_ l: [(String, String)]) -> String {
        var out = ""
        for (i, (k, v)) in l.enumerated() {
            if i > 0 { out += "," }
            out += k
            out += "=\""
            out += escape(v)
            out += "\""
        }
        return out
    }

    /// Label values escaped for the text format; the common case (nothing to escape) copies nothing.
    static func escape(_ v: String) -> String {
        guard v.utf8.contains(where: { $0 == 92 || $0 == 34 || $0 == 10 }) else { return v }
        var out = ""
        for c in v.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    public func increment(_ name: String, _ help: String, labels: [(String, String)] = [], by v: Double = 1) {
        let key = Self.labels(labels)
        lock.lock(); defer { lock.unlock() }
        self.help[name] = ("counter", help)
        counters[name, default: [:]][key, default: 0] += v
    }

    public func set(_ name: String, _ help: String, labels: [(String, String)] = [], _ v: Double) {
        let key = Self.labels(labels)
        lock.lock(); defer { lock.unlock() }
        self.help[name] = ("gauge", help)
        gauges[name, default: [:]][key] = v
    }

    public func add(_ name: String, _ help: String, labels: [(String, String)] = [], _ delta: Double) {
        let key = Self.labels(labels)
        lock.lock(); defer { lock.unlock() }
        self.help[name] = ("gauge", help)
        gauges[name, default: [:]][key, default: 0] += delta
    }

    public func observe(_ name: String, _ help: String, labels: [(String, String)] = [], seconds: Double) {
        let key = Self.labels(labels)
        lock.lock(); defer { lock.unlock() }
        self.help[name] = ("histogram", help)
        var h = histograms[name, default: [:]][key] ?? Histogram()
        for (i, b) in Self.buckets.enumerated() where seconds <= b { h.counts[i] += 1 }
        h.sum += seconds
        h.count += 1
        histograms[name, default: [:]][key] = h
    }

    public func counter(_ name: String, labels: [(String, String)] = []) -> Double {
        lock.lock(); defer { lock.unlock() }
        return counters[name]?[Self.labels(labels)] ?? 0
    }

    /// Prometheus text exposition format 0.0.4.
    public func render() -> String {
        lock.lock(); defer { lock.unlock() }
        var out = ""
        for name in help.keys.sorted() {
            let (type, text) = help[name]!
            out += "# HELP \(name) \(text)\n# TYPE \(name) \(type)\n"
            func brace(_ k: String) -> String { k.isEmpty ? "" : "{\(k)}" }
            for (k, v) in (counters[name] ?? [:]).sorted(by: { $0.key < $1.key }) { out += "\(name)\(brace(k)) \(format(v))\n" }
            for (k, v) in (gauges[name] ?? [:]).sorted(by: { $0.key < $1.key }) { out += "\(name)\(brace(k)) \(format(v))\n" }
            for (k, h) in (histograms[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let sep = k.isEmpty ? "" : ","
                for (i, b) in Self.buckets.enumerated() { out += "\(name)_bucket{\(k)\(sep)le=\"\(b)\"} \(h.counts[i])\n" }
                out += "\(name)_bucket{\(k)\(sep)le=\"+Inf\"} \(h.count)\n\(name)_sum\(brace(k)) \(h.sum)\n\(name)_count\(brace(k)) \(h.count)\n"
            }
        }
        return out
    }

    private func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }
}
