import Foundation

extension JSONSchema {
    /// Validates `value`, fills `default`s for missing properties (with nil marks),
    /// and returns the normalized value together with every violation found.
    public func validate(_ value: ConfigNode) -> (normalized: ConfigNode, errors: [SchemaViolation]) {
        // Secret-ness is decided up front over all branches of the schema so a
        // failing oneOf/anyOf alternative cannot echo a value another branch marks secret.
        let validator = Validator(secretPointers: Set(secretValuePointers(in: value)))
        let result = validator.check(value, root, pointer: "", secret: false)
        return (result.node, result.errors)
    }
}

struct Validator {
    let secretPointers: Set<String>

    struct Checked {
        var node: ConfigNode
        var errors: [SchemaViolation]
    }

    func check(_ value: ConfigNode, _ schema: SchemaNode, pointer: String, secret inherited: Bool) -> Checked {
        let secret = inherited || schema.secret || secretPointers.contains(pointer)
        var errors: [SchemaViolation] = []
        func violation(_ message: String) {
            errors.append(SchemaViolation(pointer: pointer, message: message, mark: value.mark))
        }
        // Suffix naming the offending value, unless it is secret.
        let got = secret ? "(value redacted)" : "(got \(Validator.render(value)))"

        if schema.rejectsEverything {
            violation("no value is allowed here")
            return Checked(node: value, errors: errors)
        }
        var node = value
        if let types = schema.types {
            guard types.contains(where: { Validator.matches(value, type: $0) }) else {
                violation("expected \(types.joined(separator: " or ")), got \(value.typeName)")
                return Checked(node: value, errors: errors)
            }
            // An integer-only field given as 3.0 is normalised to 3.
            if types.contains("integer"), !types.contains("number"), case .double(let d) = value.value,
               let i = ConfigNode.exactInt64(d) {
                node.value = .int(i)
            }
        }
        if let options = schema.enumValues, !options.contains(where: { $0.jsonEquals(value) }) {
            violation("must be one of \(options.map(Validator.render).joined(separator: ", ")) \(got)")
        }
        if let expected = schema.constValue, !expected.jsonEquals(value) {
            violation("must be \(Validator.render(expected)) \(got)")
        }

        switch value.value {
        case .int, .double:
            checkNumber(value, schema, got: got, violation)
        case .string(let s):
            checkString(s, schema, secret: secret, got: got, violation)
        case .array(let items):
            var normalized: [ConfigNode] = []
            normalized.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard let itemSchema = schema.items else { normalized.append(item); continue }
                let r = check(item, itemSchema, pointer: JSONPointer.appending(pointer, index), secret: secret)
                normalized.append(r.node)
                errors += r.errors
            }
            if let min = schema.minItems, items.count < min {
                violation("must have at least \(min) item(s) (got \(items.count))")
            }
            if let max = schema.maxItems, items.count > max {
                violation("must have at most \(max) item(s) (got \(items.count))")
            }
            if schema.uniqueItems {
                var firstIndex: [String: Int] = [:]
                for (index, item) in items.enumerated() {
                    let key = Validator.canonical(item)
                    if let first = firstIndex[key] {
                        errors.append(SchemaViolation(pointer: JSONPointer.appending(pointer, index),
                            message: "duplicate of item \(first) (items must be unique)", mark: item.mark ?? value.mark))
                    } else {
                        firstIndex[key] = index
                    }
                }
            }
            node.value = .array(normalized)
        case .object(let entries):
            node.value = .object(checkObject(value, entries, schema, pointer: pointer, secret: secret, errors: &errors))
        case .null, .bool:
            break
        }

