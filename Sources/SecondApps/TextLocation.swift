import Foundation
import SecondCore

/// Where a JSON text first goes wrong: byte offset plus 1-based line and column (columns count
/// characters, not bytes), so the builder gets "line 3, column 8" instead of a decoder dump.
public struct TextLocation: Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let line: Int
    public let column: Int
    public var description: String { "line \(line), column \(column)" }

    init(offset: Int, in bytes: [UInt8]) {
        var line = 1, column = 1
        for b in bytes.prefix(offset) {
            if b == 10 { line += 1; column = 1 }
            else if b & 0xC0 != 0x80 { column += 1 }   // count UTF-8 lead bytes only
        }
        self.offset = offset; self.line = line; self.column = column
    }
}

/// Parses JSON text with `JSON.parse`; on failure re-scans with a small syntax checker because
/// Foundation's decoder reports neither line nor column reliably.
enum LocatedJSON {
    struct Failure: Error { let message: String; let location: TextLocation? }

    static func parse(_ text: String) -> Result<JSON, Failure> {
        do { return .success(try JSON.parse(text)) }
        catch {
            let bytes = Array(text.utf8)
            var scan = SyntaxScan(bytes)
            if let (offset, message) = scan.firstError() {
                let loc = TextLocation(offset: offset, in: bytes)
                return .failure(Failure(message: "invalid JSON at \(loc): \(message)", location: loc))
            }
            return .failure(Failure(message: "invalid JSON: \(error)", location: nil))
        }
    }
}

/// Recursive-descent JSON syntax checker that only finds the first error's byte offset.
private struct SyntaxScan {
    struct Stop: Error { let offset: Int; let message: String }
    let b: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) {
        b = bytes
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    mutating func firstError() -> (Int, String)? {
        do {
            ws()
            if i >= b.count { throw Stop(offset: i, message: "the document is empty") }
            try value(depth: 0)
            ws()
            if i < b.count { throw Stop(offset: i, message: "unexpected content after the JSON value") }
            return nil
        } catch let s as Stop { return (s.offset, s.message) } catch { return nil }
    }

    mutating func ws() { while i < b.count, [32, 9, 10, 13].contains(b[i]) { i += 1 } }

    func describe(_ at: Int) -> String {
        guard at < b.count else { return "end of input" }
        let c = b[at]
        return c >= 32 && c < 127 ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    mutating func value(depth: Int) throws {
        guard depth < 512 else { throw Stop(offset: i, message: "nesting is too deep") }
        guard i < b.count else { throw Stop(offset: i, message: "expected a value but reached the end of input") }
        switch b[i] {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw Stop(offset: i, message: "expected a value, found \(describe(i))")
        }
    }

    mutating func object(depth: Int) throws {
        i += 1; ws()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            ws()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw Stop(offset: i, message: "expected a quoted object key, found \(describe(i))") }
            try string(); ws()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw Stop(offset: i, message: "expected ':' after the object key, found \(describe(i))") }
            i += 1; ws()
            try value(depth: depth + 1); ws()
            guard i < b.count else { throw Stop(offset: i, message: "unterminated object: expected ',' or '}'") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return }
            throw Stop(offset: i, message: "expected ',' or '}' in object, found \(describe(i))")
        }
    }

    mutating func array(depth: Int) throws {
        i += 1; ws()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return }
        while true {
            ws()
            try value(depth: depth + 1); ws()
            guard i < b.count else { throw Stop(offset: i, message: "unterminated array: expected ',' or ']'") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return }
            throw Stop(offset: i, message: "expected ',' or ']' in array, found \(describe(i))")
        }
    }

    mutating func string() throws {
        let start = i
        i += 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return }
            if c < 32 { throw Stop(offset: i, message: "unescaped control character in string") }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < b.count else { break }
                switch b[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): i += 1
                case UInt8(ascii: "u"):
                    for k in 1...4 {
                        guard i + k < b.count, (b[i + k] as UInt8).isHexDigit else { throw Stop(offset: i - 1, message: "invalid \\u escape") }
                    }
                    i += 5
                default: throw Stop(offset: i - 1, message: "invalid escape sequence")
                }
                continue
            }
            i += 1
        }
        throw Stop(offset: start, message: "unterminated string")
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw Stop(offset: i, message: "expected a value, found \(describe(i))") }
        i += w.count
    }

    mutating func number() throws {
        func digits() -> Int { let s = i; while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }; return i - s }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, b[i] >= 48, b[i] <= 57 else { throw Stop(offset: i, message: "invalid number") }
        if b[i] == 48 { i += 1 } else { _ = digits() }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw Stop(offset: i, message: "expected digits after the decimal point") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw Stop(offset: i, message: "expected digits in the exponent") }
        }
    }
}

private extension UInt8 {
    var isHexDigit: Bool { (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self) }
}
