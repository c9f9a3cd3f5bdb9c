import SecondCore
import SecondCrypto

/// Stable JSON text for hashing and equality: objects key-sorted recursively (UTF-16 code-unit
/// order, as JavaScript's sort would), arrays in order, no whitespace. Numbers: integral values
/// below 2^53 print as integers (so `1` and `1.0` agree), other doubles use Swift's shortest
/// round-trip form; non-finite numbers become null.
public enum CanonicalJSON {
    public static func bytes(_ value: JSON) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        return out
    }

    public static func text(_ value: JSON) -> String { String(decoding: bytes(value), as: UTF8.self) }

    /// Lowercase hex SHA-256 of the canonical bytes.
    public static func sha256Hex(_ value: JSON) -> String { Crypto.sha256Hex(bytes(value)) }

    /// Equality of canonical forms (ignores key order and int/double spelling of the same integer).
    public static func equal(_ a: JSON, _ b: JSON) -> Bool { bytes(a) == bytes(b) }

    private static func write(_ value: JSON, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .double(let d):
            if !d.isFinite { out += Array("null".utf8) }
            else if d == d.rounded(.towardZero), abs(d) < 9_007_199_254_740_992 { out += Array(String(Int64(d)).utf8) }
            else { out += Array(d.description.utf8) }
        case .string(let s): out += Array(JSON.quoted(s).utf8)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (n, v) in a.enumerated() { if n > 0 { out.append(UInt8(ascii: ",")) }; write(v, into: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            let keys = o.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (n, k) in keys.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(JSON.quoted(k).utf8)
                out.append(UInt8(ascii: ":"))
                write(o[k]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
