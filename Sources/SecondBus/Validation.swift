/// Input rules shared by both implementations, so a bad id fails the same way with or without Redis.
enum Validate {
    /// Keys and ids: non-empty, at most 256 UTF-8 bytes, no whitespace or control characters.
    static func key(_ value: String, _ what: String) throws(BusError) {
        if value.isEmpty { throw .invalid("\(what) is empty") }
        if value.utf8.count > BusLimits.maxKeyBytes {
            throw .invalid("\(what) is longer than \(BusLimits.maxKeyBytes) bytes")
        }
        for s in value.unicodeScalars where s.properties.isWhitespace || s.properties.generalCategory == .control {
            throw .invalid("\(what) contains whitespace or a control character (U+\(String(s.value, radix: 16, uppercase: true)))")
        }
    }

    static func payload(_ value: String, _ what: String) throws(BusError) {
        if value.utf8.count > BusLimits.maxPayloadBytes {
            throw .invalid("\(what) is larger than 1 MiB (\(value.utf8.count) bytes)")
        }
    }

    static func ttl(_ ms: Int) throws(BusError) {
        if ms <= 0 || ms > 30 * 86_400_000 { throw .invalid("ttlMs \(ms) must be in 1...\(30 * 86_400_000)") }
    }

    static func event(_ e: WorkspaceEvent) throws(BusError) {
        if e.version != 1 { throw .invalid("event version \(e.version) is not 1") }
        for (name, value) in e.idFields { if let value { try key(value, "event \(name)") } }
    }
}
