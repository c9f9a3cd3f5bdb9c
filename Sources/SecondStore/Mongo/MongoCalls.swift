import CMongoc
import SecondCore

/// Synchronous libmongoc calls shared by MongoStore and MongoWatcher; run only on the store's queue or a watcher thread.
enum MongoCalls {
    static func command(_ client: OpaquePointer, _ database: String, _ cmd: BSONDocument, _ target: MongoTarget) throws -> Document {
        let reply = BSONReply()
        var error = bson_error_t()
        let ok = cmd.use { cmd in reply.use { mongoc_client_command_simple(client, database, cmd, nil, $0, &error) } }
        guard ok else { throw MongoErrors.map(error, target, collection: nil) }
        return reply.json
    }

    static func find(_ coll: OpaquePointer, _ filter: BSONDocument, _ opts: BSONDocument, _ target: MongoTarget,
                     _ c: StoreCollection) throws -> [Document] {
        let cursor = filter.use { f in opts.use { mongoc_collection_find_with_opts(coll, f, $0, nil) } }
        return try drain(cursor, target, c)
    }

    static func drain(_ cursor: OpaquePointer?, _ target: MongoTarget, _ c: StoreCollection) throws -> [Document] {
        guard let cursor else { throw StoreError.failed("no cursor") }
        defer { mongoc_cursor_destroy(cursor) }
        var docs: [Document] = []
        var current: OpaquePointer?
        while mongoc_cursor_next(cursor, &current) {
            if let current { docs.append(BSONReader.document(current)) }
        }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw MongoErrors.map(error, target, collection: c) }
        return docs
    }

    static func count(_ coll: OpaquePointer, _ filter: BSONDocument, _ target: MongoTarget, _ c: StoreCollection) throws -> Int {
        var error = bson_error_t()
        let n = filter.use { mongoc_collection_count_documents(coll, $0, nil, nil, nil, &error) }
        guard n >= 0 else { throw MongoErrors.map(error, target, collection: c) }
        return Int(n)
    }
}
