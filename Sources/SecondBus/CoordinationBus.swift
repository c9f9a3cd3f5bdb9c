// The coordination layer (server-spec §10, §24 W10/W18): workspace invalidation pub/sub, run replay buffers,
// single-use state and single-flight locks. One protocol, two implementations: `InProcessBus` (one node,
// REDIS_URL unset) and `RedisBus` (hiredis). `BusFactory` picks one.

/// A workspace invalidation event: ids, status and scope only — never prompts, documents or secrets.
/// Wire form: compact JSON, nil fields omitted (see WorkspaceEvent+Codable.swift).
public struct WorkspaceEvent: Sendable, Equatable, Codable {
    public var version: Int = 1
    public var type: String          // e.g. "app.updated", "run.completed", "member.changed"
    public var workspaceId: String
    public var scope: String         // "apps", "agent-runs", "memberships", ...
    public var appId: String?
    public var runId: String?
    public var runStatus: String?
    // The other optional ids of the §10 event shape.
    public var integrationId: String?
    public var credentialId: String?
    public var keySlug: String?
    public var skillId: String?
    public var agentId: String?
    public var sourceVersion: Int?
    public var runReason: String?    // "app_tool_failure"
    public var at: String            // ISO-8601
}

/// One item of a run's replay stream.
public enum ReplayItem: Sendable, Equatable {
    case chunk(seq: UInt64, data: String)
    case terminal(status: String)
}

public enum BusError: Error, Sendable, Equatable, CustomStringConvertible {
    case unavailable(String)   // cannot reach Redis (names host:port, never the password); retryable
    case invalid(String)       // bad key/id (empty, too long > 256, contains whitespace or control chars), oversized payload (> 1 MiB)
    case terminated            // append after the run's terminal marker

    public var description: String {
        switch self {
        case .unavailable(let m): return "coordination bus unavailable: \(m)"
        case .invalid(let m): return "invalid coordination bus request: \(m)"
        case .terminated: return "the run's replay buffer is terminated"
        }
    }
}

/// A point-in-time view of a run's replay buffer, without waiting. `firstSeq` is the first retained seq
/// (nil when the list is empty); a replay is complete when it is 1 (§10: app-agent viewers only replay complete buffers).
public struct ReplaySnapshot: Sendable, Equatable {
    public var firstSeq: UInt64?
    public var chunks: [ReplayChunk]     // seq > cursor, in order, at most `limit`
    public var terminal: String?
    public var isComplete: Bool { firstSeq == 1 }
    public var exists: Bool { firstSeq != nil || terminal != nil }
    public init(firstSeq: UInt64?, chunks: [ReplayChunk], terminal: String?) {
        self.firstSeq = firstSeq; self.chunks = chunks; self.terminal = terminal
    }
}

public struct ReplayChunk: Sendable, Equatable {
    public var seq: UInt64
    public var data: String
    public init(seq: UInt64, data: String) { self.seq = seq; self.data = data }
}

public protocol CoordinationBus: AnyObject, Sendable {
    var kind: String { get }                      // "in-process" or "redis"
    func start() async throws                     // connect (Redis: fail with .unavailable if it cannot connect at start)
    func stop() async                             // ends every open stream with .unavailable("stopped"); later calls fail the same way
    func ping() async throws                      // for /readyz

    // Workspace pub/sub (channel workspace:{id}:events), fire-and-forget publish.
    func publish(_ event: WorkspaceEvent) async throws
    /// Returns once the subscription is live: every event published after the return is delivered.
    /// Ends when the consumer cancels. After a Redis outage it resumes and first yields `WorkspaceEvent.resync`,
    /// because events published while it was disconnected are lost (events are hints; refetch on resync).
    func subscribe(workspaceId: String) async throws -> AsyncThrowingStream<WorkspaceEvent, any Error>

    // Run replay buffers (run:{runId}:replay:chunks LIST, :seq INCR, :terminal, channel :live).
    func replayReset(runId: String) async throws                          // DEL at stream start
    func replayAppend(runId: String, chunk: String) async throws -> UInt64 // ordered seq from 1; refreshes TTL; trims to cap
    /// Several chunks in order, in one round trip (a relay appends what one network read delivered).
    /// Returns the last seq. All or nothing: a terminated buffer takes none.
    func replayAppend(runId: String, chunks: [String]) async throws -> UInt64
    /// Terminal marker (+ live notification); refreshes the TTL. A second finish is a no-op: the first status stays.
    func replayFinish(runId: String, status: String) async throws
    /// Every chunk with seq > cursor exactly once and in order, across the history/live boundary, then .terminal and the end.
    /// Reader: subscribe first, replay history from cursor, de-duplicate by seq, buffer live messages during history replay.
    /// Chunks trimmed away (cap) are skipped: a reader from 0 after more than `replayCap` chunks starts at the first
    /// retained seq (the gap is visible as first seq > cursor + 1).
    func replayRead(runId: String, after cursor: UInt64) async throws -> AsyncThrowingStream<ReplayItem, any Error>
    /// The retained chunks with seq > cursor (at most `limit`), the first retained seq and the terminal status, without waiting.
    func replaySnapshot(runId: String, after cursor: UInt64, limit: Int) async throws -> ReplaySnapshot

    // Single-use state with TTL (OAuth `state`): put, then take = GET+DEL atomically (second take → nil).
    func putState(key: String, value: String, ttlMs: Int) async throws
    func takeState(key: String) async throws -> String?

    // Single-flight locks with owner-checked release (SET key token NX PX ttl; release via Lua compare-and-delete).
    func acquireLock(key: String, ttlMs: Int) async throws -> String?     // token, or nil when held by someone else
    func releaseLock(key: String, token: String) async throws -> Bool     // false when not the owner / expired
}
