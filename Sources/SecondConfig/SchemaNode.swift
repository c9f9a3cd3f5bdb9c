import Foundation

// Compilation of schema JSON into SchemaNode trees, rejecting anything outside the subset.

/// NSRegularExpression is immutable and documented thread-safe once built.
struct CompiledPattern: @unchecked Sendable {
    let source: String
    let regex: NSRegularExpression

    /// JSON Schema patterns are unanchored: any match anywhere satisfies them.
    func matches(_ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
}

enum AdditionalProperties: Sendable {
    case allowed
    case forbidden
    case schema(SchemaNode)
}

/// One compiled schema object. A class so schemas can nest without copying.
final class SchemaNode: Sendable {
    /// `false` as a schema: nothing validates.
    let rejectsEverything: Bool
    let pointer: String
    let types: [String]?
    let properties: [(name: String, schema: SchemaNode)]
    let required: [String]
    let additional: AdditionalProperties
    let enumValues: [ConfigNode]?
    let constValue: ConfigNode?
    let defaultValue: ConfigNode?
    let minimum: ConfigNode?
    let maximum: ConfigNode?
    let exclusiveMinimum: ConfigNode?
    let exclusiveMaximum: ConfigNode?
    let minLength: Int?
    let maxLength: Int?
    let pattern: CompiledPattern?
    let format: String?
    let items: SchemaNode?
    let minItems: Int?
    let maxItems: Int?
    let uniqueItems: Bool
    let minProperties: Int?
    let maxProperties: Int?
    let allOf: [SchemaNode]
    let anyOf: [SchemaNode]
    let oneOf: [SchemaNode]
    let not: SchemaNode?
    let secret: Bool

    static let typeNames = ["null", "boolean", "integer", "number", "string", "array", "object"]
    static let annotationKeywords: Set<String> = [
        "description", "title", "examples", "$comment", "$schema", "$id", "deprecated", "readOnly", "writeOnly",
    ]
    static let keywords: Set<String> = annotationKeywords.union([
        "type", "properties", "required", "additionalProperties", "enum", "const", "default",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
        "pattern", "format", "items", "minItems", "maxItems", "uniqueItems", "minProperties",
        "maxProperties", "oneOf", "anyOf", "allOf", "not", "x-secret",
    ])
    /// Real JSON Schema keywords we deliberately do not implement; named as such in errors.
    static let knownUnsupported: Set<String> = [
        "$ref", "$defs", "definitions", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef",
        "$recursiveAnchor", "$vocabulary", "patternProperties", "propertyNames", "dependentRequired",
        "dependentSchemas", "dependencies", "if", "then", "else", "prefixItems", "contains", "minContains",
        "maxContains", "unevaluatedProperties", "unevaluatedItems", "additionalItems", "multipleOf",
        "contentEncoding", "contentMediaType", "contentSchema",
    ]
    static let maxDepth = 256

    func property(_ name: String) -> SchemaNode? {
        properties.first(where: { $0.name == name })?.schema
    }

    var propertyNames: [String] { properties.map(\.name) }

    static func compile(_ node: ConfigNode, pointer: String, depth: Int = 0) throws -> SchemaNode {
        try SchemaNode(node, pointer: pointer, depth: depth)
    }

