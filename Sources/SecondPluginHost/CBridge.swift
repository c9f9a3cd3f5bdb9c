import SecondPluginAPI

extension String {
    /// Decodes a borrowed second_str (UTF-8, not NUL-terminated); invalid UTF-8 is repaired.
    init(_ s: second_str) {
        guard let p = s.ptr, s.len > 0 else { self = ""; return }
        self = String(decoding: UnsafeRawBufferPointer(start: p, count: s.len), as: UTF8.self)
    }
    /// Reads a NUL-terminated plugin string, "" for NULL.
    init(plugin p: UnsafePointer<CChar>?) { self = p.map { String(cString: $0) } ?? "" }
}

/// Borrows `string` as a second_str for the duration of `body`.
func withSecondStr<R>(_ string: String, _ body: (second_str) throws -> R) rethrows -> R {
    var copy = string
    return try copy.withUTF8 { buf in
        try buf.withMemoryRebound(to: CChar.self) { try body(second_str(ptr: $0.baseAddress, len: $0.count)) }
    }
}

func withSecondStr<R>(bytes: [UInt8], _ body: (second_str) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buf in
        try buf.withMemoryRebound(to: CChar.self) { try body(second_str(ptr: $0.baseAddress, len: $0.count)) }
    }
}

/// Host-side Swift mirror of second_status.
public enum Status: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0, notHandled, invalidConfig, invalidArgument, notSupported, unauthenticated, denied
    case unavailable, timeout, cancelled, backpressure, `internal`
    public init(c: second_status) { self = Status(rawValue: c) ?? .internal }
    public var c: second_status { rawValue }
    public var description: String {
        ["OK", "NOT_HANDLED", "INVALID_CONFIG", "INVALID_ARGUMENT", "NOT_SUPPORTED", "UNAUTHENTICATED", "DENIED",
         "UNAVAILABLE", "TIMEOUT", "CANCELLED", "BACKPRESSURE", "INTERNAL"][Int(rawValue)]
    }
}

/// Component kinds, with the id prefixes used in ids ("auth.oidc") and YAML sections.
public enum ComponentKind: Int32, Sendable, CaseIterable, Codable {
    case auth = 1, oauth, runtime, telemetry
    public var prefix: String { ["auth", "oauth", "runtime", "telemetry"][Int(rawValue) - 1] }
    public init?(prefix: String) {
        guard let k = ComponentKind.allCases.first(where: { $0.prefix == prefix }) else { return nil }
        self = k
    }
}

public enum ComponentStability: Int32, Sendable {
    case development = 0, alpha, beta, stable, deprecated
    public var name: String { ["development", "alpha", "beta", "stable", "deprecated"][Int(rawValue)] }
}
