import Foundation
import Synchronization

/// The multi-node bus (REDIS_URL set), on hiredis 0.14 (RESP2). Commands go through `RedisCommandPool`;
/// each subscription and replay reader gets its own `ChannelListener` thread and SUBSCRIBE connection.
/// Outages surface as `.unavailable` naming host:port; everything reconnects by itself with backoff.
public final class RedisBus: CoordinationBus {
    public var kind: String { "redis" }
    public let endpoint: RedisEndpoint
    private let settings: BusSettings
    private let pool: RedisCommandPool
    private let state = Mutex(State())
    private let listenerThreads = DispatchGroup()   // stop() waits for every listener thread to end

    private struct State {
        var phase = Phase.new
        var poolStarted = false
        var nextId: UInt64 = 0
        var listeners: [UInt64: ChannelListener] = [:]
        var floors = SeqFloors()
    }
    private enum Phase { case new, running, stopped }

    public init(endpoint: RedisEndpoint, settings: BusSettings = BusSettings()) {
        self.endpoint = endpoint
        self.settings = settings
        pool = RedisCommandPool(endpoint: endpoint, settings: settings)
    }

    /// Fails with `.unavailable` when Redis cannot be reached; the bus then stays unstarted and `start` may be retried.
    public func start() async throws {
        let startPool: Bool = try state.withLock { s throws(BusError) in
            switch s.phase {
            case .stopped: throw .unavailable("redis \(endpoint): bus is stopped")
            case .running: return false
            case .new:
                s.phase = .running
                defer { s.poolStarted = true }
                return !s.poolStarted
            }
        }
        if startPool { pool.start() }
        do { try await ping() } catch {
            state.withLock { if $0.phase == .running { $0.phase = .new } }
            throw error
        }
    }

