import Foundation
import SecondCore

/// The embedded default: SQLite in `<dataDir>/second.db` (WAL), used when MONGODB_URI is unset.
/// One connection driven by a serial queue: every call is serialised in process, and BEGIN IMMEDIATE plus
/// busy_timeout keep read-modify-write updates atomic against other processes on the same file.
public final class SQLiteStore: DocumentStore, @unchecked Sendable {
    public let kind = "sqlite"
    public let dataDir: String
    public var databasePath: String { (dataDir as NSString).appendingPathComponent("second.db") }

    private let queue = DispatchQueue(label: "second.store.sqlite")
    private var db: SQLiteDatabase?     // only touched on `queue`
    private let hub = ChangeHub()

    public init(dataDir: String) { self.dataDir = dataDir }

    // MARK: lifecycle

    public func start() async throws {
        try await onQueueRaw { [self] in
            guard db == nil else { return }
            do {
                try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.unavailable("cannot create the data directory \(dataDir): \(Self.reason(error))")
            }
            let opened = try SQLiteDatabase(path: databasePath)
            try opened.execute("PRAGMA journal_mode = WAL")
            try opened.execute("PRAGMA synchronous = NORMAL")   // WAL + NORMAL: durable across crashes of this process
            try opened.transaction { for sql in SQLiteSQL.schema() { try opened.execute(sql) } }
            db = opened
        }
    }

    public func stop() async {
        hub.finishAll()
        try? await onQueueRaw { [self] in
            db?.close()
            db = nil
        }
    }

    public func ping() async throws {
        try await onQueue { db in _ = try db.prepare("SELECT 1").step() }
    }

    // MARK: reads

