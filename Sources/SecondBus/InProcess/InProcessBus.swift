import Synchronization

/// The single-node bus (REDIS_URL unset): the same semantics as `RedisBus`, held in memory under one lock.
/// Stream continuations are yielded to while the lock is held (yield never re-enters this type), which keeps
/// every reader's order equal to the append order; they are finished only after the lock is released,
/// because `finish()` runs `onTermination`, which takes the lock.
public final class InProcessBus: CoordinationBus {
    public var kind: String { "in-process" }
    private let settings: BusSettings
    private let state = Mutex(State())

    typealias EventContinuation = AsyncThrowingStream<WorkspaceEvent, any Error>.Continuation
    typealias ReplayContinuation = AsyncThrowingStream<ReplayItem, any Error>.Continuation

    private struct Reader { var lastSeq: UInt64; let continuation: ReplayContinuation }
    private struct State {
        var phase = Phase.new
        var nextId: UInt64 = 0
        var subscribers: [String: [UInt64: EventContinuation]] = [:]
        var buffers: [String: ReplayBuffer] = [:]
        var readers: [String: [UInt64: Reader]] = [:]
        var values = ExpiringValues()
        var nextSweepMs: UInt64 = 0
    }
    private enum Phase { case new, running, stopped }

    public init(settings: BusSettings = BusSettings()) { self.settings = settings }

    public func start() async throws {
        try state.withLock { s throws(BusError) in
            if s.phase == .stopped { throw .unavailable("in-process bus is stopped") }
            s.phase = .running
        }
    }

    public func stop() async {
        let (subs, readers) = state.withLock { s in
            s.phase = .stopped
            defer { s.subscribers = [:]; s.readers = [:] }
            return (s.subscribers.values.flatMap(\.values), s.readers.values.flatMap { $0.values.map(\.continuation) })
        }
        for c in subs { c.finish(throwing: BusError.unavailable("in-process bus stopped")) }
        for c in readers { c.finish(throwing: BusError.unavailable("in-process bus stopped")) }
    }

    public func ping() async throws { try running { _ in } }

    // MARK: pub/sub

    public func publish(_ event: WorkspaceEvent) async throws {
        try Validate.event(event)
        try Validate.payload(event.wireJSON(), "event")
        try running { s in for c in (s.subscribers[event.workspaceId] ?? [:]).values { c.yield(event) } }
    }

