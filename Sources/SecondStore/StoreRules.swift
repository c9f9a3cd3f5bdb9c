import SecondCore

/// Input validation shared by both stores, so bad input fails the same way (.invalid) before reaching a backend.
enum StoreRules {
    /// MongoDB's BSON document limit; the embedded store enforces the same number on the same (BSON) measure.
    static let maxDocumentBytes = 16 * 1024 * 1024
    static let maxDepth = 100
    static let maxIdBytes = 1024
    static let maxInValues = 5000

    static func quoted(_ s: String) -> String {
        let clipped = s.count > 60 ? String(s.prefix(60)) + "…" : s
        return "\"" + clipped.replacingOccurrences(of: "\0", with: "\\0") + "\""
    }

    // MARK: scope and ids

    /// Returns the workspace scope to apply (nil for global collections).
    static func scope(_ c: StoreCollection, _ workspaceId: String?) throws(StoreError) -> String? {
        guard c.isWorkspaceOwned else {
            if workspaceId != nil { throw .invalid("\(c.rawValue) is not workspace-owned: pass workspaceId nil") }
            return nil
        }
        guard let ws = workspaceId else { throw .invalid("workspaceId is required for \(c.rawValue)") }
        guard !ws.isEmpty, ws.utf8.count <= maxIdBytes, !ws.contains("\0") else {
            throw .invalid("workspaceId must be a non-empty string without NUL, at most \(maxIdBytes) bytes")
        }
        return ws
    }

    static func checkId(_ id: String) throws(StoreError) {
        guard !id.isEmpty, id.utf8.count <= maxIdBytes, !id.contains("\0") else {
            throw .invalid("_id must be a non-empty string without NUL, at most \(maxIdBytes) bytes")
        }
    }

    /// Validates a document for insert and writes the workspace scope into it.
    static func prepareInsert(_ c: StoreCollection, _ workspaceId: String?, _ doc: Document) throws(StoreError) -> (id: String, doc: Document) {
        let ws = try scope(c, workspaceId)
        guard let idValue = doc["_id"] else { throw .invalid("document has no _id") }
        guard case .string(let id) = idValue else { throw .invalid("_id must be a string") }
        try checkId(id)
        var out = doc
        if let ws {
            if let given = doc["workspaceId"], given != .string(ws) {
                throw .invalid("document workspaceId differs from the workspace scope")
            }
            out["workspaceId"] = .string(ws)
        }
        try checkSize(out)
        return (id, out)
    }

    // MARK: documents

    /// Validates every key and value and checks the BSON size against `maxDocumentBytes`.
    static func checkSize(_ doc: Document) throws(StoreError) {
        let size = try bsonSize(doc, depth: 1)
        guard size <= maxDocumentBytes else {
            throw .invalid("document is \(size) bytes; the limit is \(maxDocumentBytes)")
        }
    }

    static func checkKey(_ key: String) throws(StoreError) {
        guard !key.isEmpty, !key.contains("$"), !key.contains("\0"), !key.hasPrefix(".") else {
            throw .invalid("field name \(quoted(key)) is not allowed (empty, contains \"$\" or NUL, or starts with \".\")")
        }
    }

    /// Exact BSON size of the document as the MongoDB store encodes it (ints as int64).
    static func bsonSize(_ doc: Document, depth: Int) throws(StoreError) -> Int {
        guard depth <= maxDepth else { throw .invalid("document nesting is deeper than \(maxDepth) levels") }
        var size = 5
        for (key, value) in doc {
            try checkKey(key)
            size += 2 + key.utf8.count + (try valueSize(value, depth: depth))
        }
        return size
    }

    static func valueSize(_ value: JSON, depth: Int) throws(StoreError) -> Int {
        switch value {
        case .null: return 0
        case .bool: return 1
        case .int: return 8
        case .double(let d):
            guard d.isFinite else { throw .invalid("numbers must be finite (NaN and infinity cannot be stored)") }
            return 8
        case .string(let s): return 5 + s.utf8.count
        case .object(let o): return try bsonSize(o, depth: depth + 1)
        case .array(let a):
            guard depth + 1 <= maxDepth else { throw .invalid("document nesting is deeper than \(maxDepth) levels") }
            var size = 5
            for (i, item) in a.enumerated() { size += 2 + String(i).utf8.count + (try valueSize(item, depth: depth + 1)) }
            return size
        }
    }

    // MARK: filters, sort, limit

    static func query(_ c: StoreCollection, _ workspaceId: String?, _ filter: Document) throws(StoreError) -> Query {
        try build(c, try scope(c, workspaceId), filter)
    }

