import SecondPluginAPI

/// The status codes of the ABI as a Swift enum. Raw values equal the C constants.
public enum PluginStatus: Int32, Sendable, CaseIterable {
    case ok = 0, notHandled, invalidConfig, invalidArgument, notSupported, unauthenticated, denied
    case unavailable, timeout, cancelled, backpressure, `internal`

    init(c value: second_status) { self = PluginStatus(rawValue: value) ?? .internal }
    var c: second_status { rawValue }
}

/// The error a plugin throws. The SDK turns it into a status plus a structured error at the boundary.
/// `message` must never contain secret values: hosts show it to operators and users.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var status: PluginStatus
    public var message: String
    /// Optional JSON object text, e.g. `{"path":"/client_id"}`.
    public var detailsJSON: String

    public init(_ status: PluginStatus, _ message: String, detailsJSON: String = "") {
        self.status = status
        self.message = message
        self.detailsJSON = detailsJSON
    }

    public static func invalidConfig(_ message: String, path: String? = nil) -> PluginError {
        PluginError(.invalidConfig, message, detailsJSON: path.map { #"{"path":\#(jsonQuoted($0))}"# } ?? "")
    }
    public static func invalidArgument(_ message: String) -> PluginError { PluginError(.invalidArgument, message) }
    public static func unavailable(_ message: String) -> PluginError { PluginError(.unavailable, message) }
    public static func notSupported(_ message: String) -> PluginError { PluginError(.notSupported, message) }

    public var description: String { "\(status): \(message)" }
}

extension PluginError {
    /// Maps any thrown error to a PluginError. Decoding errors name the JSON pointer of the bad field.
    static func from(_ error: any Error, decodingStatus: PluginStatus) -> PluginError {
        if let e = error as? PluginError { return e }
        if let e = error as? DecodingError {
            return PluginError(decodingStatus, describe(e), detailsJSON: #"{"path":\#(jsonQuoted(pointer(e.path)))}"#)
        }
        return PluginError(.internal, String(describing: error))
    }

    /// JSON pointer of a coding path, with keys as they are on the wire (snake_case).
    static func pointer(_ path: [any CodingKey]) -> String {
        path.map { key in
            let part = key.intValue.map(String.init) ?? snakeCase(key.stringValue)
            return "/" + part.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }.joined()
    }

    /// "clientSecret" → "client_secret" (the inverse of the decoder's key strategy).
    static func snakeCase(_ s: String) -> String {
        var out = ""
        for c in s {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let ctx):
            return "\(pointer(ctx.codingPath + [key])): missing required key \"\(snakeCase(key.stringValue))\""
        case .typeMismatch(let type, let ctx):
            return "\(pointer(ctx.codingPath)): expected \(type)"
        case .valueNotFound(let type, let ctx):
            return "\(pointer(ctx.codingPath)): expected \(type), got null"
        case .dataCorrupted(let ctx):
            return "\(pointer(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "malformed JSON"
        }
    }
}

/// JSON string literal for `s` (quotes and escapes), used for small hand-built payloads.
public func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

extension DecodingError {
    /// Where in the payload the error is.
    var path: [any CodingKey] {
        switch self {
        case .keyNotFound(let key, let ctx): return ctx.codingPath + [key]
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx): return ctx.codingPath
        @unknown default: return []
        }
    }
}