    public func get(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Document? {
        let q = try StoreRules.query(c, workspaceId, [:])
        try StoreRules.checkId(id)
        return try await onQueue { db in
            let (clause, binds) = SQLiteSQL.whereClause(q)
            let stmt = try db.prepare("SELECT doc FROM \(SQLiteSQL.table(c)) WHERE id = ? AND \(clause)", [.text(id)] + binds)
            return try stmt.step() ? try Self.decode(stmt.text(0)) : nil
        }
    }

    public func find(_ c: StoreCollection, workspaceId: String?, where filter: Document, sort: [(String, Bool)],
                     limit: Int?) async throws -> [Document] {
        let q = try StoreRules.query(c, workspaceId, filter)
        let order = try StoreRules.sort(sort)
        let limit = try StoreRules.limit(limit)
        return try await onQueue { db in
            let (clause, binds) = SQLiteSQL.whereClause(q)
            var sql = "SELECT doc FROM \(SQLiteSQL.table(c)) WHERE \(clause) ORDER BY \(SQLiteSQL.orderBy(order, c))"
            if let limit { sql += " LIMIT \(limit)" }
            let stmt = try db.prepare(sql, binds)
            var docs: [Document] = []
            while try stmt.step() { docs.append(try Self.decode(stmt.text(0))) }
            return docs
        }
    }

    public func findAcrossWorkspaces(_ c: StoreCollection, where filter: Document, limit: Int?) async throws -> [Document] {
        let q = try StoreRules.crossWorkspaceQuery(c, filter)
        let limit = try StoreRules.limit(limit)
        return try await onQueue { db in
            let (clause, binds) = SQLiteSQL.whereClause(q)
            var sql = "SELECT doc FROM \(SQLiteSQL.table(c)) WHERE \(clause) ORDER BY \(SQLiteSQL.orderBy(try StoreRules.sort([]), c))"
            if let limit { sql += " LIMIT \(limit)" }
            let stmt = try db.prepare(sql, binds)
            var docs: [Document] = []
            while try stmt.step() { docs.append(try Self.decode(stmt.text(0))) }
            return docs
        }
    }

    public func count(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int {
        let q = try StoreRules.query(c, workspaceId, filter)
        return try await onQueue { db in
            let (clause, binds) = SQLiteSQL.whereClause(q)
            let stmt = try db.prepare("SELECT count(*) FROM \(SQLiteSQL.table(c)) WHERE \(clause)", binds)
            return try stmt.step() ? Int(stmt.int(0)) : 0
        }
    }

    // MARK: writes

    public func insert(_ c: StoreCollection, workspaceId: String?, _ doc: Document) async throws {
        let (id, prepared) = try StoreRules.prepareInsert(c, workspaceId, doc)
        let ws = prepared["workspaceId"]?.string
        try await onQueue { [hub] db in
            try db.prepare("INSERT INTO \(SQLiteSQL.table(c)) (id, workspace_id, doc) VALUES (?, ?, ?)",
                           [.text(id), c.isWorkspaceOwned ? ws.map(SQLValue.text) ?? .null : .null,
                            .text(JSON.object(prepared).text)]).run()
            if hub.hasSubscribers { hub.publish(c, .insert, id: id, document: Self.normalized(prepared)) }
        }
    }

    public func update(_ c: StoreCollection, workspaceId: String?, id: String, set: Document, unset: [String],
                       inc: [String: Double], onlyIf: Document) async throws -> Bool {
        let q = try StoreRules.query(c, workspaceId, onlyIf)
        try StoreRules.checkId(id)
        let spec = try StoreRules.update(c, set: set, unset: unset, inc: inc)
        return try await onQueue { [hub] db in
            let after: Document? = try db.transaction {
                let (clause, binds) = SQLiteSQL.whereClause(q)
                let stmt = try db.prepare("SELECT doc FROM \(SQLiteSQL.table(c)) WHERE id = ? AND \(clause)", [.text(id)] + binds)
                guard try stmt.step() else { return nil }
                let before = try Self.decode(stmt.text(0))
                if spec.isEmpty { return before }
                let after = try spec.apply(to: before)
                try StoreRules.checkSize(after)
                try db.prepare("UPDATE \(SQLiteSQL.table(c)) SET doc = ? WHERE id = ?", [.text(JSON.object(after).text), .text(id)]).run()
                return after
            }
            guard let after else { return false }
            if !spec.isEmpty, hub.hasSubscribers { hub.publish(c, .update, id: id, document: Self.normalized(after)) }
            return true
        }
    }

    public func delete(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Bool {
        let q = try StoreRules.query(c, workspaceId, ["_id": .string(id)])
        try StoreRules.checkId(id)
        return try await removeMatching(q) == 1
    }

    public func deleteMany(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int {
        try await removeMatching(try StoreRules.query(c, workspaceId, filter))
    }

    private func removeMatching(_ q: Query) async throws -> Int {
        try await onQueue { [hub] db in
            let (clause, binds) = SQLiteSQL.whereClause(q)
            let stmt = try db.prepare("DELETE FROM \(SQLiteSQL.table(q.collection)) WHERE \(clause) RETURNING id, doc", binds)
            let publish = hub.hasSubscribers
            var removed = 0
            while try stmt.step() {
                removed += 1
                if publish, let id = stmt.text(0), let before = try? Self.decode(stmt.text(1)) {
                    hub.publish(q.collection, .delete, id: id, document: before)
                }
            }
            return removed
        }
    }

    // MARK: watch

    public func watch(_ c: StoreCollection, workspaceId: String, where filter: Document) async throws -> AsyncThrowingStream<ChangeEvent, any Error> {
        let q = try StoreRules.query(c, workspaceId, filter)
        // Subscribing on the queue orders the subscription after every write already issued.
        return try await onQueue { [hub] _ in hub.subscribe(q) }
    }

    // MARK: plumbing

    /// Runs `body` on the store's queue with the open connection.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (SQLiteDatabase) throws -> T) async throws -> T {
        try await onQueueRaw { [self] in
            guard let db else { throw StoreError.unavailable("the embedded store at \(databasePath) is not started") }
            return try body(db)
        }
    }

    /// Runs `body` on the store's queue; maps SQLite failures to `StoreError`.
    private func onQueueRaw<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
            queue.async { [self] in
                do {
                    cont.resume(returning: try body())
                } catch let e as SQLiteFailure {
                    cont.resume(throwing: map(e))
                } catch {
                    cont.resume(throwing: error)
                }
            }
        }
    }

    private func map(_ e: SQLiteFailure) -> StoreError {
        let primary = e.code & 0xff
        if e.code == SQLiteFailure.constraintPrimaryKey { return .duplicateKey(collection: Self.table(in: e.message), fields: ["_id"]) }
        if e.code == SQLiteFailure.constraintUnique {
            // Expression indexes are named: "UNIQUE constraint failed: index 'users__emailNormalized_1'".
            for spec in IndexCatalog.all where e.message.contains("'\(SQLiteSQL.indexName(spec))'") {
                return .duplicateKey(collection: spec.collection.rawValue, fields: spec.fields)
            }
            return .duplicateKey(collection: Self.table(in: e.message), fields: ["_id"])
        }
        // BUSY, LOCKED, IOERR, CORRUPT, FULL, CANTOPEN, READONLY, NOTADB: the file, not the request, is the problem.
        if [5, 6, 10, 11, 13, 14, 8, 26, 23].contains(primary) {
            return .unavailable("\(databasePath): \(e.message)")
        }
        return .failed("\(databasePath): \(e.message)")
    }

    private static func table(in message: String) -> String {
        // "UNIQUE constraint failed: app_agent_runs.id" (": " keeps agent_runs from matching app_agent_runs).
        StoreCollection.allCases.first { message.contains(": \($0.rawValue).") }?.rawValue ?? "unknown"
    }

    private static func decode(_ text: String?) throws -> Document {
        guard let text, case .object(let doc)? = try? JSON.parse(text) else {
            throw StoreError.failed("a stored document is not a JSON object")
        }
        return doc
    }

    /// What a read would return (integral doubles become ints), so change events equal later reads.
    static func normalized(_ doc: Document) -> Document { doc.mapValues(deepNormalized) }

    private static func deepNormalized(_ v: JSON) -> JSON {
        switch v {
        case .double: return v.normalizedNumber
        case .array(let a): return .array(a.map(deepNormalized))
        case .object(let o): return .object(o.mapValues(deepNormalized))
        default: return v
        }
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return ns.localizedDescription
    }
}
