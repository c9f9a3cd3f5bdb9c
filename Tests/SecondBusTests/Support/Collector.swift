import Foundation
import Testing

/// Consumes a stream on its own task and keeps what arrived, so tests can wait for conditions with a timeout
/// and cancel the consumer (which ends the subscription).
final class Collector<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [T] = []
    private var end: (any Error)??        // .some(nil): finished normally
    private var task: Task<Void, Never>?

    init(_ stream: AsyncThrowingStream<T, any Error>) {
        let t = Task { [self] in
            do {
                for try await x in stream { lock.withLock { received.append(x) } }
                lock.withLock { end = .some(nil) }
            } catch {
                lock.withLock { end = .some(error) }
            }
        }
        lock.withLock { task = t }
    }

    var items: [T] { lock.withLock { received } }
    var count: Int { lock.withLock { received.count } }
    var isFinished: Bool { lock.withLock { end != nil } }
    /// The error the stream ended with (nil while running or after a normal end).
    var error: (any Error)? { lock.withLock { end ?? nil } }

    func cancel() { lock.withLock { task }?.cancel() }

    func waitFor(count n: Int, within seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await eventually("\(n) items", within: seconds, sourceLocation: sourceLocation) { count >= n || isFinished }
    }
    func waitForEnd(within seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await eventually("the end of the stream", within: seconds, sourceLocation: sourceLocation) { isFinished }
    }
}
