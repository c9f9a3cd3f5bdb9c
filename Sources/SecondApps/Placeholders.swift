import SecondCore

/// `{{ name }}` placeholders in tool endpoints (§11 regex `\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}`) and the
/// name classifications the secret rules use.
public enum Placeholders {
    /// Placeholder names in `text`, in order of appearance (leftmost matches, like the regex).
    public static func names(in text: String) -> [String] {
        let b = Array(text.utf8)
        var found: [String] = []
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 32 || (9...13).contains(c) }
        func isNameChar(_ c: UInt8) -> Bool {
            (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 95 || c == 46 || c == 45
        }
        while i + 1 < b.count {
            guard b[i] == 123, b[i + 1] == 123 else { i += 1; continue }
            var j = i + 2
            while j < b.count, isSpace(b[j]) { j += 1 }
            let start = j
            while j < b.count, isNameChar(b[j]) { j += 1 }
            let end = j
            while j < b.count, isSpace(b[j]) { j += 1 }
            if end > start, j + 1 < b.count, b[j] == 125, b[j + 1] == 125 {
                found.append(String(decoding: b[start..<end], as: UTF8.self))
                i = j + 2
            } else {
                i += 1
            }
        }
        return found
    }

    /// Placeholder names in every string (and object key) inside `value`.
    public static func names(in value: JSON) -> [String] {
        switch value {
        case .string(let s): return names(in: s)
        case .array(let a): return a.flatMap { names(in: $0) }
        case .object(let o): return o.keys.sorted().flatMap { names(in: $0) + names(in: o[$0]!) }
        default: return []
        }
    }

    /// `secrets.NAME` references a stored secret of the grant.
    public static func isSecretReference(_ name: String) -> Bool { name.hasPrefix("secrets.") }

    /// Names that look like a credential but are not `secrets.*` (case-insensitive
    /// `(^|[_.-])(api[_-]?key|key|secret|token|password|bearer|auth)([_.-]|$)`). Splitting on the
    /// separators and comparing whole segments is the same test without a regex engine.
    public static func looksSecret(_ name: String) -> Bool {
        segments(name).contains { ["apikey", "key", "secret", "token", "password", "bearer", "auth"].contains($0) }
    }

    /// Token-like names forbidden in OAuth tools (`(^|[_.-])(oauth|access[_-]?token|refresh[_-]?token|bearer|token|secret)([_.-]|$)`).
    public static func looksTokenLike(_ name: String) -> Bool {
        segments(name).contains { ["oauth", "accesstoken", "refreshtoken", "bearer", "token", "secret"].contains($0) }
    }

    private static func segments(_ name: String) -> [String] {
        name.lowercased().split(whereSeparator: { $0 == "_" || $0 == "." || $0 == "-" }).map(String.init)
    }
}
