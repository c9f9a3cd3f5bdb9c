import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondBus
import SecondPluginHost

/// Resolves who a request belongs to (local session or the external provider chain) and decides
/// workspace access: no identity → 401; not a member (or no such workspace) → 404, never 403;
/// a member without the permission → 403.
public final class RequestGuard: Sendable {
    enum Source: Sendable { case local(LocalIdentity); case external(AuthChain) }
    let source: Source
    let store: any DocumentStore
    let sync: IdentitySync
    let internalToken: String?

    init(source: Source, store: any DocumentStore, internalToken: String?, acceptance: InvitationAcceptance? = nil) {
        self.source = source; self.store = store; self.internalToken = internalToken
        self.sync = IdentitySync(store: store, acceptance: acceptance)
    }

    public struct Actor: Sendable, Equatable { public let userId: String }

    /// The actor, or the error response to send.
    func actor(_ req: HTTPRequest) async -> Result<Actor, HTTPResponse> {
        switch source {
        case .local(let local):
            guard let id = local.sessionUser(req) else { return .failure(.error(401, "identity_required", "sign in first (no valid session)")) }
            return .success(Actor(userId: id))
        case .external(let chain):
            switch await chain.resolve(requestJSON: Self.authRequest(req, internalToken: internalToken)) {
            case .authenticated(let principal, let by):
                do { return .success(Actor(userId: try await sync.apply(principal, provider: by).userId)) }
                catch { return .failure(.error(503, "store_unavailable", "the store is unavailable")) }
            case .denied(let reason, _): return .failure(.error(401, "unauthenticated", reason))
            case .anonymous: return .failure(.error(401, "identity_required", "no auth provider recognised this request"))
            case .failed(let status, _, let by):
                return .failure(.error(503, "auth_unavailable", "auth provider \(by) failed (\(status))"))
            }
        }
    }

    /// The actor's role in `workspaceId` when it holds `permission`.
    func authorize(_ req: HTTPRequest, workspaceId: String, _ permission: Permission) async -> Result<(Actor, Role), HTTPResponse> {
        let actor: Actor
        switch await self.actor(req) { case .success(let a): actor = a; case .failure(let r): return .failure(r) }
        let notFound = HTTPResponse.error(404, "not_found", "no such workspace")
        guard WorkspaceSlug.isValid(workspaceId) else { return .failure(notFound) }
        do {
            let m = try await store.find(.workspaceMemberships, workspaceId: workspaceId, where: ["userId": .string(actor.userId)], sort: [], limit: 1)
            guard let membership = m.first else { return .failure(notFound) }
            let role = Role(validating: membership["role"]?.string)
            guard Permissions.has(role, permission), let role else {
                return .failure(.error(403, "forbidden", "your role lacks \(permission.rawValue)"))
            }
            return .success((actor, role))
        } catch {
            return .failure(.error(503, "store_unavailable", "the store is unavailable"))
        }
    }

    /// Authorizes `p` in the path's workspace, then runs `body`; store and bus failures become 503.
    func run(_ req: HTTPRequest, _ p: Permission, _ body: (String, Actor, Role) async throws -> HTTPResponse) async -> HTTPResponse {
        let ws = req.params["workspaceId"] ?? ""
        switch await authorize(req, workspaceId: ws, p) {
        case .failure(let r): return r
        case .success(let (actor, role)):
            do { return try await body(ws, actor, role) }
            catch let r as HTTPResponse { return r }
            catch let e as BusError { return .error(503, "bus_unavailable", "\(e)") }
            catch { return .error(503, "store_unavailable", "the store is unavailable") }
        }
    }

    /// What auth providers see: method, path, client address, lower-case headers and cookies.
    /// The internal API token is never passed on.
    static func authRequest(_ req: HTTPRequest, internalToken: String?) -> String {
        var headers = req.headers
        if let token = req.bearerToken, let secret = internalToken, ConstantTime.equals(token, secret) { headers["authorization"] = nil }
        return JSON.object(["v": 1, "method": .string(req.method), "path": .string(req.path), "client_address": .string(req.clientAddress),
                            "headers": .object(headers.mapValues(JSON.string)),
                            "cookies": .object(Cookies.parse(req.headers["cookie"]).mapValues(JSON.string))]).text
    }
}
