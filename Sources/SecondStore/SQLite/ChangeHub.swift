import Foundation
import SecondCore

/// The embedded store's change feed: an in-process fan-out fed by the store's own committed writes.
/// Single process only (and only writes made through the same `SQLiteStore` instance); a second server process on
/// the same data directory would not see these events. Use MongoDB for multi-process deployments.
final class ChangeHub: @unchecked Sendable {
    private struct Subscriber {
        let query: Query
        let continuation: AsyncThrowingStream<ChangeEvent, any Error>.Continuation
    }

    private let lock = NSLock()
    private var subscribers: [UUID: Subscriber] = [:]

    func subscribe(_ query: Query) -> AsyncThrowingStream<ChangeEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ChangeEvent.self, throwing: (any Error).self)
        let id = UUID()
        lock.withLock { subscribers[id] = Subscriber(query: query, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// `document` is the after-image for insert/update and the before-image for delete (used only for scoping).
    func publish(_ collection: StoreCollection, _ kind: ChangeEvent.Kind, id: String, document: Document) {
        let targets = lock.withLock { subscribers.values.filter { $0.query.collection == collection } }
        guard !targets.isEmpty else { return }
        let event = ChangeEvent(kind: kind, id: id, document: kind == .delete ? nil : document)
        for s in targets where s.query.matches(document) { s.continuation.yield(event) }
    }

    var hasSubscribers: Bool { lock.withLock { !subscribers.isEmpty } }

    func finishAll() {
        let all = lock.withLock { () -> [Subscriber] in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for s in all { s.continuation.finish() }
    }
}
