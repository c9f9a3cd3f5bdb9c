import Foundation
import SecondCore
import SecondCrypto
import SecondHTTP
import SecondStore
import SecondPluginHost

/// Auth mode `none` (local): onboarding creates a distinct user per browser (no shared local user),
/// a workspace with its default `General` team and the creator as owner, and a signed session cookie.
public final class LocalIdentity: Sendable {
    let store: any DocumentStore
    let secret: [UInt8]
    let acceptance: InvitationAcceptance?

    /// `configured` is SECOND_NO_AUTH_SESSION_SECRET (already checked to be ≥ 32 characters); without
    /// it a random per-process secret is used and sessions end at restart (warned at startup).
    init(store: any DocumentStore, configuredSecret: String?, acceptance: InvitationAcceptance? = nil) {
        self.store = store
        self.acceptance = acceptance
        if let s = configuredSecret { secret = Array(s.utf8) } else {
            secret = Crypto.randomBytes(32)
            Logger.shared.warn("SECOND_NO_AUTH_SESSION_SECRET is not set: a random per-process secret signs local sessions, so every session ends when the server restarts")
        }
    }

    public func install(on router: Router) {
        router.post("/api/local/onboarding", async: { [self] req in await onboard(req) })
        router.get("/api/me", async: { [self] req in await me(req) })
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The user id of a valid session cookie, if any.
    func sessionUser(_ req: HTTPRequest) -> String? {
        guard let value = Cookies.parse(req.headers["cookie"])[SessionToken.cookieName],
              case .success(let token) = SessionToken.verify(value, secret: secret, nowMs: Self.now()) else { return nil }
        return token.userId
    }

    func me(_ req: HTTPRequest) async -> HTTPResponse {
        guard let userId = sessionUser(req) else { return .error(401, "identity_required", "no valid local session: complete onboarding first") }
        do {
            guard let user = try await store.get(.users, workspaceId: nil, id: userId) else {
                return .error(401, "identity_required", "the session's user no longer exists")
            }
            let memberships = try await store.findAcrossWorkspaces(.workspaceMemberships, where: ["userId": .string(userId)], limit: 100)
            return .json(["user": Self.publicUser(user), "memberships": .array(memberships.map { ["workspaceId": $0["workspaceId"] ?? .null, "role": $0["role"] ?? .null] })])
        } catch {
            return .error(503, "store_unavailable", "the store is unavailable")
        }
    }

    func onboard(_ req: HTTPRequest) async -> HTTPResponse {
        let body: [String: JSON]
        do { body = try req.jsonObject() } catch { return error }
        let input: OnboardingInput
        switch OnboardingInput.parse(body) {
        case .success(let i): input = i
        case .failure(let e): return .error(400, "invalid_request", e.message)
        }
        do {
            let now = JSON.string(ISO8601DateFormatter().string(from: Date()))
            // Each browser is its own user: a browser with a session updates its user, a new one creates one.
            let userId: String
            if let existing = sessionUser(req), try await store.get(.users, workspaceId: nil, id: existing) != nil {
                userId = existing
                _ = try await store.update(.users, workspaceId: nil, id: userId,
                                           set: ["displayName": .string(input.displayName), "email": .string(input.email),
                                                 "emailNormalized": .string(input.email.lowercased()), "updatedAt": now])
            } else {
                userId = Ids.objectId()
                try await store.insert(.users, workspaceId: nil, ["_id": .string(userId), "email": .string(input.email),
                    "emailNormalized": .string(input.email.lowercased()), "displayName": .string(input.displayName), "createdAt": now, "updatedAt": now])
            }
            try await acceptance?.accept(userId: userId, email: input.email)
            let workspace = try await createWorkspace(name: input.workspaceName, ownerId: userId, now: now)
            let cookie = SessionToken(userId: userId, issuedAtMs: Self.now()).setCookie(secret: secret, secure: Self.isHTTPS(req))
            var r = HTTPResponse.json(["user": ["_id": .string(userId), "email": .string(input.email), "displayName": .string(input.displayName)],
                                       "workspace": workspace], status: 201)
            r.headers.append(("Set-Cookie", cookie))
            return r
        } catch StoreError.duplicateKey(let c, _) where c == StoreCollection.users.rawValue {
            return .error(409, "email_taken", "another local user already has this email")
        } catch {
            return .error(503, "store_unavailable", "the store is unavailable")
        }
    }

    /// Workspace (id = a unique slug) + default General team + owner membership in both.
    func createWorkspace(name: String, ownerId: String, now: JSON) async throws -> JSON {
        let w = try await WorkspaceFactory.create(store, name: name, creator: ownerId, now: now)
        try await store.insert(.workspaceMemberships, workspaceId: w.id, ["_id": .string(Ids.objectId()), "userId": .string(ownerId),
            "role": .string(Role.owner.rawValue), "createdAt": now])
        try await store.insert(.workspaceTeamMemberships, workspaceId: w.id, ["_id": .string(Ids.objectId()), "teamId": .string(w.defaultTeamId),
            "userId": .string(ownerId), "createdAt": now])
        return ["_id": .string(w.id), "name": .string(name), "defaultTeamId": .string(w.defaultTeamId), "role": "owner"]
    }

    static func publicUser(_ u: Document) -> JSON {
        ["_id": u["_id"] ?? .null, "email": u["email"] ?? .null, "displayName": u["displayName"] ?? .null]
    }

    /// Secure cookies behind https: the first X-Forwarded-Proto value decides (the TLS proxy sets it).
    static func isHTTPS(_ req: HTTPRequest) -> Bool {
        req.headers["x-forwarded-proto"]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }
}

/// The validated onboarding body.
struct OnboardingInput: Equatable {
    let displayName: String
    let email: String
    let workspaceName: String

