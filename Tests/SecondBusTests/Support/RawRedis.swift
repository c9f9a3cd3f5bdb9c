import Foundation
@testable import SecondBus

/// A plain hiredis connection for checking what the bus wrote, run on its own serial queue so blocking reads
/// never occupy the (2-thread) cooperative pool.
final class RawRedis: @unchecked Sendable {
    private let conn: RedisConnection
    private let queue = DispatchQueue(label: "raw-redis")

    private init(_ conn: RedisConnection) { self.conn = conn }

    static func connect(_ endpoint: RedisEndpoint) async throws -> RawRedis {
        try await onQueue(DispatchQueue.global()) {
            RawRedis(try RedisConnection.open(endpoint, connectTimeoutMs: 1000, commandTimeoutMs: 3000))
        }
    }
    static func connectShared() async throws -> RawRedis {
        try await connect(try RedisEndpoint.parse(try await SharedRedis.shared.url()))
    }

    func call(_ args: [String]) async throws -> RedisReply {
        try await Self.onQueue(queue) { try self.conn.call(args) }
    }

    /// The next pushed message on a subscribed connection, waiting at most `seconds`.
    func nextMessage(within seconds: Double = 5) async throws -> String {
        try await Self.onQueue(queue) {
            let wake = WakePipe()
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { wake.wake() }
            while true {
                switch try self.conn.readPush(wake: wake.readFD) {
                case .message(_, let payload): return payload
                case .other: continue
                case .woken: throw TestFailure("no message within \(seconds) s")
                }
            }
        }
    }

    private static func onQueue<T: Sendable>(_ q: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in q.async { c.resume(with: Result { try body() }) } }
    }
}
