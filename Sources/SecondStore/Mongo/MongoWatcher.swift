import CMongoc
import Foundation
import SecondCore

/// One `watch`: a change stream polled on its own thread (mongoc_change_stream_next blocks for up to maxAwaitTimeMS
/// on MongoDB and returns at once on nx-27017, so an empty poll sleeps briefly). Scope is enforced here: insert/update
/// events must match the query on their full document; deletes carry only an id, so they are delivered for ids known
/// to be in scope (those present when the watch opened, plus every matching insert/update seen since).
final class MongoWatcher: @unchecked Sendable {
    /// The libmongoc objects a watcher owns; the client goes back to the pool when the watcher ends.
    struct Opened: @unchecked Sendable {
        let client: OpaquePointer
        let collection: OpaquePointer
        let stream: OpaquePointer
        let knownIds: Set<String>

        func close(pool: CHandle) {
            mongoc_change_stream_destroy(stream)
            mongoc_collection_destroy(collection)
            mongoc_client_pool_push(pool.pointer, client)
        }
    }

    let finished = DispatchSemaphore(value: 0)
    private let query: Query
    private let continuation: AsyncThrowingStream<ChangeEvent, any Error>.Continuation
    private let lock = NSLock()
    private var cancelled = false

    init(query: Query, continuation: AsyncThrowingStream<ChangeEvent, any Error>.Continuation) {
        self.query = query
        self.continuation = continuation
    }

    func cancel() { lock.withLock { cancelled = true } }
    private var isCancelled: Bool { lock.withLock { cancelled } }

    /// Opens the change stream first, then reads the ids in scope, so no write falls between the two.
    static func open(pool: CHandle, target: MongoTarget, query: Query) throws -> Opened {
        guard let client = mongoc_client_pool_pop(pool.pointer) else { throw StoreError.failed("no MongoDB client available") }
        guard let coll = mongoc_client_get_collection(client, target.database, query.collection.rawValue) else {
            mongoc_client_pool_push(pool.pointer, client)
            throw StoreError.failed("no collection handle")
        }
        let (pipeline, options) = (MongoCommands.changeStreamPipeline(), MongoCommands.changeStreamOptions())
        guard let stream = pipeline.use({ p in options.use { mongoc_collection_watch(coll, p, $0) } }) else {
            mongoc_collection_destroy(coll)
            mongoc_client_pool_push(pool.pointer, client)
            throw StoreError.failed("mongoc_collection_watch returned no stream")
        }
        let opened = Opened(client: client, collection: coll, stream: stream, knownIds: [])
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_change_stream_error_document(stream, &error, &reply) {
            opened.close(pool: pool)
            throw MongoErrors.map(error, target, collection: query.collection)
        }
        do {
            let projection = BSONDocument()
            projection.append("projection", .object(["_id": .int(1)]))
            let ids = try MongoCalls.find(coll, MongoCommands.filter(query), projection, target, query.collection)
                .compactMap { $0["_id"]?.string }
            return Opened(client: client, collection: coll, stream: stream, knownIds: Set(ids))
        } catch {
            opened.close(pool: pool)
            throw error
        }
    }

    func run(_ opened: Opened, pool: CHandle, target: MongoTarget, onExit: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            poll(opened, target)
            opened.close(pool: pool)
            continuation.finish()
            onExit()
            finished.signal()
        }
        thread.name = "second.mongo.watch"
        thread.start()
    }

    private func poll(_ opened: Opened, _ target: MongoTarget) {
        var known = opened.knownIds
        while !isCancelled {
            let started = DispatchTime.now().uptimeNanoseconds
            var event: OpaquePointer?
            if mongoc_change_stream_next(opened.stream, &event), let event {
                deliver(BSONReader.document(event), &known)
                continue
            }
            var error = bson_error_t()
            var reply: OpaquePointer?
            if mongoc_change_stream_error_document(opened.stream, &error, &reply) {
                continuation.finish(throwing: MongoErrors.map(error, target, collection: query.collection))
                return
            }
            if DispatchTime.now().uptimeNanoseconds - started < 50_000_000 { usleep(50_000) }
        }
    }

    private func deliver(_ event: Document, _ known: inout Set<String>) {
        guard let op = event["operationType"]?.string, let id = event["documentKey"]?["_id"]?.string else { return }
        switch op {
        case "insert", "update", "replace":
            // An update whose document is already gone has no fullDocument; its delete event follows.
            guard case .object(let doc)? = event["fullDocument"] else { return }
            guard query.matches(doc) else { known.remove(id); return }
            known.insert(id)
            continuation.yield(ChangeEvent(kind: op == "insert" ? .insert : .update, id: id, document: doc))
        case "delete":
            if known.remove(id) != nil { continuation.yield(ChangeEvent(kind: .delete, id: id, document: nil)) }
        default:
            break
        }
    }
}
