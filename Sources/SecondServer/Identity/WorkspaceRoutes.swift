import Foundation
import SecondCore
import SecondHTTP
import SecondStore

/// The first workspace routes; every one goes through the guard (identity, tenancy, permission).
struct WorkspaceRoutes: Sendable {
    let guardian: RequestGuard
    let store: any DocumentStore

    func install(on router: Router) {
        router.get("/api/workspaces", async: { [self] req in await list(req) })
        router.get("/api/workspaces/:workspaceId", async: { [self] req in await show(req) })
        router.get("/api/workspaces/:workspaceId/members", async: { [self] req in await members(req) })
        router.get("/api/workspaces/:workspaceId/audit-events", async: { [self] req in await audit(req) })
    }

    func audit(_ req: HTTPRequest) async -> HTTPResponse {
        let ws = req.params["workspaceId"] ?? ""
        switch await guardian.authorize(req, workspaceId: ws, .auditRead) {
        case .failure(let r): return r
        case .success:
            do {
                let events = try await store.find(.auditEvents, workspaceId: ws, where: [:], sort: [("createdAt", false)], limit: 100)
                return .json(["events": .array(events.map { JSON.object($0) })])
            } catch { return .error(503, "store_unavailable", "the store is unavailable") }
        }
    }

    func list(_ req: HTTPRequest) async -> HTTPResponse {
        let actor: RequestGuard.Actor
        switch await guardian.actor(req) { case .success(let a): actor = a; case .failure(let r): return r }
        do {
            var out: [JSON] = []
            for m in try await store.findAcrossWorkspaces(.workspaceMemberships, where: ["userId": .string(actor.userId)], limit: 500) {
                guard let ws = m["workspaceId"]?.string, let w = try await store.get(.workspaces, workspaceId: nil, id: ws) else { continue }
                out.append(["_id": .string(ws), "name": w["name"] ?? .null, "role": m["role"] ?? .null])
            }
            return .json(["workspaces": .array(out)])
        } catch { return .error(503, "store_unavailable", "the store is unavailable") }
    }

    func show(_ req: HTTPRequest) async -> HTTPResponse {
        let ws = req.params["workspaceId"] ?? ""
        switch await guardian.authorize(req, workspaceId: ws, .workspaceView) {
        case .failure(let r): return r
        case .success(let (_, role)):
            do {
                guard let w = try await store.get(.workspaces, workspaceId: nil, id: ws) else { return .error(404, "not_found", "no such workspace") }
                return .json(["workspace": ["_id": .string(ws), "name": w["name"] ?? .null, "defaultTeamId": w["defaultTeamId"] ?? .null],
                              "role": .string(role.rawValue)])
            } catch { return .error(503, "store_unavailable", "the store is unavailable") }
        }
    }

    func members(_ req: HTTPRequest) async -> HTTPResponse {
        let ws = req.params["workspaceId"] ?? ""
        switch await guardian.authorize(req, workspaceId: ws, .membersView) {
        case .failure(let r): return r
        case .success:
            do {
                var out: [JSON] = []
                for m in try await store.find(.workspaceMemberships, workspaceId: ws, where: [:], sort: [("createdAt", true)], limit: 1000) {
                    guard let uid = m["userId"]?.string else { continue }
                    let u = try await store.get(.users, workspaceId: nil, id: uid)
                    out.append(["userId": .string(uid), "role": m["role"] ?? .null, "displayName": u?["displayName"] ?? .null, "email": u?["email"] ?? .null])
                }
                return .json(["members": .array(out)])
            } catch { return .error(503, "store_unavailable", "the store is unavailable") }
        }
    }
}
