import Foundation

/// A few request/reply connections, each owned by its own thread, fed from one FIFO queue. Async callers are
/// resumed through continuations, so the cooperative pool never blocks on Redis. A broken connection is reopened
/// on the next job; reconnect attempts share one backoff, and while it is closed jobs fail fast with `.unavailable`.
final class RedisCommandPool: @unchecked Sendable {
    typealias Body = (RedisConnection) -> Void   // reports its own result
    private struct Job { let run: Body; let fail: @Sendable (BusError) -> Void }

    private let endpoint: RedisEndpoint
    private let settings: BusSettings
    private let cond = NSCondition()
    private var queue: [Job] = []        // guarded by cond
    private var stopping = false         // guarded by cond
    private var backoff: ReconnectBackoff // guarded by cond
    private var lastFailure = ""         // guarded by cond
    private let exited = DispatchGroup()

    init(endpoint: RedisEndpoint, settings: BusSettings) {
        self.endpoint = endpoint
        self.settings = settings
        backoff = ReconnectBackoff(baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs)
    }

    func start() {
        for i in 0..<settings.poolSize {
            exited.enter()
            let t = Thread { [self] in worker(); exited.leave() }
            t.name = "redis-cmd-\(i)"
            t.start()
        }
    }

    /// Fails queued jobs, lets running ones finish (bounded by the command timeout) and waits for the threads.
    func stop() async {
        let dropped: [Job] = cond.withLock {
            stopping = true
            defer { queue.removeAll() }
            cond.broadcast()
            return queue
        }
        for j in dropped { j.fail(.unavailable("redis \(endpoint): bus stopped")) }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in exited.notify(queue: .global()) { c.resume() } }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws(BusError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            submit(Job(run: { conn in
                do throws(BusError) { c.resume(returning: try body(conn)) } catch { c.resume(throwing: error) }
            }, fail: { c.resume(throwing: $0) }))
        }
    }

    /// For listener threads (never from the cooperative pool): blocks until the job has run.
    func runSync<T>(_ body: @escaping (RedisConnection) throws(BusError) -> T) throws(BusError) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        submit(Job(run: { conn in
            do throws(BusError) { box.result = .success(try body(conn)) } catch { box.result = .failure(error) }
            done.signal()
        }, fail: { box.result = .failure($0); done.signal() }))
        done.wait()
        return try box.result!.get()
    }

    private func submit(_ job: Job) {
        let accepted: Bool = cond.withLock {
            if stopping { return false }
            queue.append(job)
            cond.signal()
            return true
        }
        if !accepted { job.fail(.unavailable("redis \(endpoint): bus stopped")) }
    }

    private func next() -> Job? {
        cond.withLock {
            while queue.isEmpty && !stopping { cond.wait() }
            return stopping ? nil : queue.removeFirst()
        }
    }

    private func worker() {
        var conn: RedisConnection?
        while let job = next() {
            if let c = conn, c.isBroken || c.isStale() { c.close(); conn = nil }
            if conn == nil {
                do { conn = try connect() } catch { job.fail(error); continue }
            }
            job.run(conn!)
            if conn!.isBroken { conn!.close(); conn = nil }
        }
        conn?.close()
    }

    /// Opens a connection unless the shared backoff says wait; then fails fast with the last reason.
    private func connect() throws(BusError) -> RedisConnection {
        let gate: String? = cond.withLock {
            let now = BusClock.nowMs()
            return backoff.mayAttempt(atMs: now) ? nil
                : "\(lastFailure) (reconnecting in \(backoff.waitMs(atMs: now)) ms)"
        }
        if let gate { throw .unavailable(gate) }
        do {
            let c = try RedisConnection.open(endpoint, connectTimeoutMs: settings.connectTimeoutMs,
                                             commandTimeoutMs: settings.commandTimeoutMs)
            cond.withLock { backoff.succeeded() }
            return c
        } catch {
            cond.withLock { backoff.failed(atMs: BusClock.nowMs()); lastFailure = "\(error.message)" }
            throw error
        }
    }
}

/// Hands a result from a pool thread to the waiting listener thread (the semaphore orders the accesses).
private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, BusError>? }

extension BusError {
    /// The message without the "coordination bus unavailable:" prefix.
    var message: String {
        switch self {
        case .unavailable(let m), .invalid(let m): return m
        case .terminated: return description
        }
    }
}