    public func subscribe(workspaceId: String) async throws -> AsyncThrowingStream<WorkspaceEvent, any Error> {
        try Validate.key(workspaceId, "workspaceId")
        let (stream, continuation) = AsyncThrowingStream<WorkspaceEvent, any Error>.makeStream()
        let id = try running { s in s.nextId += 1; s.subscribers[workspaceId, default: [:]][s.nextId] = continuation; return s.nextId }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { s in s.subscribers[workspaceId]?.removeValue(forKey: id) }
        }
        return stream
    }

    // MARK: replay

    public func replayReset(runId: String) async throws {
        try Validate.key(runId, "runId")
        try running { s in s.buffers[runId] = nil }
    }

    public func replayAppend(runId: String, chunk: String) async throws -> UInt64 {
        try Validate.key(runId, "runId")
        try Validate.payload(chunk, "chunk")
        return try running { s throws(BusError) in
            let now = BusClock.nowMs()
            if liveBuffer(&s, runId, now) == nil { s.buffers[runId] = ReplayBuffer(expiresAtMs: 0) }
            // Appends in place: copying the buffer out and back would copy every retained chunk per append.
            let seq = try s.buffers[runId]!.append(chunk, cap: settings.replayCap, expiresAtMs: now + ttlMs)
            for (id, r) in s.readers[runId] ?? [:] where r.lastSeq < seq {
                r.continuation.yield(.chunk(seq: seq, data: chunk))
                s.readers[runId]?[id]?.lastSeq = seq
            }
            return seq
        }
    }

    public func replayAppend(runId: String, chunks: [String]) async throws -> UInt64 {
        try Validate.key(runId, "runId")
        guard !chunks.isEmpty else { throw BusError.invalid("no chunks to append") }
        for c in chunks { try Validate.payload(c, "chunk") }
        return try running { s throws(BusError) in
            let now = BusClock.nowMs()
            if liveBuffer(&s, runId, now) == nil { s.buffers[runId] = ReplayBuffer(expiresAtMs: 0) }
            if s.buffers[runId]!.terminal != nil { throw .terminated }
            var last: UInt64 = 0
            for chunk in chunks {
                last = try s.buffers[runId]!.append(chunk, cap: settings.replayCap, expiresAtMs: now + ttlMs)
                for (id, r) in s.readers[runId] ?? [:] where r.lastSeq < last {
                    r.continuation.yield(.chunk(seq: last, data: chunk))
                    s.readers[runId]?[id]?.lastSeq = last
                }
            }
            return last
        }
    }

    public func replayFinish(runId: String, status: String) async throws {
        try Validate.key(runId, "runId")
        try Validate.key(status, "status")
        let ended = try running { s in
            let now = BusClock.nowMs()
            var buffer = liveBuffer(&s, runId, now) ?? ReplayBuffer(expiresAtMs: 0)
            guard buffer.finish(status: status, expiresAtMs: now + ttlMs) else { return [ReplayContinuation]() }
            s.buffers[runId] = buffer
            let readers = (s.readers.removeValue(forKey: runId) ?? [:]).values.map(\.continuation)
            for c in readers { c.yield(.terminal(status: status)) }
            return readers
        }
        for c in ended { c.finish() }
    }

    public func replayRead(runId: String, after cursor: UInt64) async throws -> AsyncThrowingStream<ReplayItem, any Error> {
        try Validate.key(runId, "runId")
        let (stream, continuation) = AsyncThrowingStream<ReplayItem, any Error>.makeStream()
        // History and registration happen under one lock hold, so no append can fall between them.
        let id: UInt64? = try running { s in
            var last = cursor
            if let buffer = liveBuffer(&s, runId, BusClock.nowMs()) {
                for c in buffer.chunks(after: cursor, limit: Int.max) {
                    continuation.yield(.chunk(seq: c.seq, data: c.data)); last = c.seq
                }
                if let status = buffer.terminal { continuation.yield(.terminal(status: status)); return nil }
            }
            s.nextId += 1
            s.readers[runId, default: [:]][s.nextId] = Reader(lastSeq: last, continuation: continuation)
            return s.nextId
        }
        guard let id else { continuation.finish(); return stream }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { s in s.readers[runId]?.removeValue(forKey: id) }
        }
        return stream
    }

    public func replaySnapshot(runId: String, after cursor: UInt64, limit: Int) async throws -> ReplaySnapshot {
        try Validate.key(runId, "runId")
        return try running { s in
            guard let b = liveBuffer(&s, runId, BusClock.nowMs()) else { return ReplaySnapshot(firstSeq: nil, chunks: [], terminal: nil) }
            return ReplaySnapshot(firstSeq: b.firstSeq, chunks: b.chunks(after: cursor, limit: limit), terminal: b.terminal)
        }
    }

    // MARK: state and locks

    public func putState(key: String, value: String, ttlMs: Int) async throws {
        try Validate.key(key, "key"); try Validate.payload(value, "value"); try Validate.ttl(ttlMs)
        try running { s in s.values.set(key, value, expiresAtMs: BusClock.nowMs() + UInt64(ttlMs)) }
    }

    public func takeState(key: String) async throws -> String? {
        try Validate.key(key, "key")
        return try running { s in s.values.take(key, atMs: BusClock.nowMs()) }
    }

    public func acquireLock(key: String, ttlMs: Int) async throws -> String? {
        try Validate.key(key, "key"); try Validate.ttl(ttlMs)
        let token = LockToken.make()
        return try running { s in
            let now = BusClock.nowMs()
            return s.values.setIfAbsent(key, token, expiresAtMs: now + UInt64(ttlMs), atMs: now) ? token : nil
        }
    }

    public func releaseLock(key: String, token: String) async throws -> Bool {
        try Validate.key(key, "key"); try Validate.key(token, "token")
        return try running { s in s.values.removeIfEqual(key, token, atMs: BusClock.nowMs()) }
    }

    // MARK: helpers

    private var ttlMs: UInt64 { UInt64(settings.replayTTLSeconds) * 1000 }

    /// The buffer unless it has expired (then it is dropped, as Redis would).
    private func liveBuffer(_ s: inout State, _ runId: String, _ now: UInt64) -> ReplayBuffer? {
        guard let b = s.buffers[runId] else { return nil }
        if b.isExpired(atMs: now) { s.buffers[runId] = nil; return nil }
        return b
    }

    /// Runs `body` under the lock when started; sweeps expired entries at most once a second.
    private func running<T>(_ body: (inout State) throws(BusError) -> T) throws(BusError) -> T {
        try state.withLock { s throws(BusError) in
            switch s.phase {
            case .new: throw .unavailable("in-process bus is not started")
            case .stopped: throw .unavailable("in-process bus is stopped")
            case .running: break
            }
            let now = BusClock.nowMs()
            if now >= s.nextSweepMs {
                s.nextSweepMs = now + 1000
                s.values.sweep(atMs: now)
                s.buffers = s.buffers.filter { !$0.value.isExpired(atMs: now) }
            }
            return try body(&s)
        }
    }
}
