extension JSONSchema {
    /// RFC 6901 pointers (with ~0/~1 escaping) of the values in `value` that the
    /// schema marks `x-secret`. Every branch of allOf/anyOf/oneOf counts, so a
    /// value that any alternative calls secret is treated as secret.
    public func secretValuePointers(in value: ConfigNode) -> [String] {
        var result: [String] = []
        SecretWalker.walk(value, [root], pointer: "", depth: 0) { pointer, _ in result.append(pointer) }
        return result
    }

    /// A copy of `value` with every secret subtree replaced by `replacement`
    /// (marks kept), safe to log or show in an admin UI.
    public func redacted(_ value: ConfigNode, replacement: String = "<redacted>") -> ConfigNode {
        SecretWalker.redact(value, [root], replacement: replacement, depth: 0)
    }
}

enum SecretWalker {
    /// Beyond this depth everything is treated as secret: safe and cannot overflow the stack.
    static let maxDepth = 1024

    /// The schema plus every allOf/anyOf/oneOf branch reachable from it.
    static func applicable(_ schemas: [SchemaNode]) -> [SchemaNode] {
        var result: [SchemaNode] = []
        var stack = schemas
        var seen = Set<ObjectIdentifier>()
        while let s = stack.popLast() {
            guard seen.insert(ObjectIdentifier(s)).inserted else { continue }
            result.append(s)
            stack += s.allOf + s.anyOf + s.oneOf
        }
        return result
    }

    static func childSchemas(_ schemas: [SchemaNode], key: String) -> [SchemaNode] {
        schemas.compactMap { s in
            if let p = s.property(key) { return p }
            if case .schema(let extra) = s.additional { return extra }
            return nil
        }
    }

    static func walk(_ value: ConfigNode, _ schemas: [SchemaNode], pointer: String, depth: Int,
                     _ found: (String, ConfigNode) -> Void) {
        let all = applicable(schemas)
        guard !all.isEmpty else { return }
        if depth >= maxDepth || all.contains(where: \.secret) { found(pointer, value); return }
        switch value.value {
        case .object(let entries):
            for entry in entries {
                walk(entry.value, childSchemas(all, key: entry.key),
                     pointer: JSONPointer.appending(pointer, entry.key), depth: depth + 1, found)
            }
        case .array(let items):
            let itemSchemas = all.compactMap(\.items)
            for (index, item) in items.enumerated() {
                walk(item, itemSchemas, pointer: JSONPointer.appending(pointer, index), depth: depth + 1, found)
            }
        default:
            break
        }
    }

    static func redact(_ value: ConfigNode, _ schemas: [SchemaNode], replacement: String, depth: Int) -> ConfigNode {
        let all = applicable(schemas)
        guard !all.isEmpty else { return value }
        if depth >= maxDepth || all.contains(where: \.secret) { return ConfigNode(.string(replacement), mark: value.mark) }
        var result = value
        switch value.value {
        case .object(let entries):
            result.value = .object(entries.map { entry in
                var copy = entry
                copy.value = redact(entry.value, childSchemas(all, key: entry.key), replacement: replacement, depth: depth + 1)
                return copy
            })
        case .array(let items):
            let itemSchemas = all.compactMap(\.items)
            result.value = .array(items.map { redact($0, itemSchemas, replacement: replacement, depth: depth + 1) })
        default:
            break
        }
        return result
    }
}