        // Combinators see the value with this level's defaults already filled.
        for sub in schema.allOf {
            let r = check(node, sub, pointer: pointer, secret: secret)
            node = r.node
            errors += r.errors
        }
        if !schema.anyOf.isEmpty {
            let results = schema.anyOf.map { check(node, $0, pointer: pointer, secret: secret) }
            if let match = results.first(where: { $0.errors.isEmpty }) {
                node = match.node
            } else {
                violation("must match at least one anyOf alternative: " + Validator.summarize(results, under: pointer))
            }
        }
        if !schema.oneOf.isEmpty {
            let results = schema.oneOf.map { check(node, $0, pointer: pointer, secret: secret) }
            let passing = results.indices.filter { results[$0].errors.isEmpty }
            if passing.count == 1, let only = passing.first {
                node = results[only].node
            } else if passing.isEmpty {
                violation("must match exactly one oneOf alternative, but matches none: " + Validator.summarize(results, under: pointer))
            } else {
                violation("must match exactly one oneOf alternative, but matches alternatives "
                    + passing.map { "#\($0 + 1)" }.joined(separator: ", "))
            }
        }
        if let forbidden = schema.not, check(node, forbidden, pointer: pointer, secret: secret).errors.isEmpty {
            violation("must not match the \"not\" schema")
        }
        return Checked(node: node, errors: errors)
    }

    private func checkNumber(_ value: ConfigNode, _ schema: SchemaNode, got: String, _ violation: (String) -> Void) {
        let bounds: [(ConfigNode?, String, (Int) -> Bool)] = [
            (schema.minimum, ">=", { $0 >= 0 }),
            (schema.maximum, "<=", { $0 <= 0 }),
            (schema.exclusiveMinimum, ">", { $0 > 0 }),
            (schema.exclusiveMaximum, "<", { $0 < 0 }),
        ]
        for (limit, op, ok) in bounds {
            guard let limit else { continue }
            // NaN compares with nothing, so it fails every bound.
            if let c = Validator.compare(value, limit), ok(c) { continue }
            violation("must be \(op) \(Validator.render(limit)) \(got)")
        }
    }

    /// Lengths count Unicode scalars (code points), as JSON Schema specifies.
    private func checkString(_ s: String, _ schema: SchemaNode, secret: Bool, got: String, _ violation: (String) -> Void) {
        let length = s.unicodeScalars.count
        let gotLength = secret ? "(value redacted)" : "(got \(length))"
        if let min = schema.minLength, length < min {
            violation("must be at least \(min) character(s) long \(gotLength)")
        }
        if let max = schema.maxLength, length > max {
            violation("must be at most \(max) character(s) long \(gotLength)")
        }
        if let pattern = schema.pattern, !pattern.matches(s) {
            violation("must match pattern \"\(pattern.source)\" \(got)")
        }
        if schema.format == "uri", !Validator.isAbsoluteURI(s) {
            violation("must be an absolute URI \(got)")
        }
    }

    private func checkObject(_ value: ConfigNode, _ entries: [ConfigEntry], _ schema: SchemaNode,
                             pointer: String, secret: Bool, errors: inout [SchemaViolation]) -> [ConfigEntry] {
        var normalized: [ConfigEntry] = []
        var present = Set<String>()
        for entry in entries {
            present.insert(entry.key)
            let childPointer = JSONPointer.appending(pointer, entry.key)
            let childSchema: SchemaNode?
            if let p = schema.property(entry.key) {
                childSchema = p
            } else {
                switch schema.additional {
                case .allowed: childSchema = nil
                case .schema(let s): childSchema = s
                case .forbidden:
                    childSchema = nil
                    errors.append(SchemaViolation(pointer: childPointer, message: unknownKeyMessage(entry.key, schema),
                                                  mark: entry.keyMark ?? entry.value.mark ?? value.mark))
                }
            }
            var entry = entry
            if let childSchema {
                let r = check(entry.value, childSchema, pointer: childPointer, secret: secret)
                entry.value = r.node
                errors += r.errors
            }
            normalized.append(entry)
        }
        for (name, propertySchema) in schema.properties where !present.contains(name) {
            guard let fallback = propertySchema.defaultValue else { continue }
            // Run the default through its schema so nested defaults are filled too.
            let filled = check(fallback, propertySchema, pointer: JSONPointer.appending(pointer, name), secret: true).node
            normalized.append(ConfigEntry(key: name, keyMark: nil, value: filled))
            present.insert(name)
        }
        for name in schema.required where !present.contains(name) {
            errors.append(SchemaViolation(pointer: pointer, message: "missing required key \(Validator.quote(name))",
                                          mark: value.mark))
        }
        if let min = schema.minProperties, entries.count < min {
            errors.append(SchemaViolation(pointer: pointer,
                message: "must have at least \(min) key(s) (got \(entries.count))", mark: value.mark))
        }
        if let max = schema.maxProperties, entries.count > max {
            errors.append(SchemaViolation(pointer: pointer,
                message: "must have at most \(max) key(s) (got \(entries.count))", mark: value.mark))
        }
        return normalized
    }

    private func unknownKeyMessage(_ key: String, _ schema: SchemaNode) -> String {
        let valid = schema.propertyNames.sorted()
        guard !valid.isEmpty else { return "unknown key \(Validator.quote(key)) (no keys are allowed here)" }
        var message = "unknown key \(Validator.quote(key)) (valid: \(valid.joined(separator: ", ")))"
        if let guess = Suggest.closest(to: key, in: valid) { message += " — did you mean \(Validator.quote(guess))?" }
        return message
    }

    // MARK: - Helpers

    static func matches(_ value: ConfigNode, type: String) -> Bool {
        switch (type, value.value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("integer", .int), ("number", .int), ("number", .double):
            return true
        case ("integer", .double(let d)):
            return d.isFinite && d.rounded(.towardZero) == d
        default:
            return false
        }
    }

    /// Sign of value - limit; nil when either is NaN.
    static func compare(_ a: ConfigNode, _ b: ConfigNode) -> Int? {
        if case .int(let x) = a.value, case .int(let y) = b.value { return x < y ? -1 : (x == y ? 0 : 1) }
        guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN else { return nil }
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    /// Compact JSON for messages, shortened so a huge value cannot flood a log.
    static func render(_ node: ConfigNode) -> String {
        let text: String
        switch node.value {
        case .double(let d) where !d.isFinite:
            text = d.isNaN ? ".nan" : (d > 0 ? ".inf" : "-.inf")
        default:
            text = node.toJSONString()
        }
        guard text.count > 80 else { return text }
        return String(text.prefix(77)) + "..."
    }

    static func quote(_ s: String) -> String { ConfigNode(.string(s)).toJSONString() }

    /// Key for uniqueItems: JSON with sorted keys, numbers in one form so 1 and 1.0 collide.
    static func canonical(_ node: ConfigNode) -> String {
        switch node.value {
        case .int(let i): return String(i)
        case .double(let d): return ConfigNode.exactInt64(d).map { String($0) } ?? "\(d)"
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .object(let entries):
            return "{" + entries.sorted { $0.key < $1.key }
                .map { quote($0.key) + ":" + canonical($0.value) }.joined(separator: ",") + "}"
        default: return node.toJSONString()
        }
    }

    /// "scheme:rest" with an RFC 3986 scheme, no whitespace, and parseable by URLComponents.
    static func isAbsoluteURI(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let scheme = s[..<colon]
        guard let first = scheme.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first),
              scheme.unicodeScalars.allSatisfy({
                  ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                      || "+-.".unicodeScalars.contains($0)
              }) else { return false }
        let rest = s[s.index(after: colon)...]
        guard !rest.isEmpty, !s.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else {
            return false
        }
        return URLComponents(string: s) != nil
    }

    /// Nested failures of combinator alternatives, a few per alternative.
    static func summarize(_ results: [Checked], under pointer: String) -> String {
        results.enumerated().map { index, result in
            let shown = result.errors.prefix(2).map { e -> String in
                let relative = String(e.pointer.dropFirst(pointer.count))
                return relative.isEmpty ? e.message : "at \(relative): \(e.message)"
            }
            let more = result.errors.count > 2 ? " (+\(result.errors.count - 2) more)" : ""
            return "#\(index + 1): " + shown.joined(separator: "; ") + more
        }.joined(separator: " | ")
    }
}
