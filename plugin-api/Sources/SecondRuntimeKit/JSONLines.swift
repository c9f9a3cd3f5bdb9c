import Foundation
import SecondPluginKit

// JSON Lines helpers for runtime drivers: parse one CLI stdout line, build and serialize normalized events.

extension JSONValue {
    /// Parses one line as a JSON value; nil when it is not valid JSON (a torn or non-JSON line).
    public static func parse(line: String) -> JSONValue? {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
    }
    /// Parses one line and requires a JSON object.
    public static func parseObject(line: String) -> [String: JSONValue]? {
        if case .object(let o)? = parse(line: line) { return o }
        return nil
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
    /// An integral number (JSON numbers decode as Double).
    public var intValue: Int? {
        if case .number(let n) = self, n.isFinite, n == n.rounded(), abs(n) < 9.0e15 { return Int(n) }
        return nil
    }
    /// Follows a path of object keys; nil when any step is missing.
    public func at(_ path: String...) -> JSONValue? {
        var cur: JSONValue? = self
        for k in path { cur = cur?[k] }
        return cur
    }

    /// Compact serialization with sorted keys, no escaped slashes, integral numbers without ".0".
    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n):
            if !n.isFinite { out += "null" }
            else if n == n.rounded(), abs(n) < 9.0e15 { out += String(Int64(n)) }
            else { out += "\(n)" }
        case .string(let s): out += jsonQuoted(s)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; v.write(to: &out) }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += jsonQuoted(k); out += ":"; o[k]!.write(to: &out)
            }
            out += "}"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o: [String: JSONValue] = [:]
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    public static func str(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    public static func num(_ d: Double?) -> JSONValue { d.map { .number($0) } ?? .null }
    public static func int(_ i: Int?) -> JSONValue { i.map { .number(Double($0)) } ?? .null }
}

/// Normalized (§17) event builders. Every event carries "v":1.
public enum NormalizedEvent {
    public static func make(_ type: String, _ fields: [String: JSONValue] = [:]) -> JSONValue {
        var o = fields
        o["type"] = .string(type)
        o["v"] = 1
        return .object(o)
    }
    /// Adds "v":1 to a CLI event that already has the normalized shape.
    public static func passthrough(_ o: [String: JSONValue]) -> JSONValue {
        var o = o
        o["v"] = 1
        return .object(o)
    }
    public static func systemInit(sessionId: String, runtimeId: String, format: String, model: String? = nil) -> JSONValue {
        var f: [String: JSONValue] = [
            "subtype": "init", "session_id": .string(sessionId),
            "providerSessionState": ["runtimeId": .string(runtimeId), "sessionId": .string(sessionId), "format": .string(format)],
        ]
        if let model { f["model"] = .string(model) }
        return make("system", f)
    }
    public static func assistant(_ content: [JSONValue], model: String? = nil) -> JSONValue {
        var m: [String: JSONValue] = ["role": "assistant", "content": .array(content)]
        if let model { m["model"] = .string(model) }
        return make("assistant", ["message": .object(m)])
    }
    public static func text(_ t: String) -> JSONValue { ["type": "text", "text": .string(t)] }
    public static func thinking(_ t: String) -> JSONValue { ["type": "thinking", "thinking": .string(t)] }
    public static func toolUse(id: String, name: String, input: JSONValue) -> JSONValue {
        ["type": "tool_use", "id": .string(id), "name": .string(name), "input": input]
    }
    public static func toolResult(toolUseId: String, content: JSONValue, isError: Bool) -> JSONValue {
        make("user", ["message": ["role": "user", "content": [
            ["type": "tool_result", "tool_use_id": .string(toolUseId), "content": content, "is_error": .bool(isError)],
        ]]])
    }
    public static func toolOutputDelta(toolUseId: String, toolName: String, delta: String, output: String, status: String) -> JSONValue {
        make("tool_output_delta", ["tool_use_id": .string(toolUseId), "toolName": .string(toolName), "delta": .string(delta),
                                   "output": .string(output), "status": .string(status)])
    }
    public static func summary(_ s: String) -> JSONValue { make("tool_use_summary", ["summary": .string(s)]) }
    public static func error(_ message: String) -> JSONValue { make("error", ["error": .string(message)]) }
}

/// Splits raw output chunks into lines (for spawns with "lines": false). The remainder after the
/// last newline is kept until more data arrives or `finish()` returns it (a possibly torn line).
public struct LineAssembler: Sendable {
    private var pending: [UInt8] = []
    public let maxLineBytes: Int
    public init(maxLineBytes: Int = 8 << 20) { self.maxLineBytes = maxLineBytes }

    public mutating func feed(_ bytes: [UInt8]) -> [String] {
        var lines: [String] = []
        for b in bytes {
            if b == 10 {
                if pending.last == 13 { pending.removeLast() }
                lines.append(String(decoding: pending, as: UTF8.self)); pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(b)
                if pending.count >= maxLineBytes { lines.append(String(decoding: pending, as: UTF8.self)); pending.removeAll() }
            }
        }
        return lines
    }
    public mutating func finish() -> String? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}

/// Holds back a line that did not parse until the next line arrives: then it was a real non-JSON
/// line; if the stream ends first it was a torn last line and is dropped.
public struct TornLineGuard: Sendable {
    public private(set) var held: String?
    public init() {}
    /// Returns the previously held line (now known not to be the last one), holding `line` instead.
    public mutating func hold(_ line: String) -> String? { defer { held = line }; return held }
    /// A parsable line arrived: the held line (if any) was a real non-JSON line.
    public mutating func release() -> String? { defer { held = nil }; return held }
    /// End of stream: whatever is held was torn.
    public mutating func dropTorn() -> String? { defer { held = nil }; return held }
}
