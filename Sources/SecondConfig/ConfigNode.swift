/// A configuration value together with where it came from. Objects keep the
/// order of the file so diagnostics, dumps and defaults read naturally.
public struct ConfigNode: Sendable {
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
        case array([ConfigNode])
        case object([ConfigEntry])
    }

    public var value: Value
    /// nil for values that did not come from a file (schema defaults, parsed JSON).
    public var mark: SourceMark?

    public init(_ value: Value, mark: SourceMark? = nil) {
        self.value = value
        self.mark = mark
    }

    /// First entry with this key (the YAML loader rejects duplicates, so "first" is "only").
    public subscript(key: String) -> ConfigNode? {
        guard case .object(let entries) = value else { return nil }
        return entries.first(where: { $0.key == key })?.value
    }

    /// Array element, nil when out of range or not an array.
    public subscript(index: Int) -> ConfigNode? {
        guard case .array(let items) = value, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// JSON Schema type names, used verbatim in messages.
    public var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    /// Integers, and doubles that hold an exact integer within Int64 range.
    public var intValue: Int64? {
        switch value {
        case .int(let i): return i
        case .double(let d): return ConfigNode.exactInt64(d)
        default: return nil
        }
    }

    /// Any number, widened to Double.
    public var doubleValue: Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var arrayValue: [ConfigNode]? {
        if case .array(let items) = value { return items }
        return nil
    }

    public var objectEntries: [ConfigEntry]? {
        if case .object(let entries) = value { return entries }
        return nil
    }

    /// Keys of an object in file order.
    public var keys: [String]? { objectEntries?.map(\.key) }

    static func exactInt64(_ d: Double) -> Int64? {
        guard d.isFinite, d.rounded(.towardZero) == d,
              d >= -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0 else { return nil }
        return Int64(d)
    }
}

/// One key/value pair of an object; the key keeps its own mark so
/// "unknown key" errors can point at the key rather than the value.
public struct ConfigEntry: Sendable {
    public var key: String
    public var keyMark: SourceMark?
    public var value: ConfigNode

    public init(key: String, keyMark: SourceMark? = nil, value: ConfigNode) {
        self.key = key
        self.keyMark = keyMark
        self.value = value
    }
}

// Equality compares values only: marks are metadata, and objects compare as
// JSON objects (key order ignored). Integers and doubles stay distinct here;
// JSON Schema's numeric equality lives in `jsonEquals`.
extension ConfigNode.Value: Equatable {
    public static func == (lhs: ConfigNode.Value, rhs: ConfigNode.Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.value == $1.value }
        case (.object(let a), .object(let b)):
            return ConfigNode.objectsEqual(a, b) { $0.value == $1.value }
        default: return false
        }
    }
}

extension ConfigNode: Equatable {
    public static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool { lhs.value == rhs.value }
}

extension ConfigNode {
    /// JSON Schema equality: 1 and 1.0 are equal, object key order is irrelevant.
    public func jsonEquals(_ other: ConfigNode) -> Bool {
        switch (value, other.value) {
        case (.int, .double), (.double, .int), (.int, .int), (.double, .double):
            if case .int(let a) = value, case .int(let b) = other.value { return a == b }
            guard let a = doubleValue, let b = other.doubleValue else { return false }
            return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.jsonEquals($1) }
        case (.object(let a), .object(let b)):
            return ConfigNode.objectsEqual(a, b) { $0.jsonEquals($1) }
        default:
            return value == other.value
        }
    }

    static func objectsEqual(_ a: [ConfigEntry], _ b: [ConfigEntry],
                             _ eq: (ConfigNode, ConfigNode) -> Bool) -> Bool {
        guard a.count == b.count else { return false }
        var lookup: [String: ConfigNode] = [:]
        for entry in b where lookup[entry.key] == nil { lookup[entry.key] = entry.value }
        for entry in a {
            guard let other = lookup[entry.key], eq(entry.value, other) else { return false }
        }
        return true
    }
}

// Literal conveniences, mostly for defaults built in code and for tests.
extension ConfigNode: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    public init(nilLiteral: ()) { self.init(.null) }
    public init(booleanLiteral value: Bool) { self.init(.bool(value)) }
    public init(integerLiteral value: Int64) { self.init(.int(value)) }
    public init(floatLiteral value: Double) { self.init(.double(value)) }
    public init(stringLiteral value: String) { self.init(.string(value)) }
}

// No ExpressibleByDictionaryLiteral: its associated `Value` would clash with ConfigNode.Value.
extension ConfigNode: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: ConfigNode...) { self.init(.array(elements)) }

    /// An object from ordered pairs, e.g. `.object(["a": 1, "b": "x"])`; literal order is kept.
    public static func object(_ pairs: KeyValuePairs<String, ConfigNode>) -> ConfigNode {
        ConfigNode(.object(pairs.map { ConfigEntry(key: $0.key, value: $0.value) }))
    }
}