    struct Invalid: Error { let message: String }

    static func parse(_ body: [String: JSON]) -> Result<OnboardingInput, Invalid> {
        func text(_ key: String, max: Int) -> Result<String, Invalid> {
            guard let v = body[key] else { return .failure(Invalid(message: "/\(key): required")) }
            guard let s = v.string?.trimmingCharacters(in: .whitespacesAndNewlines) else { return .failure(Invalid(message: "/\(key): must be a string")) }
            guard !s.isEmpty else { return .failure(Invalid(message: "/\(key): must not be empty")) }
            guard s.count <= max, !s.unicodeScalars.contains(where: { $0.value < 32 }) else {
                return .failure(Invalid(message: "/\(key): at most \(max) characters, no control characters"))
            }
            return .success(s)
        }
        let allowed: Set<String> = ["displayName", "email", "workspaceName"]
        if let extra = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .failure(Invalid(message: "/\(extra): unknown field (valid: displayName, email, workspaceName)"))
        }
        do {
            let name = try text("displayName", max: 200).get()
            let email = try text("email", max: 254).get()
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !email.contains(" ") else {
                return .failure(Invalid(message: "/email: not an email address"))
            }
            let ws = try text("workspaceName", max: 100).get()
            return .success(OnboardingInput(displayName: name, email: email, workspaceName: ws))
        } catch let e as Invalid { return .failure(e) } catch { return .failure(Invalid(message: "invalid body")) }
    }
}

enum Ids {
    /// A 24-hex id like MongoDB's ObjectId (random; the store enforces uniqueness).
    static func objectId() -> String {
        let hex = Array("0123456789abcdef".utf8)
        return String(decoding: Crypto.randomBytes(12).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] }, as: UTF8.self)
    }

    /// A workspace slug from a name: lower-case a-z0-9 and '-', 1–80 characters (spec §8).
    static func slug(_ name: String) -> String {
        var out = ""
        for c in name.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") { out.unicodeScalars.append(c) }
            else if !out.hasSuffix("-") && !out.isEmpty { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        let s = String(out.prefix(70)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return s.isEmpty ? "workspace" : s
    }
}

/// Cookie header parsing (RFC 6265 pairs; the first of a repeated name wins).
enum Cookies {
    static func parse(_ header: String?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (header ?? "").split(separator: ";") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, out[kv[0]] == nil { out[kv[0]] = kv[1] }
        }
        return out
    }
}