    private init(_ node: ConfigNode, pointer: String, depth: Int) throws {
        func fail(_ message: String, at sub: String? = nil) -> SchemaError {
            SchemaError(pointer: sub.map { JSONPointer.appending(pointer, $0) } ?? pointer,
                        message: message, mark: node.mark)
        }
        guard depth < SchemaNode.maxDepth else { throw fail("schema nesting is deeper than \(SchemaNode.maxDepth) levels") }
        self.pointer = pointer

        let entries: [ConfigEntry]
        switch node.value {
        case .bool(let b):
            entries = []
            rejectsEverything = !b
        case .object(let e):
            entries = e
            rejectsEverything = false
        default:
            throw fail("a schema must be an object or a boolean, got \(node.typeName)")
        }

        var seen: [String: ConfigNode] = [:]
        for entry in entries {
            if SchemaNode.keywords.contains(entry.key) || entry.key.hasPrefix("x-") {
                seen[entry.key] = entry.value
                continue
            }
            var message: String
            if SchemaNode.knownUnsupported.contains(entry.key) {
                message = "unsupported keyword \"\(entry.key)\" (this validator implements a subset of JSON Schema"
                    + (entry.key.contains("ref") || entry.key.contains("defs") || entry.key == "definitions"
                        ? "; inline the referenced schema instead)" : ")")
            } else {
                message = "unknown keyword \"\(entry.key)\""
                if let guess = Suggest.closest(to: entry.key, in: Array(SchemaNode.keywords)) {
                    message += " — did you mean \"\(guess)\"?"
                } else {
                    message += " (vendor extensions must start with \"x-\")"
                }
            }
            throw SchemaError(pointer: JSONPointer.appending(pointer, entry.key), message: message,
                              mark: entry.keyMark ?? node.mark)
        }

        func sub(_ key: String) -> String { JSONPointer.appending(pointer, key) }
        func nonNegativeInt(_ key: String) throws -> Int? {
            guard let v = seen[key] else { return nil }
            guard let i = v.intValue, i >= 0, i <= Int64(Int.max) else {
                throw fail("\"\(key)\" must be a non-negative integer", at: key)
            }
            return Int(i)
        }
        func number(_ key: String) throws -> ConfigNode? {
            guard let v = seen[key] else { return nil }
            guard let d = v.doubleValue, d.isFinite else { throw fail("\"\(key)\" must be a number", at: key) }
            return v
        }
        func bool(_ key: String) throws -> Bool? {
            guard let v = seen[key] else { return nil }
            guard let b = v.boolValue else { throw fail("\"\(key)\" must be true or false", at: key) }
            return b
        }
        func schemaList(_ key: String) throws -> [SchemaNode] {
            guard let v = seen[key] else { return [] }
            guard let list = v.arrayValue, !list.isEmpty else {
                throw fail("\"\(key)\" must be a non-empty array of schemas", at: key)
            }
            return try list.enumerated().map {
                try SchemaNode($0.element, pointer: JSONPointer.appending(sub(key), $0.offset), depth: depth + 1)
            }
        }

        // type
        if let t = seen["type"] {
            let names: [String]
            if let s = t.stringValue { names = [s] }
            else if let list = t.arrayValue, !list.isEmpty, list.allSatisfy({ $0.stringValue != nil }) {
                names = list.compactMap(\.stringValue)
            } else {
                throw fail("\"type\" must be a type name or a non-empty array of type names", at: "type")
            }
            for name in names where !SchemaNode.typeNames.contains(name) {
                var message = "unknown type \"\(name)\" (valid: \(SchemaNode.typeNames.joined(separator: ", ")))"
                if let guess = Suggest.closest(to: name, in: SchemaNode.typeNames) { message += " — did you mean \"\(guess)\"?" }
                throw fail(message, at: "type")
            }
            types = names
        } else {
            types = nil
        }

        // properties / required / additionalProperties
        if let p = seen["properties"] {
            guard let list = p.objectEntries else { throw fail("\"properties\" must be an object", at: "properties") }
            properties = try list.map {
                ($0.key, try SchemaNode($0.value, pointer: JSONPointer.appending(sub("properties"), $0.key), depth: depth + 1))
            }
        } else {
            properties = []
        }
        if let r = seen["required"] {
            guard let list = r.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\"required\" must be an array of strings", at: "required")
            }
            required = list.compactMap(\.stringValue)
        } else {
            required = []
        }
        if let extra = seen["additionalProperties"] {
            switch extra.value {
            case .bool(let allowed): additional = allowed ? .allowed : .forbidden
            case .object: additional = .schema(try SchemaNode(extra, pointer: sub("additionalProperties"), depth: depth + 1))
            default: throw fail("\"additionalProperties\" must be a boolean or a schema", at: "additionalProperties")
            }
        } else {
            additional = .allowed
        }

        // enum / const / default
        if let e = seen["enum"] {
            guard let list = e.arrayValue, !list.isEmpty else { throw fail("\"enum\" must be a non-empty array", at: "enum") }
            enumValues = list
        } else {
            enumValues = nil
        }
        constValue = seen["const"]
        defaultValue = seen["default"].map(SchemaNode.stripMarks)

