import Foundation
import SecondCore
import SecondCrypto

/// What one MCP broker token may do: one workspace, app, run and agent, with the approved agent's
/// tools and collections (the web derived them from the approved agents.json; the worker never widens them).
struct BrokerScope: Sendable, Equatable {
    var workspaceId: String
    var appId: String
    var runId: String
    var agentId: String
    var sourceVersion: String
    /// `mcp__<server>__<tool>` names (and built-ins) the agent may use: listing and calling both check it.
    var allowedTools: Set<String>
    /// The approved agent's custom tools (objects of agents.json), by name.
    var customTools: [String: JSON]
    var dataCollections: Set<String>
}

/// Short-lived broker sessions (spec §18, W3): id = random UUID, token = 32 random bytes base64url,
/// compared in constant time, expired on access. In memory: a session lives exactly as long as the
/// turn that owns it on this worker (a restarted worker fails its runs instead of resuming them).
final class BrokerSessions: @unchecked Sendable {
    struct Session: Sendable { let id: String; let token: String; let scope: BrokerScope; let expiresAtMs: UInt64 }
    enum Denial: Error, Equatable { case unknownOrExpired, invalidToken }

    private let lock = NSLock()
    private var sessions: [String: Session] = [:]
    let ttlMs: UInt64
    let now: @Sendable () -> UInt64

    init(ttlSeconds: Int, now: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }) {
        ttlMs = UInt64(ttlSeconds) * 1000
        self.now = now
    }

    func open(_ scope: BrokerScope) -> Session {
        let s = Session(id: UUID().uuidString.lowercased(), token: Base64URL.encode(Crypto.randomBytes(32)), scope: scope,
                        expiresAtMs: now() + ttlMs)
        lock.lock(); defer { lock.unlock() }
        prune()
        sessions[s.id] = s
        return s
    }

    func close(_ id: String) { lock.lock(); sessions[id] = nil; lock.unlock() }

    var count: Int { lock.lock(); defer { lock.unlock() }; prune(); return sessions.count }

    /// The session for `id` when `token` is its token. Unknown and expired ids look the same to callers.
    func authorize(id: String, token: String?) -> Result<Session, Denial> {
        lock.lock(); defer { lock.unlock() }
        prune()
        guard let s = sessions[id] else { return .failure(.unknownOrExpired) }
        guard let token, ConstantTime.equals(token, s.token) else { return .failure(.invalidToken) }
        return .success(s)
    }

    /// Caller holds the lock.
    private func prune() {
        let t = now()
        sessions = sessions.filter { $0.value.expiresAtMs > t }
    }
}
