import SecondCore
import SecondStore

/// Counts store operations and errors for /metrics (second_store_operations_total,
/// second_store_errors_total by operation and error kind) around any DocumentStore.
final class InstrumentedStore: DocumentStore, @unchecked Sendable {
    let inner: any DocumentStore
    init(_ inner: any DocumentStore) { self.inner = inner }

    var kind: String { inner.kind }

    private func measure<T>(_ op: String, _ body: () async throws -> T) async throws -> T {
        Metrics.shared.increment("second_store_operations_total", "Store operations", labels: [("backend", inner.kind), ("op", op)])
        do { return try await body() } catch {
            let kind: String
            switch error as? StoreError {
            case .duplicateKey: kind = "duplicate_key"
            case .unavailable: kind = "unavailable"
            case .notReplicaSet: kind = "not_replica_set"
            case .invalid: kind = "invalid"
            default: kind = "failed"
            }
            Metrics.shared.increment("second_store_errors_total", "Store operations that failed", labels: [("backend", inner.kind), ("op", op), ("error", kind)])
            throw error
        }
    }

    func start() async throws { try await measure("start") { try await inner.start() } }
    func stop() async { await inner.stop() }
    func ping() async throws { try await measure("ping") { try await inner.ping() } }
    func insert(_ c: StoreCollection, workspaceId: String?, _ doc: Document) async throws {
        try await measure("insert") { try await inner.insert(c, workspaceId: workspaceId, doc) }
    }
    func get(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Document? {
        try await measure("get") { try await inner.get(c, workspaceId: workspaceId, id: id) }
    }
    func find(_ c: StoreCollection, workspaceId: String?, where filter: Document, sort: [(String, Bool)], limit: Int?) async throws -> [Document] {
        try await measure("find") { try await inner.find(c, workspaceId: workspaceId, where: filter, sort: sort, limit: limit) }
    }
    func findAcrossWorkspaces(_ c: StoreCollection, where filter: Document, limit: Int?) async throws -> [Document] {
        try await measure("find_across_workspaces") { try await inner.findAcrossWorkspaces(c, where: filter, limit: limit) }
    }
    func count(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int {
        try await measure("count") { try await inner.count(c, workspaceId: workspaceId, where: filter) }
    }
    func update(_ c: StoreCollection, workspaceId: String?, id: String, set: Document, unset: [String], inc: [String: Double], onlyIf: Document) async throws -> Bool {
        try await measure("update") { try await inner.update(c, workspaceId: workspaceId, id: id, set: set, unset: unset, inc: inc, onlyIf: onlyIf) }
    }
    func delete(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Bool {
        try await measure("delete") { try await inner.delete(c, workspaceId: workspaceId, id: id) }
    }
    func deleteMany(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int {
        try await measure("delete_many") { try await inner.deleteMany(c, workspaceId: workspaceId, where: filter) }
    }
    func watch(_ c: StoreCollection, workspaceId: String, where filter: Document) async throws -> AsyncThrowingStream<ChangeEvent, any Error> {
        try await measure("watch") { try await inner.watch(c, workspaceId: workspaceId, where: filter) }
    }
}
