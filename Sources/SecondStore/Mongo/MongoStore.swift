import CMongoc
import Foundation
import SecondCore

/// A C pointer handed between threads. libmongoc's pool is thread-safe; a client, collection or change stream is
/// used by one thread at a time (the queue block or the watcher thread that owns it).
struct CHandle: @unchecked Sendable { let pointer: OpaquePointer }

/// MongoDB through libmongoc: one client pool per store; blocking libmongoc calls run on a dedicated concurrent
/// DispatchQueue (never on the Swift cooperative pool) and resume the caller through a continuation.
/// The URI is never logged or put into an error: messages name `MongoTarget.hosts` and are scrubbed of credentials.
public final class MongoStore: DocumentStore, @unchecked Sendable {
    public let kind = "mongodb"
    private let uri: String
    private let databaseOverride: String?
    private let queue = DispatchQueue(label: "second.store.mongo", attributes: .concurrent)
    private let lock = NSLock()
    // Guarded by `lock`.
    private var state: (pool: CHandle, target: MongoTarget)?
    private var watchers: [ObjectIdentifier: MongoWatcher] = [:]
    private var acceptingWatches = false

    /// `database` overrides the URI's database (default "second"); tests use it to isolate runs.
    public init(uri: String, database: String? = nil) {
        self.uri = uri
        self.databaseOverride = database
    }

    deinit {
        // Without stop(): free the pool unless a watcher thread may still use it (then leaking is the safe choice).
        if let state, watchers.isEmpty { mongoc_client_pool_destroy(state.pool.pointer) }
    }

    // MARK: lifecycle

    public func start() async throws {
        try await connect()
        do {
            try await createIndexes()
        } catch {
            await stop()
            throw error
        }
    }

    /// Creates the pool and pings the server, without touching collections (tests use it on a replica-set member
    /// that is not initiated yet, which refuses writes).
    func connect() async throws {
        if lock.withLock({ state != nil }) { return }
        let target = try MongoTarget(uri: uri, database: databaseOverride)
        let pool = try makePool(target)
        let installed = lock.withLock { () -> Bool in
            guard state == nil else { return false }
            state = (pool, target)
            acceptingWatches = true
            return true
        }
        guard installed else { mongoc_client_pool_destroy(pool.pointer); return }
        do {
            try await ping()
        } catch {
            await stop()
            throw error
        }
    }

