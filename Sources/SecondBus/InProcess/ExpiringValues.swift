/// String values with a deadline, for single-use state and locks in memory (one keyspace, like Redis).
struct ExpiringValues: Sendable {
    private var entries: [String: (value: String, expiresAtMs: UInt64)] = [:]

    func get(_ key: String, atMs now: UInt64) -> String? {
        guard let e = entries[key], e.expiresAtMs > now else { return nil }
        return e.value
    }
    mutating func set(_ key: String, _ value: String, expiresAtMs: UInt64) { entries[key] = (value, expiresAtMs) }
    @discardableResult mutating func remove(_ key: String) -> String? { entries.removeValue(forKey: key)?.value }

    /// GET+DEL.
    mutating func take(_ key: String, atMs now: UInt64) -> String? {
        let v = get(key, atMs: now)
        entries.removeValue(forKey: key)
        return v
    }
    /// SET NX: false when a live value exists.
    mutating func setIfAbsent(_ key: String, _ value: String, expiresAtMs: UInt64, atMs now: UInt64) -> Bool {
        if get(key, atMs: now) != nil { return false }
        entries[key] = (value, expiresAtMs)
        return true
    }
    /// Compare-and-delete.
    mutating func removeIfEqual(_ key: String, _ value: String, atMs now: UInt64) -> Bool {
        guard get(key, atMs: now) == value else { return false }
        entries.removeValue(forKey: key)
        return true
    }
    mutating func sweep(atMs now: UInt64) { entries = entries.filter { $0.value.expiresAtMs > now } }
    var count: Int { entries.count }
}