    public func stop() async {
        let listeners = state.withLock { s in
            s.phase = .stopped
            return Array(s.listeners.values)
        }
        for l in listeners { l.cancel(reason: .unavailable("redis \(endpoint): bus stopped")) }
        await pool.stop()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            listenerThreads.notify(queue: .global()) { c.resume() }
        }
    }

    public func ping() async throws {
        try checkRunning()
        let reply = try await pool.run { conn throws(BusError) in try conn.call(["PING"]) }
        guard reply.string == "PONG" else { throw BusError.unavailable("redis \(endpoint): unexpected PING reply") }
    }

    // MARK: pub/sub

    public func publish(_ event: WorkspaceEvent) async throws {
        try Validate.event(event)
        let json = event.wireJSON()
        try Validate.payload(json, "event")
        try await command(["PUBLISH", RedisKeys.workspaceEvents(event.workspaceId), json])
    }

    public func subscribe(workspaceId: String) async throws -> AsyncThrowingStream<WorkspaceEvent, any Error> {
        try Validate.key(workspaceId, "workspaceId")
        let (stream, output) = AsyncThrowingStream<WorkspaceEvent, any Error>.makeStream()
        try await listen(channel: RedisKeys.workspaceEvents(workspaceId), output: output) { event throws(BusError) in
            switch event {
            case .subscribed(let resumed):
                if resumed { output.yield(.resync(workspaceId: workspaceId)) }
            case .message(let payload):
                if let e = WorkspaceEvent.fromWire(payload), e.workspaceId == workspaceId { output.yield(e) }
            }
            return .proceed
        }
        return stream
    }

    // MARK: replay

    public func replayReset(runId: String) async throws {
        try Validate.key(runId, "runId")
        try checkRunning()
        state.withLock { $0.floors.reset(runId) }
        try await command(["DEL", RedisKeys.chunks(runId), RedisKeys.seq(runId), RedisKeys.terminal(runId)])
    }

    public func replayAppend(runId: String, chunk: String) async throws -> UInt64 {
        try Validate.key(runId, "runId")
        try Validate.payload(chunk, "chunk")
        let floor = try floorFor(runId)
        let sentAt = BusClock.nowMs()   // the floor must not outlive the keys, so its TTL counts from before the call
        let args = RedisScripts.eval(RedisScripts.append, keys: replayKeys(runId), args: [
            ReplayWire.quote(chunk), ReplayWire.quote(BusClock.isoNow()), String(settings.replayTTLSeconds),
            String(settings.replayCap), String(floor), RedisKeys.live(runId),
        ])
        let reply = try await command(args)
        guard let seq = reply.integer else { throw BusError.invalid("unexpected append reply") }
        if seq < 0 { throw BusError.terminated }
        noteFloor(runId, UInt64(seq), sentAt: sentAt)
        return UInt64(seq)
    }

    public func replayAppend(runId: String, chunks: [String]) async throws -> UInt64 {
        try Validate.key(runId, "runId")
        guard !chunks.isEmpty else { throw BusError.invalid("no chunks to append") }
        for c in chunks { try Validate.payload(c, "chunk") }
        let floor = try floorFor(runId)
        let sentAt = BusClock.nowMs()
        let args = RedisScripts.eval(RedisScripts.appendMany, keys: replayKeys(runId), args: [
            ReplayWire.quote(BusClock.isoNow()), String(settings.replayTTLSeconds), String(settings.replayCap), String(floor),
            RedisKeys.live(runId),
        ] + chunks.map(ReplayWire.quote))
        let reply = try await command(args)
        guard let seq = reply.integer else { throw BusError.invalid("unexpected append reply") }
        if seq < 0 { throw BusError.terminated }
        noteFloor(runId, UInt64(seq), sentAt: sentAt)
        return UInt64(seq)
    }

    public func replayFinish(runId: String, status: String) async throws {
        try Validate.key(runId, "runId")
        try Validate.key(status, "status")
        let floor = try floorFor(runId)
        let sentAt = BusClock.nowMs()
        try await command(RedisScripts.eval(RedisScripts.finish, keys: replayKeys(runId), args: [
            ReplayWire.quote(status), ReplayWire.quote(BusClock.isoNow()), String(settings.replayTTLSeconds),
            String(floor), RedisKeys.live(runId),
        ]))
        if floor > 0 { noteFloor(runId, floor, sentAt: sentAt) }   // finish refreshed the keys' TTL
    }

    public func replayRead(runId: String, after cursor: UInt64) async throws -> AsyncThrowingStream<ReplayItem, any Error> {
        try Validate.key(runId, "runId")
        let (stream, output) = AsyncThrowingStream<ReplayItem, any Error>.makeStream()
        let reader = RedisReplayReader(runId: runId, cursor: cursor, pool: pool, pageSize: settings.historyPageSize, output: output)
        try await listen(channel: RedisKeys.live(runId), output: output) { event throws(BusError) in
            try reader.handle(event)
        }
        return stream
    }

    public func replaySnapshot(runId: String, after cursor: UInt64, limit: Int) async throws -> ReplaySnapshot {
        try Validate.key(runId, "runId")
        guard limit > 0 else { throw BusError.invalid("limit must be positive") }
        return try RedisReplayOps.decodeRead(try await command(RedisReplayOps.readArgs(runId: runId, after: cursor, limit: limit)))
    }

    // MARK: state and locks

    public func putState(key: String, value: String, ttlMs: Int) async throws {
        try Validate.key(key, "key"); try Validate.payload(value, "value"); try Validate.ttl(ttlMs)
        try await command(["SET", key, value, "PX", String(ttlMs)])
    }

    public func takeState(key: String) async throws -> String? {
        try Validate.key(key, "key")
        return try await command(RedisScripts.eval(RedisScripts.take, keys: [key], args: [])).string
    }

    public func acquireLock(key: String, ttlMs: Int) async throws -> String? {
        try Validate.key(key, "key"); try Validate.ttl(ttlMs)
        let token = LockToken.make()
        let reply = try await command(["SET", key, token, "NX", "PX", String(ttlMs)])
        return reply == .status("OK") ? token : nil
    }

    public func releaseLock(key: String, token: String) async throws -> Bool {
        try Validate.key(key, "key"); try Validate.key(token, "token")
        return try await command(RedisScripts.eval(RedisScripts.release, keys: [key], args: [token])).integer == 1
    }

    // MARK: helpers

    @discardableResult
    private func command(_ args: [String]) async throws -> RedisReply {
        try checkRunning()
        return try await pool.run { conn throws(BusError) in try conn.call(args) }
    }

    private func checkRunning() throws(BusError) {
        try state.withLock { s throws(BusError) in try checkPhase(s.phase) }
    }

    private func checkPhase(_ phase: Phase) throws(BusError) {
        switch phase {
        case .new: throw .unavailable("redis \(endpoint): bus is not started")
        case .stopped: throw .unavailable("redis \(endpoint): bus is stopped")
        case .running: break
        }
    }

    private func replayKeys(_ runId: String) -> [String] {
        [RedisKeys.chunks(runId), RedisKeys.seq(runId), RedisKeys.terminal(runId)]
    }

    private func floorFor(_ runId: String) throws(BusError) -> UInt64 {
        try checkRunning()
        return state.withLock { $0.floors.floor(runId, atMs: BusClock.nowMs()) }
    }

    private func noteFloor(_ runId: String, _ seq: UInt64, sentAt: UInt64) {
        let ttl = UInt64(settings.replayTTLSeconds) * 1000
        state.withLock { $0.floors.note(runId, seq: seq, atMs: sentAt, ttlMs: ttl) }
    }

    /// Starts a listener, registers it for `stop`, ties it to the stream's lifetime and waits until it is subscribed.
    private func listen<T>(channel: String, output: AsyncThrowingStream<T, any Error>.Continuation,
                           handler: @escaping ChannelListener.Handler) async throws {
        let listener = ChannelListener(channel: channel, endpoint: endpoint, settings: settings)
        let group = listenerThreads
        let id = try state.withLock { s throws(BusError) in
            try checkPhase(s.phase)
            s.nextId += 1
            s.listeners[s.nextId] = listener
            group.enter()   // under the lock, so a concurrent stop() either cancels this listener or rejects it
            return s.nextId
        }
        output.onTermination = { _ in listener.cancel() }
        try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
            listener.start(handler: handler, onEnd: { [weak self] error in
                _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) }
                output.finish(throwing: error)
                group.leave()
            }, ready: { ready.resume(with: $0.mapError { $0 as any Error }) })
        }
    }
}
