import Foundation

/// One SUBSCRIBE connection on its own thread, for one workspace subscription or one replay reader.
/// Loop: connect → SUBSCRIBE → `handler(.subscribed)` → `handler(.message)` per message; on any `.unavailable`
/// (connection lost, or the handler's history read failed) it closes, waits out the backoff and starts over,
/// telling the handler `resumed: true`. It ends when the handler says `.stop`, on `cancel`, or on another error.
final class ChannelListener: @unchecked Sendable {
    enum Event { case subscribed(resumed: Bool), message(String) }
    enum Verdict { case proceed, stop }
    typealias Handler = @Sendable (Event) throws(BusError) -> Verdict

    private let channel: String
    private let endpoint: RedisEndpoint
    private let settings: BusSettings
    private let wake = WakePipe()
    private let lock = NSLock()
    private var cancelReason: BusError??   // guarded by lock; .some(nil) = consumer cancelled
    private var ready: (@Sendable (Result<Void, BusError>) -> Void)?  // guarded by lock; called once

    init(channel: String, endpoint: RedisEndpoint, settings: BusSettings) {
        self.channel = channel; self.endpoint = endpoint; self.settings = settings
    }

    /// Starts the thread. `ready` gets the outcome of the first subscription attempt (a failure ends the listener);
    /// `onEnd` runs once on the listener thread when it ends, with the error that ended it (nil: normal end/cancel).
    func start(handler: @escaping Handler, onEnd: @escaping @Sendable (BusError?) -> Void,
               ready: @escaping @Sendable (Result<Void, BusError>) -> Void) {
        lock.withLock { self.ready = ready }
        let t = Thread { [self] in
            let error = loop(handler)
            signalReady(.failure(error ?? .unavailable("redis \(endpoint): subscription cancelled")))
            onEnd(error)
        }
        t.name = "redis-sub"
        t.start()
    }

    /// Ends the listener; `reason` is passed to `onEnd` (nil for a consumer that went away).
    func cancel(reason: BusError? = nil) {
        lock.withLock { if cancelReason == nil { cancelReason = .some(reason) } }
        wake.wake()
    }

    private var cancelled: BusError?? { lock.withLock { cancelReason } }

    private func signalReady(_ result: Result<Void, BusError>) {
        let r = lock.withLock { defer { ready = nil }; return ready }
        r?(result)
    }

    private func loop(_ handler: Handler) -> BusError? {
        var backoff = ReconnectBackoff(baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs)
        var resumed = false
        while true {
            if let reason = cancelled { return reason }
            do throws(BusError) {
                let conn = try RedisConnection.open(endpoint, connectTimeoutMs: settings.connectTimeoutMs,
                                                    commandTimeoutMs: settings.commandTimeoutMs)
                defer { conn.close() }
                _ = try conn.call(["SUBSCRIBE", channel])   // replies once the subscription is active
                backoff.succeeded()
                signalReady(.success(()))
                if try handler(.subscribed(resumed: resumed)) == .stop { return nil }
                resumed = true
                while true {
                    switch try conn.readPush(wake: wake.readFD) {
                    case .woken: if let reason = cancelled { return reason }
                    case .other: continue
                    case .message(_, let payload): if try handler(.message(payload)) == .stop { return nil }
                    }
                }
            } catch {
                if let reason = cancelled { return reason }
                guard case .unavailable = error, resumed || lock.withLock({ ready == nil }) else { return error }
                backoff.failed(atMs: BusClock.nowMs())
                if wake.sleep(ms: backoff.delayMs), let reason = cancelled { return reason }
            }
        }
    }
}