    private func makePool(_ target: MongoTarget) throws(StoreError) -> CHandle {
        var error = bson_error_t()
        guard let u = mongoc_uri_new_with_error(uri, &error) else {
            throw .invalid("MONGODB_URI is not a valid MongoDB URI: \(target.scrub(error.text))")
        }
        defer { mongoc_uri_destroy(u) }
        // libmongoc waits 30 s by default before declaring the server unreachable; startup should fail sooner.
        if mongoc_uri_get_option_as_int32(u, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0) == 0 {
            mongoc_uri_set_option_as_int32(u, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 10_000)
        }
        if mongoc_uri_get_appname(u) == nil { mongoc_uri_set_appname(u, "second-server") }
        guard let pool = mongoc_client_pool_new(u) else {
            throw .invalid("cannot create a MongoDB client for \(target.hosts): check the TLS and auth options of MONGODB_URI")
        }
        mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2)
        return CHandle(pointer: pool)
    }

    private func createIndexes() async throws {
        try await withClient { client, target in
            guard let db = mongoc_client_get_database(client, target.database) else { throw StoreError.failed("no database handle") }
            defer { mongoc_database_destroy(db) }
            for c in StoreCollection.allCases {
                let specs = IndexCatalog.indexes(for: c)
                guard !specs.isEmpty else { continue }
                let (cmd, reply) = (MongoCommands.createIndexes(c, specs), BSONReply())
                var error = bson_error_t()
                let ok = cmd.use { cmd in reply.use { mongoc_database_write_command_with_opts(db, cmd, nil, $0, &error) } }
                guard ok else { throw MongoErrors.map(error, target, collection: c) }
            }
        }
    }

    /// Stops watchers (waiting for their threads to hand back their clients), then destroys the pool once every
    /// in-flight call has finished (a barrier on the concurrent queue).
    public func stop() async {
        let running = lock.withLock { () -> [MongoWatcher] in
            acceptingWatches = false
            return Array(watchers.values)
        }
        running.forEach { $0.cancel() }
        let allFinished = await withCheckedContinuation { (cont: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global().async {
                let deadline = DispatchTime.now() + .seconds(10)
                cont.resume(returning: running.allSatisfy { $0.finished.wait(timeout: deadline) == .success })
            }
        }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            queue.async(flags: .barrier) { [self] in
                let old = lock.withLock { () -> CHandle? in
                    defer { state = nil }
                    return state?.pool
                }
                // A watcher stuck in network I/O still holds a client: leaking the pool beats a use-after-free.
                if let old, allFinished { mongoc_client_pool_destroy(old.pointer) }
                cont.resume()
            }
        }
    }

    public func ping() async throws {
        try await withClient { client, target in
            _ = try MongoCalls.command(client, "admin", MongoCommands.single("ping", .int(1)), target)
        }
    }

    /// Runs one admin command (tests use it to initiate a single-node replica set).
    func runCommand(_ name: String, _ value: JSON, database: String = "admin") async throws -> Document {
        try await withClient { client, target in
            try MongoCalls.command(client, database, MongoCommands.single(name, value), target)
        }
    }

    // MARK: reads

    public func get(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Document? {
        let q = try StoreRules.query(c, workspaceId, [:])
        try StoreRules.checkId(id)
        return try await withCollection(c) { coll, target in
            try MongoCalls.find(coll, MongoCommands.filter(q, id: id), MongoCommands.single("limit", .int(1)), target, c).first
        }
    }

    public func find(_ c: StoreCollection, workspaceId: String?, where filter: Document, sort: [(String, Bool)],
                     limit: Int?) async throws -> [Document] {
        let q = try StoreRules.query(c, workspaceId, filter)
        let order = try StoreRules.sort(sort)
        let limit = try StoreRules.limit(limit)
        if limit == 0 { return [] }   // MongoDB reads limit 0 as "no limit"
        return try await withCollection(c) { coll, target in
            let opts = BSONDocument()
            opts.append("sort", document: MongoCommands.sort(order))
            if let limit { opts.append("limit", .int(Int64(limit))) }
            return try MongoCalls.find(coll, MongoCommands.filter(q), opts, target, c)
        }
    }

    public func findAcrossWorkspaces(_ c: StoreCollection, where filter: Document, limit: Int?) async throws -> [Document] {
        let q = try StoreRules.crossWorkspaceQuery(c, filter)
        let limit = try StoreRules.limit(limit)
        if limit == 0 { return [] }
        return try await withCollection(c) { coll, target in
            let opts = BSONDocument()
            opts.append("sort", document: MongoCommands.sort(try StoreRules.sort([])))
            if let limit { opts.append("limit", .int(Int64(limit))) }
            return try MongoCalls.find(coll, MongoCommands.filter(q), opts, target, c)
        }
    }

    public func count(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int {
        let q = try StoreRules.query(c, workspaceId, filter)
        return try await withCollection(c) { coll, target in try MongoCalls.count(coll, MongoCommands.filter(q), target, c) }
    }

    // MARK: writes

    public func insert(_ c: StoreCollection, workspaceId: String?, _ doc: Document) async throws {
        let (_, prepared) = try StoreRules.prepareInsert(c, workspaceId, doc)
        try await withCollection(c) { coll, target in
            let bson = BSONDocument(prepared)
            guard bson.byteCount <= StoreRules.maxDocumentBytes else { throw StoreError.invalid("document is larger than 16 MiB") }
            var error = bson_error_t()
            guard bson.use({ mongoc_collection_insert_one(coll, $0, nil, nil, &error) }) else {
                throw MongoErrors.map(error, target, collection: c)
            }
        }
    }

    public func update(_ c: StoreCollection, workspaceId: String?, id: String, set: Document, unset: [String],
                       inc: [String: Double], onlyIf: Document) async throws -> Bool {
        let q = try StoreRules.query(c, workspaceId, onlyIf)
        try StoreRules.checkId(id)
        let spec = try StoreRules.update(c, set: set, unset: unset, inc: inc)
        return try await withCollection(c) { coll, target in
            let selector = MongoCommands.filter(q, id: id)
            if spec.isEmpty { return try MongoCalls.count(coll, selector, target, c) > 0 }
            let (update, reply) = (MongoCommands.update(spec), BSONReply())
            var error = bson_error_t()
            // update_one is atomic on the server: the onlyIf conditions and the write apply to the same document version.
            let ok = selector.use { sel in update.use { upd in reply.use { mongoc_collection_update_one(coll, sel, upd, nil, $0, &error) } } }
            guard ok else { throw MongoErrors.map(error, target, collection: c) }
            return (reply.json["matchedCount"]?.int ?? 0) > 0
        }
    }

    public func delete(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Bool {
        let q = try StoreRules.query(c, workspaceId, [:])
        try StoreRules.checkId(id)
        return try await remove(q, id: id, many: false) > 0
    }

    public func deleteMany(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int {
        let q = try StoreRules.query(c, workspaceId, filter)
        return try await remove(q, id: nil, many: true)
    }

    private func remove(_ q: Query, id: String?, many: Bool) async throws -> Int {
        let c = q.collection
        return try await withCollection(c) { coll, target in
            let selector = MongoCommands.filter(q, id: id)
            let reply = BSONReply()
            var error = bson_error_t()
            let ok = selector.use { sel in
                reply.use { many ? mongoc_collection_delete_many(coll, sel, nil, $0, &error) : mongoc_collection_delete_one(coll, sel, nil, $0, &error) }
            }
            guard ok else { throw MongoErrors.map(error, target, collection: c) }
            return Int(reply.json["deletedCount"]?.int ?? 0)
        }
    }

    // MARK: watch

    public func watch(_ c: StoreCollection, workspaceId: String, where filter: Document) async throws -> AsyncThrowingStream<ChangeEvent, any Error> {
        let q = try StoreRules.query(c, workspaceId, filter)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ChangeEvent.self, throwing: (any Error).self)
        let watcher = MongoWatcher(query: q, continuation: continuation)
        continuation.onTermination = { _ in watcher.cancel() }
        try await onQueue { [self] pool, target in
            let opened = try MongoWatcher.open(pool: pool, target: target, query: q)
            let registered = lock.withLock { () -> Bool in
                guard acceptingWatches else { return false }
                watchers[ObjectIdentifier(watcher)] = watcher
                return true
            }
            guard registered else {
                opened.close(pool: pool)
                throw StoreError.unavailable("the MongoDB store is stopping")
            }
            watcher.run(opened, pool: pool, target: target) { [weak self] in
                guard let self else { return }
                _ = self.lock.withLock { self.watchers.removeValue(forKey: ObjectIdentifier(watcher)) }
            }
        }
        return stream
    }

    // MARK: plumbing

    /// Runs `body` on the store's queue with the pool; fails with .unavailable when the store is not started.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (CHandle, MongoTarget) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
            queue.async { [self] in
                guard let (pool, target) = lock.withLock({ state }) else {
                    cont.resume(throwing: StoreError.unavailable("the MongoDB store is not started"))
                    return
                }
                do { cont.resume(returning: try body(pool, target)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    private func withClient<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer, MongoTarget) throws -> T) async throws -> T {
        try await onQueue { pool, target in
            guard let client = mongoc_client_pool_pop(pool.pointer) else { throw StoreError.failed("no MongoDB client available") }
            defer { mongoc_client_pool_push(pool.pointer, client) }
            return try body(client, target)
        }
    }

    private func withCollection<T: Sendable>(_ c: StoreCollection, _ body: @escaping @Sendable (OpaquePointer, MongoTarget) throws -> T) async throws -> T {
        try await withClient { client, target in
            guard let coll = mongoc_client_get_collection(client, target.database, c.rawValue) else {
                throw StoreError.failed("no collection handle for \(c.rawValue)")
            }
            defer { mongoc_collection_destroy(coll) }
            return try body(coll, target)
        }
    }
}
