import SecondCore

/// In-process evaluation of a `Query`, with the embedded store's SQL semantics: dotted paths walk objects only; a path
/// that is not a scalar-by-schema path also matches an element of an array (like MongoDB). Used by both change feeds.
extension Query {
    func matches(_ doc: Document) -> Bool {
        if let ws = workspaceId, doc["workspaceId"] != .string(ws) { return false }
        let scalarPaths = IndexCatalog.scalarPaths(for: collection)
        return conditions.allSatisfy { $0.matches(doc, elementwise: !scalarPaths.contains($0.path.dotted)) }
    }
}

extension Condition {
    func matches(_ doc: Document, elementwise: Bool) -> Bool {
        let value = Self.lookup(path, in: doc)
        return values.contains { candidate in
            if Self.scalarEquals(value ?? .null, candidate) { return true }
            if elementwise, case .array(let items)? = value { return items.contains { Self.scalarEquals($0, candidate) } }
            return false
        }
    }

    static func lookup(_ path: FieldPath, in doc: Document) -> JSON? {
        var current: JSON = .object(doc)
        for segment in path.segments {
            guard case .object(let o) = current, let next = o[segment] else { return nil }
            current = next
        }
        return current
    }

    /// MongoDB equality for scalars: numbers compare by value (1 == 1.0), bools only with bools.
    static func scalarEquals(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return a.double == b.double
        default: return false
        }
    }
}

extension JSON {
    /// The shape a JSON round trip gives a number: integral values that fit Int64 become `.int`.
    var normalizedNumber: JSON {
        if case .double(let d) = self, d.rounded() == d, let i = Int64(exactly: d) { return .int(i) }
        return self
    }
}
