import CYaml

/// Loads one YAML document into `ConfigNode`s with source marks, using
/// libyaml's document API. Collects every diagnostic it can in one run so a
/// user fixes a broken file in one pass instead of one error per restart.
public enum YAMLLoader {
    /// Deeper nesting is refused: downstream code (JSON output, validation) recurses.
    public static let maxDepth = 512
    /// Cap on nodes after alias expansion ("billion laughs").
    public static let maxExpandedNodes = 1_000_000

    /// Parses `string`. `root` is nil when the text is not a usable document
    /// (syntax error, nesting too deep, alias bomb); an empty stream yields `.null`.
    public static func load(string: String, fileName: String,
                            environment: [String: String]) -> (root: ConfigNode?, diagnostics: [ConfigDiagnostic]) {
        load(bytes: Array(string.utf8), fileName: fileName,
             substitution: EnvSubstitution(environment: environment))
    }

    /// Reads and parses a file; an unreadable file gives "cannot read FILE: reason".
    public static func load(file path: String,
                            environment: [String: String]) -> (root: ConfigNode?, diagnostics: [ConfigDiagnostic]) {
        switch FileReading.readBytes(path) {
        case .failure(let e):
            return (nil, [ConfigDiagnostic(mark: nil, message: "cannot read \(path): \(e.reason)")])
        case .success(let bytes):
            return load(bytes: bytes, fileName: path, substitution: EnvSubstitution(environment: environment))
        }
    }

    /// Convenience for callers that just want a tree or all problems at once.
    public static func loadRoot(file path: String, environment: [String: String]) throws -> ConfigNode {
        let (root, diagnostics) = load(file: path, environment: environment)
        guard diagnostics.isEmpty, let root else { throw ConfigDiagnostics(diagnostics) }
        return root
    }

    static func load(bytes: [UInt8], fileName: String,
                     substitution: EnvSubstitution) -> (root: ConfigNode?, diagnostics: [ConfigDiagnostic]) {
        // libyaml asserts on a NULL input pointer, which an empty array may have.
        guard !bytes.isEmpty else { return (ConfigNode(.null), []) }
        let explicitTags = bytes.contains(UInt8(ascii: "!")) ? explicitlyTaggedScalars(bytes) : []
        var composer = Composer(fileName: fileName, bytes: bytes, substitution: substitution,
                                explicitlyTagged: explicitTags)
        let root = composer.composeStream()
        return (root, composer.diagnostics)
    }

    /// Byte offsets of scalars that carry an explicit tag. The document API maps
    /// both `!!str 12` and a bare `12` to the default str tag, so without this
    /// pass `!!str 12` would be typed as an integer.
    static func explicitlyTaggedScalars(_ bytes: [UInt8]) -> Set<Int> {
        var result = Set<Int>()
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return result }
        defer { yaml_parser_delete(&parser) }
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let type = event.type
                if type == YAML_SCALAR_EVENT, event.data.scalar.tag != nil {
                    result.insert(event.start_mark.index)
                }
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT { break }
            }
        }
        return result
    }
}
