import Foundation

/// A validated `spawn` request (the JSON of host->spawn). Parsing is pure and tested without I/O.
struct ProcessSpec: Equatable {
    var argv: [String]
    var env: [String: String]
    var cwd: String?
    var stdinPipe: Bool
    var timeoutMs: UInt64?
    var killGraceMs: UInt64
    var maxLineBytes: Int
    var lines: Bool

    struct Invalid: Error { let message: String }

    static func parse(_ json: [UInt8]) throws -> ProcessSpec {
        guard let obj = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else {
            throw Invalid(message: "spawn spec is not a JSON object")
        }
        guard let argv = obj["argv"] as? [String], let first = argv.first, !first.isEmpty else {
            throw Invalid(message: "spawn spec /argv must be a non-empty array of strings")
        }
        if argv.contains(where: { $0.utf8.contains(0) }) { throw Invalid(message: "spawn spec /argv contains a NUL byte") }
        var env: [String: String] = [:]
        if let e = obj["env"] {
            guard let dict = e as? [String: Any] else { throw Invalid(message: "spawn spec /env must be an object of strings") }
            for (k, v) in dict {
                guard let s = v as? String else { throw Invalid(message: "spawn spec /env/\(k) must be a string") }
                guard !k.isEmpty, !k.contains("="), !k.utf8.contains(0), !s.utf8.contains(0) else {
                    throw Invalid(message: "spawn spec /env has an invalid variable name or value at \"\(k)\"")
                }
                env[k] = s
            }
        }
        let cwd = obj["cwd"] as? String
        if obj["cwd"] != nil && cwd == nil { throw Invalid(message: "spawn spec /cwd must be a string") }
        let stdin = (obj["stdin"] as? String) ?? "null"
        guard stdin == "pipe" || stdin == "null" else { throw Invalid(message: "spawn spec /stdin must be \"pipe\" or \"null\"") }
        func uint(_ key: String) throws -> UInt64? {
            guard let v = obj[key] else { return nil }
            guard let n = v as? NSNumber, n.doubleValue >= 0, n.doubleValue == n.doubleValue.rounded() else {
                throw Invalid(message: "spawn spec /\(key) must be a non-negative integer")
            }
            return n.uint64Value
        }
        let timeout = try uint("timeout_ms")
        let grace = try uint("kill_grace_ms") ?? 2000
        let maxLine = Int(min(try uint("max_line_bytes") ?? 1 << 20, 64 << 20))
        let lines = (obj["lines"] as? Bool) ?? true
        return ProcessSpec(argv: argv, env: env, cwd: cwd, stdinPipe: stdin == "pipe", timeoutMs: timeout == 0 ? nil : timeout,
                           killGraceMs: grace, maxLineBytes: max(maxLine, 1), lines: lines)
    }
}

/// Splits a byte stream into lines (without "\n"), cutting lines longer than `max`.
struct LineSplitter {
    let max: Int
    private(set) var pending: [UInt8] = []

    init(max: Int) { self.max = max }

    mutating func feed(_ chunk: ArraySlice<UInt8>) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for b in chunk {
            if b == UInt8(ascii: "\n") {
                out.append(pending); pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(b)
                if pending.count >= max { out.append(pending); pending.removeAll(keepingCapacity: true) }
            }
        }
        return out
    }

    mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : pending
    }
}
