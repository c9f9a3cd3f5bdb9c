import CYaml

/// Walks libyaml documents and builds `ConfigNode` trees: typing, marks,
/// merge keys, duplicate keys, environment substitution and expansion limits.
struct Composer {
    let fileName: String
    let bytes: [UInt8]
    let substitution: EnvSubstitution
    let explicitlyTagged: Set<Int>
    private(set) var diagnostics: [ConfigDiagnostic] = []

    /// Converted nodes by libyaml node index: an alias points at the same index,
    /// so reuse is a lookup and env errors inside an anchor are reported once.
    private var memo: [Int: Converted] = [:]
    private var inProgress = Set<Int>()
    private var reportedCycles = Set<Int>()
    private var expandedNodes = 0
    /// Set once a limit is hit; the tree is then unusable and conversion unwinds.
    private var aborted = false

    private struct Converted {
        var node: ConfigNode
        var size: Int      // nodes in the expanded subtree
        var height: Int    // levels in the expanded subtree
    }

    init(fileName: String, bytes: [UInt8], substitution: EnvSubstitution, explicitlyTagged: Set<Int>) {
        self.fileName = fileName
        self.bytes = bytes
        self.substitution = substitution
        self.explicitlyTagged = explicitlyTagged
    }

    mutating func composeStream() -> ConfigNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.append(ConfigDiagnostic(mark: nil, message: "cannot initialise the YAML parser"))
            return nil
        }
        defer { yaml_parser_delete(&parser) }
        let input = bytes
        return input.withUnsafeBufferPointer { buffer -> ConfigNode? in
            guard let base = buffer.baseAddress else { return ConfigNode(.null) }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var root: ConfigNode?
            var documents = 0
            while true {
                var document = yaml_document_t()
                guard yaml_parser_load(&parser, &document) == 1 else {
                    // libyaml has already freed the partial document.
                    diagnostics.append(parserError(parser))
                    return documents == 0 ? nil : root
                }
                defer { yaml_document_delete(&document) }
                guard yaml_document_get_root_node(&document) != nil else {
                    // End of stream; a stream with no document at all is an empty file.
                    return documents == 0 ? ConfigNode(.null) : root
                }
                documents += 1
                if documents == 1 {
                    root = withUnsafeMutablePointer(to: &document) { convert($0, index: 1, depth: 1) }
                    if aborted { root = nil }
                } else if documents == 2 {
                    diagnostics.append(ConfigDiagnostic(mark: mark(document.start_mark),
                        message: "only one YAML document is allowed per file (found a second document here)"))
                }
                // Keep reading so syntax errors later in the stream are reported too.
            }
        }
    }

    // MARK: - Nodes

    private mutating func convert(_ doc: UnsafeMutablePointer<yaml_document_t>, index: Int,
                                  depth: Int, parentMark: SourceMark? = nil) -> ConfigNode? {
        guard !aborted, let node = yaml_document_get_node(doc, Int32(index)) else { return nil }
        let nodeMark = mark(node.pointee.start_mark)
        if let done = memo[index] {
            // Reused through an alias. libyaml keeps no mark for the alias itself,
            // so point at the node that contains it and name the anchor's place.
            let at = parentMark ?? nodeMark
            expandedNodes += done.size
            if expandedNodes > YAMLLoader.maxExpandedNodes {
                return abort(at: at, "aliases expand to more than \(YAMLLoader.maxExpandedNodes) nodes "
                    + "(alias to the anchor at \(nodeMark.lineColumn) repeated too often; alias bomb?)")
            }
            if depth - 1 + done.height > YAMLLoader.maxDepth {
                return abort(at: at, "nesting is deeper than \(YAMLLoader.maxDepth) levels after expanding "
                    + "the alias to the anchor at \(nodeMark.lineColumn)")
            }
            return done.node
        }
        if inProgress.contains(index) {
            if reportedCycles.insert(index).inserted {
                diagnostics.append(ConfigDiagnostic(mark: nodeMark,
                    message: "recursive alias: this node contains an alias to itself; replaced by null"))
            }
            return ConfigNode(.null, mark: nodeMark)
        }
        guard depth <= YAMLLoader.maxDepth else {
            return abort(at: nodeMark, "nesting is deeper than \(YAMLLoader.maxDepth) levels")
        }
        expandedNodes += 1
        if expandedNodes > YAMLLoader.maxExpandedNodes {
            return abort(at: nodeMark, "document has more than \(YAMLLoader.maxExpandedNodes) nodes")
        }
        inProgress.insert(index)
        defer { inProgress.remove(index) }
        let sizeBefore = expandedNodes
        var height = 1
        let result: ConfigNode?
        switch node.pointee.type {
        case YAML_SCALAR_NODE:
            result = scalar(node, mark: nodeMark)
        case YAML_SEQUENCE_NODE:
            result = sequence(doc, node, mark: nodeMark, depth: depth, height: &height)
        case YAML_MAPPING_NODE:
            result = mapping(doc, node, mark: nodeMark, depth: depth, height: &height)
        default:
            result = ConfigNode(.null, mark: nodeMark)
        }
        guard let result, !aborted else { return nil }
        memo[index] = Converted(node: result, size: expandedNodes - sizeBefore + 1, height: height)
        return result
    }

    private mutating func abort(at mark: SourceMark, _ message: String) -> ConfigNode? {
        if !aborted { diagnostics.append(ConfigDiagnostic(mark: mark, message: message)) }
        aborted = true
        return nil
    }

    private mutating func sequence(_ doc: UnsafeMutablePointer<yaml_document_t>, _ node: UnsafeMutablePointer<yaml_node_t>,
                                   mark: SourceMark, depth: Int, height: inout Int) -> ConfigNode? {
        var items: [ConfigNode] = []
        let stack = node.pointee.data.sequence.items
        guard let start = stack.start, let top = stack.top else { return ConfigNode(.array([]), mark: mark) }
        for offset in 0..<start.distance(to: top) {
            guard let item = convert(doc, index: Int(start[offset]), depth: depth + 1, parentMark: mark) else { return nil }
            items.append(item)
            height = max(height, 1 + heightOf(Int(start[offset])))
        }
        return ConfigNode(.array(items), mark: mark)
    }

    private func heightOf(_ index: Int) -> Int { memo[index]?.height ?? 1 }

    private mutating func mapping(_ doc: UnsafeMutablePointer<yaml_document_t>, _ node: UnsafeMutablePointer<yaml_node_t>,
                                  mark: SourceMark, depth: Int, height: inout Int) -> ConfigNode? {
        let stack = node.pointee.data.mapping.pairs
        guard let start = stack.start, let top = stack.top else { return ConfigNode(.object([]), mark: mark) }
        // Explicit entries in order, with merge groups remembered at the position of their "<<".
        enum Part { case entry(ConfigEntry), merge([ConfigEntry]) }
        var parts: [Part] = []
        var explicitKeys: [String: SourceMark] = [:]
        for offset in 0..<start.distance(to: top) {
            let pair = start[offset]
            guard let keyNode = yaml_document_get_node(doc, pair.key) else { continue }
            let keyMark = self.mark(keyNode.pointee.start_mark)
            guard keyNode.pointee.type == YAML_SCALAR_NODE else {
                let kind = keyNode.pointee.type == YAML_MAPPING_NODE ? "mapping" : "sequence"
                diagnostics.append(ConfigDiagnostic(mark: keyMark, message: "mapping keys must be scalars (got a \(kind))"))
                continue
            }
            let key = scalarText(keyNode)
            let valueIndex = Int(pair.value)
            if key == "<<", keyNode.pointee.data.scalar.style == YAML_PLAIN_SCALAR_STYLE {
                guard let value = convert(doc, index: valueIndex, depth: depth + 1, parentMark: keyMark) else { return nil }
                height = max(height, 1 + heightOf(valueIndex))
                if let merged = mergeEntries(value, keyMark: keyMark) { parts.append(.merge(merged)) }
                continue
            }
            if let first = explicitKeys[key] {
                diagnostics.append(ConfigDiagnostic(mark: keyMark,
                    message: "duplicate key \"\(key)\" (first at \(first.lineColumn))"))
                continue
            }
            explicitKeys[key] = keyMark
            guard let value = convert(doc, index: valueIndex, depth: depth + 1, parentMark: keyMark) else { return nil }
            height = max(height, 1 + heightOf(valueIndex))
            parts.append(.entry(ConfigEntry(key: key, keyMark: keyMark, value: value)))
        }
        // Explicit keys win over merged ones; among merges the first source wins.
        var entries: [ConfigEntry] = []
        var mergedKeys = Set<String>()
        for part in parts {
            switch part {
            case .entry(let entry): entries.append(entry)
            case .merge(let merged):
                for entry in merged where explicitKeys[entry.key] == nil && mergedKeys.insert(entry.key).inserted {
                    entries.append(entry)
                }
            }
        }
        return ConfigNode(.object(entries), mark: mark)
    }

    /// The value of "<<" must be a mapping or a sequence of mappings.
    private mutating func mergeEntries(_ value: ConfigNode, keyMark: SourceMark) -> [ConfigEntry]? {
        switch value.value {
        case .object(let entries): return entries
        case .array(let items):
            var result: [ConfigEntry] = []
            for item in items {
                guard case .object(let entries) = item.value else {
                    diagnostics.append(ConfigDiagnostic(mark: item.mark ?? keyMark,
                        message: "merge key \"<<\" expects mappings, got \(item.typeName)"))
                    continue
                }
                result.append(contentsOf: entries)
            }
            return result
        default:
            diagnostics.append(ConfigDiagnostic(mark: value.mark ?? keyMark,
                message: "merge key \"<<\" expects a mapping or a sequence of mappings, got \(value.typeName)"))
            return nil
        }
    }

    private mutating func scalar(_ node: UnsafeMutablePointer<yaml_node_t>, mark: SourceMark) -> ConfigNode {
        var text = scalarText(node)
        let style = node.pointee.data.scalar.style
        let tag = node.pointee.tag.map { String(cString: $0) } ?? ScalarTyping.strTag
        let substituted = substitution.substitute(text)
        for message in substituted.errors {
            diagnostics.append(ConfigDiagnostic(mark: mark, message: message))
        }
        text = substituted.text
        if tag != ScalarTyping.strTag, let typed = ScalarTyping.resolveTagged(text, tag: tag) {
            switch typed {
            case .success(let value): return ConfigNode(value, mark: mark)
            case .failure(let error):
                diagnostics.append(ConfigDiagnostic(mark: mark, message: error.message))
                return ConfigNode(.string(text), mark: mark)
            }
        }
        // libyaml stamps the str tag on untagged scalars too, so only the style
        // (and the explicit-tag pre-pass for `!!str`/`!`) tells a string apart.
        if style == YAML_PLAIN_SCALAR_STYLE, !explicitlyTagged.contains(Int(node.pointee.start_mark.index)) {
            return ConfigNode(ScalarTyping.resolvePlain(text), mark: mark)
        }
        return ConfigNode(.string(text), mark: mark)
    }

    private func scalarText(_ node: UnsafeMutablePointer<yaml_node_t>) -> String {
        let data = node.pointee.data.scalar
        guard let value = data.value else { return "" }
        return String(decoding: UnsafeBufferPointer(start: value, count: data.length), as: UTF8.self)
    }

    // MARK: - Marks and errors

    private func mark(_ m: yaml_mark_t) -> SourceMark {
        SourceMark(file: fileName, line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    /// Turns libyaml's problem/context pair into one readable message at the problem mark.
    private func parserError(_ parser: yaml_parser_t) -> ConfigDiagnostic {
        guard let problemPtr = parser.problem else {
            let what = parser.error == YAML_MEMORY_ERROR ? "out of memory while parsing YAML" : "cannot parse YAML"
            return ConfigDiagnostic(mark: nil, message: what)
        }
        let problem = String(cString: problemPtr)
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark.
            var message = problem
            if parser.problem_value != -1 {
                message += " (byte 0x" + String(parser.problem_value, radix: 16, uppercase: true) + ")"
            }
            return ConfigDiagnostic(mark: markForOffset(parser.problem_offset), message: message)
        }
        var message = problem
        if parser.context != nil, problem == "second occurrence" {
            // libyaml's wording for a redefined anchor reads backwards; restate it.
            message = "duplicate anchor (first defined at \(mark(parser.context_mark).lineColumn))"
        } else if let contextPtr = parser.context {
            let context = String(cString: contextPtr)
            let where_ = mark(parser.context_mark).lineColumn
            message = context.hasPrefix("while")
                ? "\(problem) (\(context) at \(where_))"
                : "\(context) at \(where_); \(problem)"
        }
        return ConfigDiagnostic(mark: mark(parser.problem_mark), message: message)
    }

    private func markForOffset(_ offset: Int) -> SourceMark {
        var line = 1, column = 1
        for b in bytes.prefix(offset) {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return SourceMark(file: fileName, line: line, column: column)
    }
}
