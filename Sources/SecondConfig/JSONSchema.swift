/// A compiled subset of JSON Schema (draft 2020-12 vocabulary, plus draft-4
/// boolean exclusiveMinimum/Maximum). Anything outside the subset is rejected
/// when the schema is loaded, so a plugin author learns at load time rather
/// than by a silently ignored `$ref`.
public struct JSONSchema: Sendable {
    let root: SchemaNode

    public init(json: String) throws {
        let node: ConfigNode
        do {
            node = try ConfigNode.parseJSON(json)
        } catch let error as ConfigDiagnostic {
            throw SchemaError(pointer: "", message: "schema is not valid JSON: \(error.message)")
        }
        try self.init(node: node)
    }

    public init(node: ConfigNode) throws {
        root = try SchemaNode.compile(node, pointer: "")
        try root.checkDefaults()
    }

    /// Pointers into the schema's property tree of values marked `x-secret`,
    /// e.g. "/client_secret", "/tokens/*/token" ("*" = any array item or extra key).
    public var secretPointers: [String] {
        var result: [String] = []
        var seen = Set<String>()
        root.collectSecretPointers(prefix: "", into: &result, seen: &seen, depth: 0)
        return result
    }
}

/// A problem in the schema itself; `pointer` is a JSON pointer into the schema.
public struct SchemaError: Error, Sendable, CustomStringConvertible, Equatable {
    public var pointer: String
    public var message: String
    public var mark: SourceMark?

    public init(pointer: String, message: String, mark: SourceMark? = nil) {
        self.pointer = pointer
        self.message = message
        self.mark = mark
    }

    public var description: String {
        let prefix = mark.map { "\($0): error: " } ?? "error: "
        return prefix + "invalid JSON Schema at #\(pointer): \(message)"
    }
}

/// One failed constraint. `pointer` points into the validated value ("" = root).
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    public var pointer: String
    public var message: String
    /// The offending node; for an unknown key the key's mark, for a missing
    /// required key the mark of the object that lacks it.
    public var mark: SourceMark?

    public init(pointer: String, message: String, mark: SourceMark? = nil) {
        self.pointer = pointer
        self.message = message
        self.mark = mark
    }

    /// "file:line:col: error: at /a/0: message" so it drops into compiler-style output.
    public var description: String {
        let location = pointer.isEmpty ? "" : "at \(pointer): "
        let prefix = mark.map { "\($0): error: " } ?? "error: "
        return prefix + location + message
    }

    /// The same problem as a `ConfigDiagnostic`, for callers that mix loader and schema errors.
    public var diagnostic: ConfigDiagnostic {
        ConfigDiagnostic(mark: mark, message: pointer.isEmpty ? message : "at \(pointer): \(message)")
    }
}