    /// The only reads allowed across workspaces, each keyed by the caller's own identity:
    /// a user's memberships (by userId), the invitations addressed to an email (by emailNormalized), and
    /// the run watchdog's scan of app-agent runs by status (it fails stale runs in every workspace).
    static let crossWorkspaceKeys: [StoreCollection: String] = [.workspaceMemberships: "userId", .workspaceInvitations: "emailNormalized",
                                                                .appAgentRuns: "status"]

    static func crossWorkspaceQuery(_ c: StoreCollection, _ filter: Document) throws(StoreError) -> Query {
        guard let key = crossWorkspaceKeys[c], case .string(let v)? = filter[key], !v.isEmpty else {
            throw .invalid("reads across workspaces are allowed only for workspace_memberships by userId and workspace_invitations by emailNormalized and app_agent_runs by status")
        }
        return try build(c, nil, filter)
    }

    private static func build(_ c: StoreCollection, _ ws: String?, _ filter: Document) throws(StoreError) -> Query {
        var conditions: [Condition] = []
        for key in filter.keys.sorted() {
            guard let value = filter[key] else { continue }
            let path = try FieldPath(key, role: "filter")
            if let ws, key == "workspaceId" {
                // The scope is the only workspace a query may name; anything else is a caller bug, not an empty result.
                guard value == .string(ws) else { throw .invalid("filter workspaceId differs from the workspace scope") }
                continue
            }
            conditions.append(Condition(path: path, values: try candidates(value, key)))
        }
        // Also bounds the SQL variables of one embedded-store statement (SQLite allows 32766).
        guard conditions.reduce(0, { $0 + $1.values.count }) <= maxInValues else {
            throw .invalid("a filter may name at most \(maxInValues) values in all")
        }
        return Query(collection: c, workspaceId: ws, conditions: conditions)
    }

    static func candidates(_ value: JSON, _ key: String) throws(StoreError) -> [JSON] {
        let message = "filter value for \(quoted(key)) must be a scalar or {\"$in\": [scalars]}"
        func scalar(_ v: JSON) throws(StoreError) -> JSON {
            switch v {
            case .null, .bool, .int, .string: return v
            case .double(let d) where d.isFinite: return v
            default: throw .invalid(message)
            }
        }
        if case .object(let o) = value {
            guard o.count == 1, case .array(let list)? = o["$in"] else { throw .invalid(message) }
            var out: [JSON] = []
            for v in list { out.append(try scalar(v)) }
            return out
        }
        return [try scalar(value)]
    }

    static func sort(_ keys: [(String, Bool)]) throws(StoreError) -> SortSpec {
        guard keys.count <= 31 else { throw .invalid("at most 31 sort keys") }
        var out: [(FieldPath, Bool)] = []
        for (k, asc) in keys { out.append((try FieldPath(k, role: "sort"), asc)) }
        if !keys.contains(where: { $0.0 == "_id" }) { out.append((FieldPath(trusted: "_id"), true)) }
        return SortSpec(keys: out)
    }

    static func limit(_ limit: Int?) throws(StoreError) -> Int? {
        if let limit, limit < 0 { throw .invalid("limit must not be negative") }
        return limit
    }

    // MARK: updates

    static func update(_ c: StoreCollection, set: Document, unset: [String], inc: [String: Double]) throws(StoreError) -> UpdateSpec {
        func target(_ key: String, _ role: String) throws(StoreError) -> FieldPath {
            let p = try FieldPath(key, role: role)
            if p.segments[0] == "_id" { throw .invalid("_id cannot be changed") }
            if c.isWorkspaceOwned, p.segments[0] == "workspaceId" { throw .invalid("workspaceId cannot be changed") }
            return p
        }
        var setList: [(FieldPath, JSON)] = []
        for key in set.keys.sorted() {
            guard let v = set[key] else { continue }
            let p = try target(key, "$set")
            let size = try valueSize(v, depth: p.segments.count)
            guard size <= maxDocumentBytes else { throw .invalid("$set value for \(quoted(key)) is larger than \(maxDocumentBytes) bytes") }
            setList.append((p, v))
        }
        var unsetList: [FieldPath] = []
        for key in unset { unsetList.append(try target(key, "$unset")) }
        var incList: [(FieldPath, Double)] = []
        for key in inc.keys.sorted() {
            guard let d = inc[key] else { continue }
            guard d.isFinite else { throw .invalid("$inc for \(quoted(key)) must be finite") }
            incList.append((try target(key, "$inc"), d))
        }
        let paths = (setList.map(\.0) + unsetList + incList.map(\.0)).sorted { $0.segments.lexicographicallyPrecedes($1.segments) }
        for (a, b) in zip(paths, paths.dropFirst()) where b.hasPrefix(a) {
            throw .invalid("update paths \(quoted(a.dotted)) and \(quoted(b.dotted)) overlap")
        }
        return UpdateSpec(set: setList, unset: unsetList, inc: incList)
    }
}
