// JSON output and strict JSON input for ConfigNode. Hand-written rather than
// JSONSerialization so key order, int/double distinction and byte-offset
// errors are under our control.

extension ConfigNode {
    /// Valid JSON. Non-finite doubles (YAML `.inf`, `.nan`) have no JSON form and are written as `null`.
    public func toJSONString(sortedKeys: Bool = false, pretty: Bool = false) -> String {
        var out = ""
        writeJSON(into: &out, sortedKeys: sortedKeys, pretty: pretty, indent: 0)
        return out
    }

    private func writeJSON(into out: inout String, sortedKeys: Bool, pretty: Bool, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += ConfigNode.jsonNumber(d)
        case .string(let s): ConfigNode.writeJSONString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                if pretty { ConfigNode.newline(&out, indent + 1) }
                item.writeJSON(into: &out, sortedKeys: sortedKeys, pretty: pretty, indent: indent + 1)
            }
            if pretty { ConfigNode.newline(&out, indent) }
            out += "]"
        case .object(let entries):
            if entries.isEmpty { out += "{}"; return }
            let ordered = sortedKeys ? entries.sorted { $0.key < $1.key } : entries
            out += "{"
            for (n, entry) in ordered.enumerated() {
                if n > 0 { out += "," }
                if pretty { ConfigNode.newline(&out, indent + 1) }
                ConfigNode.writeJSONString(entry.key, into: &out)
                out += pretty ? ": " : ":"
                entry.value.writeJSON(into: &out, sortedKeys: sortedKeys, pretty: pretty, indent: indent + 1)
            }
            if pretty { ConfigNode.newline(&out, indent) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    static func jsonNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        // Swift's shortest round-trip form ("1.0", "1e-05", "5e+20") is valid JSON.
        return "\(d)"
    }

    /// Escapes quotes, backslashes and control characters; everything else,
    /// including non-ASCII, is emitted as UTF-8.
    static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Strict RFC 8259 JSON. Integers without fraction or exponent become `.int`
    /// (or `.double` if they overflow Int64); other numbers `.double`.
    /// Throws a `ConfigDiagnostic` naming the byte offset of the problem.
    public static func parseJSON(_ text: String) throws -> ConfigNode {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }
}

/// Recursive-descent JSON parser over UTF-8 bytes.
struct JSONParser {
    let bytes: [UInt8]
    var pos = 0
    static let maxDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> ConfigNode {
        // A leading BOM is tolerated, as RFC 8259 allows.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        skipWhitespace()
        let node = try parseValue(depth: 0)
        skipWhitespace()
        if pos < bytes.count { throw error("unexpected \(describeCurrent()) after the JSON value") }
        return node
    }

    private func error(_ message: String, at offset: Int? = nil) -> ConfigDiagnostic {
        ConfigDiagnostic(mark: nil, message: "invalid JSON at byte offset \(offset ?? pos): \(message)")
    }

    private func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of input" }
        let b = bytes[pos]
        if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> ConfigNode {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard pos < bytes.count else { throw error("expected a value, got end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return ConfigNode(.string(try parseString()))
        case UInt8(ascii: "t"): try expectLiteral("true"); return ConfigNode(.bool(true))
        case UInt8(ascii: "f"): try expectLiteral("false"); return ConfigNode(.bool(false))
        case UInt8(ascii: "n"): try expectLiteral("null"); return ConfigNode(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("expected a value, got \(describeCurrent())")
        }
    }

    private mutating func expectLiteral(_ word: String) throws {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
            throw error("invalid literal (expected \(word))")
        }
        pos += w.count
    }

    private mutating func parseObject(depth: Int) throws -> ConfigNode {
        pos += 1
        var entries: [ConfigEntry] = []
        var seen = Set<String>()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return ConfigNode(.object([])) }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error("expected a string key, got \(describeCurrent())")
            }
            let keyOffset = pos
            let key = try parseString()
            guard seen.insert(key).inserted else { throw error("duplicate key \"\(key)\"", at: keyOffset) }
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw error("expected ':' after key, got \(describeCurrent())")
            }
            pos += 1
            skipWhitespace()
            entries.append(ConfigEntry(key: key, value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unterminated object, expected ',' or '}'") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return ConfigNode(.object(entries)) }
            throw error("expected ',' or '}' in object, got \(describeCurrent())")
        }
    }

    private mutating func parseArray(depth: Int) throws -> ConfigNode {
        pos += 1
        var items: [ConfigNode] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return ConfigNode(.array([])) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unterminated array, expected ',' or ']'") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return ConfigNode(.array(items)) }
            throw error("expected ',' or ']' in array, got \(describeCurrent())")
        }
    }

    private mutating func parseString() throws -> String {
        let start = pos
        pos += 1
        var buffer: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; break }
            if b < 0x20 { throw error("unescaped control character in string") }
            if b != UInt8(ascii: "\\") { buffer.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { throw error("unterminated escape", at: pos - 1) }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                let escapeOffset = pos - 2
                var code = try parseHex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired high surrogate in \\u escape", at: escapeOffset)
                    }
                    pos += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("invalid low surrogate in \\u escape", at: escapeOffset)
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw error("unpaired low surrogate in \\u escape", at: escapeOffset)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape", at: escapeOffset) }
                buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: pos - 2)
            }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + digit
            pos += 1
        }
        return v
    }

    private mutating func parseNumber() throws -> ConfigNode {
        let start = pos
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard isDigit(pos) else { throw error("expected a digit", at: pos) }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if isDigit(pos) { throw error("leading zeros are not allowed in numbers", at: start) }
        } else {
            while isDigit(pos) { pos += 1 }
        }
        var isInteger = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard isDigit(pos) else { throw error("expected a digit after '.'") }
            while isDigit(pos) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard isDigit(pos) else { throw error("expected a digit in exponent") }
            while isDigit(pos) { pos += 1 }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if isInteger, let i = Int64(text) { return ConfigNode(.int(i)) }
        guard let d = Double(text) else { throw error("invalid number", at: start) }
        return ConfigNode(.double(d))
    }
}