        // numbers; draft-4 style boolean exclusives turn minimum/maximum exclusive
        var minimum = try number("minimum"), maximum = try number("maximum")
        var exclusiveMinimum: ConfigNode?, exclusiveMaximum: ConfigNode?
        for (key, isMin) in [("exclusiveMinimum", true), ("exclusiveMaximum", false)] {
            guard let v = seen[key] else { continue }
            let value: ConfigNode?
            if let b = v.boolValue {
                let base = isMin ? minimum : maximum
                guard base != nil || !b else {
                    throw fail("boolean \"\(key)\" needs \"\(isMin ? "minimum" : "maximum")\"", at: key)
                }
                value = b ? base : nil
                if b { if isMin { minimum = nil } else { maximum = nil } }
            } else {
                value = try number(key)
            }
            if isMin { exclusiveMinimum = value } else { exclusiveMaximum = value }
        }
        self.minimum = minimum
        self.maximum = maximum
        self.exclusiveMinimum = exclusiveMinimum
        self.exclusiveMaximum = exclusiveMaximum

        // strings
        minLength = try nonNegativeInt("minLength")
        maxLength = try nonNegativeInt("maxLength")
        if let p = seen["pattern"] {
            guard let source = p.stringValue else { throw fail("\"pattern\" must be a string", at: "pattern") }
            do {
                pattern = CompiledPattern(source: source, regex: try NSRegularExpression(pattern: source))
            } catch {
                throw fail("\"pattern\" is not a valid regular expression: \(source)", at: "pattern")
            }
        } else {
            pattern = nil
        }
        if let f = seen["format"] {
            guard let s = f.stringValue else { throw fail("\"format\" must be a string", at: "format") }
            format = s
        } else {
            format = nil
        }

        // arrays
        if let i = seen["items"] {
            if i.arrayValue != nil {
                throw fail("\"items\" as an array (tuple validation) is not supported; use a single schema", at: "items")
            }
            items = try SchemaNode(i, pointer: sub("items"), depth: depth + 1)
        } else {
            items = nil
        }
        minItems = try nonNegativeInt("minItems")
        maxItems = try nonNegativeInt("maxItems")
        uniqueItems = try bool("uniqueItems") ?? false

        // objects
        minProperties = try nonNegativeInt("minProperties")
        maxProperties = try nonNegativeInt("maxProperties")

        // combinators
        allOf = try schemaList("allOf")
        anyOf = try schemaList("anyOf")
        oneOf = try schemaList("oneOf")
        not = try seen["not"].map { try SchemaNode($0, pointer: sub("not"), depth: depth + 1) }

        secret = try bool("x-secret") ?? false
    }

    /// Defaults come from the schema, not a file: drop marks so they read as such.
    static func stripMarks(_ node: ConfigNode) -> ConfigNode {
        switch node.value {
        case .array(let items): return ConfigNode(.array(items.map(stripMarks)))
        case .object(let entries):
            return ConfigNode(.object(entries.map { ConfigEntry(key: $0.key, value: stripMarks($0.value)) }))
        default: return ConfigNode(node.value)
        }
    }

    /// A default that its own schema rejects is a schema bug; report it at load time.
    func checkDefaults() throws {
        if let d = defaultValue {
            let errors = Validator(secretPointers: []).check(d, self, pointer: "", secret: secret).errors
            if let first = errors.first {
                let detail = first.pointer.isEmpty ? first.message : "at \(first.pointer): \(first.message)"
                throw SchemaError(pointer: JSONPointer.appending(pointer, "default"),
                                  message: "default does not satisfy its own schema: \(detail)")
            }
        }
        for child in children { try child.checkDefaults() }
    }

    var children: [SchemaNode] {
        var result = properties.map(\.schema)
        if case .schema(let s) = additional { result.append(s) }
        if let items { result.append(items) }
        result += allOf + anyOf + oneOf
        if let not { result.append(not) }
        return result
    }

    func collectSecretPointers(prefix: String, into result: inout [String], seen: inout Set<String>, depth: Int) {
        guard depth < SchemaNode.maxDepth else { return }
        if secret {
            if seen.insert(prefix).inserted { result.append(prefix) }
            return
        }
        for (name, schema) in properties {
            schema.collectSecretPointers(prefix: JSONPointer.appending(prefix, name), into: &result, seen: &seen, depth: depth + 1)
        }
        if case .schema(let s) = additional {
            s.collectSecretPointers(prefix: prefix + "/*", into: &result, seen: &seen, depth: depth + 1)
        }
        items?.collectSecretPointers(prefix: prefix + "/*", into: &result, seen: &seen, depth: depth + 1)
        for s in allOf + anyOf + oneOf {
            s.collectSecretPointers(prefix: prefix, into: &result, seen: &seen, depth: depth + 1)
        }
    }
}
