import Foundation

/// Resolves scalar text to a typed value. Plain scalars follow the YAML 1.2
/// core schema (not YAML 1.1), so `yes`/`no`/`on`/`off` stay strings and
/// `0777` is decimal; quoted and block scalars are always strings.
enum ScalarTyping {
    static let strTag = "tag:yaml.org,2002:str"
    static let intTag = "tag:yaml.org,2002:int"
    static let floatTag = "tag:yaml.org,2002:float"
    static let boolTag = "tag:yaml.org,2002:bool"
    static let nullTag = "tag:yaml.org,2002:null"

    /// Core-schema resolution of a plain (unquoted, untagged) scalar.
    static func resolvePlain(_ text: String) -> ConfigNode.Value {
        if let v = null(text) { return v }
        if let b = bool(text) { return .bool(b) }
        if let v = integer(text) { return v }
        if let d = float(text) { return .double(d) }
        return .string(text)
    }

    /// Resolution under an explicit standard tag (`!!int` etc.). Returns nil for
    /// tags we do not interpret, and an error message when the text does not fit.
    static func resolveTagged(_ text: String, tag: String) -> Result<ConfigNode.Value, TypingError>? {
        switch tag {
        case strTag:
            return .success(.string(text))
        case intTag:
            if let v = integer(text) { return .success(v) }
            return .failure(TypingError(message: "\"\(text)\" is not a valid !!int"))
        case floatTag:
            if let d = float(text) { return .success(.double(d)) }
            if let v = integer(text) {
                switch v {
                case .int(let i): return .success(.double(Double(i)))
                default: return .success(v)
                }
            }
            return .failure(TypingError(message: "\"\(text)\" is not a valid !!float"))
        case boolTag:
            if let b = bool(text) { return .success(.bool(b)) }
            return .failure(TypingError(message: "\"\(text)\" is not a valid !!bool (use true or false)"))
        case nullTag:
            if let v = null(text) { return .success(v) }
            return .failure(TypingError(message: "\"\(text)\" is not a valid !!null"))
        default:
            return nil
        }
    }

    struct TypingError: Error, Equatable { var message: String }

    static func null(_ text: String) -> ConfigNode.Value? {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: return nil
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Decimal with optional sign, `0x` hex, `0o` octal. Decimal values too large
    /// for Int64 become doubles (as JSON parsers do); hex/octal overflow is not an int.
    static func integer(_ text: String) -> ConfigNode.Value? {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        if scalars.count > 2, scalars[0] == "0", scalars[1] == "x" || scalars[1] == "o" {
            let radix = scalars[1] == "x" ? 16 : 8
            let digits = String(String.UnicodeScalarView(scalars[2...]))
            guard digits.unicodeScalars.allSatisfy({ isDigit($0, radix: radix) }),
                  let v = Int64(digits, radix: radix) else { return nil }
            return .int(v)
        }
        var body = scalars[...]
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ isDigit($0, radix: 10) }) else { return nil }
        // Int64("+5") works; an overflowing literal falls back to Double.
        if let v = Int64(text) { return .int(v) }
        if let d = Double(text) { return .double(d) }
        return nil
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, plus `.inf`/`.nan` forms.
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        var s = Array(text.unicodeScalars)[...]
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        let intDigits = s.prefix(while: { isDigit($0, radix: 10) })
        s = s.dropFirst(intDigits.count)
        var fracDigits = 0
        var hasDot = false
        if s.first == "." {
            hasDot = true
            s = s.dropFirst()
            let frac = s.prefix(while: { isDigit($0, radix: 10) })
            fracDigits = frac.count
            s = s.dropFirst(frac.count)
        }
        // Either digits before the dot, or ".5" style with digits after it.
        guard !intDigits.isEmpty || (hasDot && fracDigits > 0) else { return nil }
        if s.first == "e" || s.first == "E" {
            s = s.dropFirst()
            if s.first == "+" || s.first == "-" { s = s.dropFirst() }
            let exp = s.prefix(while: { isDigit($0, radix: 10) })
            guard !exp.isEmpty else { return nil }
            s = s.dropFirst(exp.count)
        }
        guard s.isEmpty else { return nil }
        // Swift's Double() rejects "1." and "+.5"-style inputs in some forms; normalise.
        var normalized = text
        if normalized.hasPrefix("+") { normalized.removeFirst() }
        if let d = Double(normalized) { return d }
        normalized = normalized.replacingOccurrences(of: ".e", with: ".0e").replacingOccurrences(of: ".E", with: ".0E")
        if normalized.hasSuffix(".") { normalized += "0" }
        if normalized.hasPrefix(".") { normalized = "0" + normalized }
        if normalized.hasPrefix("-.") { normalized = "-0" + normalized.dropFirst() }
        return Double(normalized)
    }

    private static func isDigit(_ s: Unicode.Scalar, radix: Int) -> Bool {
        switch s {
        case "0"..."7": return true
        case "8", "9": return radix >= 10
        case "a"..."f", "A"..."F": return radix == 16
        default: return false
        }
    }
}
