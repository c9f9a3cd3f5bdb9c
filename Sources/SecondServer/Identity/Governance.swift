import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondBus

/// Governance writes on members and teams. Each change is authorized by the guard, checked against
/// the workspace rules (General cannot be deleted or left; owners change only with
/// members:manage-owner; the last owner stays), written, audited, and announced on the bus.
struct Governance: Sendable {
    let guardian: RequestGuard
    let store: any DocumentStore
    let bus: (any CoordinationBus)?

    func install(on router: Router) {
        router.add("PATCH", "/api/workspaces/:workspaceId/members/:userId", .async { [self] in await changeRole($0) })
        router.add("DELETE", "/api/workspaces/:workspaceId/members/:userId", .async { [self] in await removeMember($0) })
        router.add("POST", "/api/workspaces/:workspaceId/teams", .async { [self] in await createTeam($0) })
        router.add("PATCH", "/api/workspaces/:workspaceId/teams/:teamId", .async { [self] in await renameTeam($0) })
        router.add("DELETE", "/api/workspaces/:workspaceId/teams/:teamId", .async { [self] in await deleteTeam($0) })
        router.add("POST", "/api/workspaces/:workspaceId/teams/:teamId/members", .async { [self] in await addTeamMember($0) })
        router.add("DELETE", "/api/workspaces/:workspaceId/teams/:teamId/members/:userId", .async { [self] in await removeTeamMember($0) })
        router.get("/api/workspaces/:workspaceId/events", async: { [self] in await events($0) })
    }

    // MARK: helpers

    static let unavailable = HTTPResponse.error(503, "store_unavailable", "the store is unavailable")

    /// Runs `body` for an authorized actor; store errors become 503.
    func authorized(_ req: HTTPRequest, _ p: Permission, _ body: (String, RequestGuard.Actor, Role) async throws -> HTTPResponse) async -> HTTPResponse {
        await guardian.run(req, p, body)
    }

    func membership(_ ws: String, _ userId: String) async throws -> Document? {
        try await store.find(.workspaceMemberships, workspaceId: ws, where: ["userId": .string(userId)], sort: [], limit: 1).first
    }

    func team(_ ws: String, _ id: String) async throws -> Document {
        guard let t = try await store.get(.workspaceTeams, workspaceId: ws, id: id) else { throw HTTPResponse.error(404, "not_found", "no such team") }
        return t
    }

    /// Audit event + workspace event for one governance change.
    func record(_ ws: String, actor: String, action: String, target: JSON, eventType: String, scope: String) async throws {
        try await store.insert(.auditEvents, workspaceId: ws, ["_id": .string(Ids.objectId()), "action": .string(action), "actorUserId": .string(actor),
                                                               "target": target, "createdAt": .string(ISO8601DateFormatter().string(from: Date()))])
        try? await bus?.publish(WorkspaceEvent(type: eventType, workspaceId: ws, scope: scope))
        try? await bus?.publish(WorkspaceEvent(type: "audit.changed", workspaceId: ws, scope: "audit-events"))
    }

    func body(_ req: HTTPRequest) throws -> [String: JSON] {
        do { return try req.jsonObject() } catch { throw error }
    }

    // MARK: members

    func changeRole(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .membersManage) { ws, actor, actorRole in
            let b = try body(req)
            guard let newRole = Role(validating: b["role"]?.string) else { return .error(400, "invalid_role", "/role: must be owner, admin or member") }
            let target = req.params["userId"] ?? ""
            guard let m = try await membership(ws, target), let id = m["_id"]?.string else { return .error(404, "not_found", "no such member") }
            let current = Role(validating: m["role"]?.string)
            if (current == .owner || newRole == .owner) && !Permissions.has(actorRole, .membersManageOwner) {
                return .error(403, "forbidden", "changing an owner needs members:manage-owner")
            }
            if current == .owner && newRole != .owner, try await ownerCount(ws) <= 1 {
                return .error(409, "last_owner", "the workspace's last owner cannot be demoted")
            }
            _ = try await store.update(.workspaceMemberships, workspaceId: ws, id: id, set: ["role": .string(newRole.rawValue)])
            try await record(ws, actor: actor.userId, action: "member.role_changed",
                             target: ["userId": .string(target), "from": .string(current?.rawValue ?? "unknown"), "to": .string(newRole.rawValue)],
                             eventType: "member.changed", scope: "memberships")
            return .json(["userId": .string(target), "role": .string(newRole.rawValue)])
        }
    }

    func ownerCount(_ ws: String) async throws -> Int {
        try await store.count(.workspaceMemberships, workspaceId: ws, where: ["role": "owner"])
    }

    func removeMember(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .membersManage) { ws, actor, actorRole in
            let target = req.params["userId"] ?? ""
            guard let m = try await membership(ws, target), let id = m["_id"]?.string else { return .error(404, "not_found", "no such member") }
            if m["role"]?.string == Role.owner.rawValue {
                guard Permissions.has(actorRole, .membersManageOwner) else { return .error(403, "forbidden", "removing an owner needs members:manage-owner") }
                if try await ownerCount(ws) <= 1 { return .error(409, "last_owner", "the workspace's last owner cannot be removed") }
            }
            _ = try await store.delete(.workspaceMemberships, workspaceId: ws, id: id)
            _ = try await store.deleteMany(.workspaceTeamMemberships, workspaceId: ws, where: ["userId": .string(target)])
            try await record(ws, actor: actor.userId, action: "member.removed", target: ["userId": .string(target)],
                             eventType: "member.changed", scope: "memberships")
            return HTTPResponse(status: 204)
        }
    }

    // MARK: teams

    func teamName(_ req: HTTPRequest) throws -> String {
        let b = try body(req)
        guard let name = b["name"]?.string?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 100 else {
            throw HTTPResponse.error(400, "invalid_request", "/name: a non-empty string of at most 100 characters")
        }
        return name
    }

    func createTeam(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .workspaceManage) { ws, actor, _ in
            let name = try teamName(req)
            let id = Ids.objectId()
            do {
                try await store.insert(.workspaceTeams, workspaceId: ws, ["_id": .string(id), "name": .string(name), "slug": .string(Ids.slug(name)),
                    "isDefault": false, "createdByUserId": .string(actor.userId), "createdAt": .string(ISO8601DateFormatter().string(from: Date()))])
            } catch StoreError.duplicateKey { return .error(409, "team_exists", "a team with this name already exists") }
            try await record(ws, actor: actor.userId, action: "team.created", target: ["teamId": .string(id), "name": .string(name)],
                             eventType: "member.changed", scope: "team-memberships")
            return .json(["_id": .string(id), "name": .string(name)], status: 201)
        }
    }

    func renameTeam(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .workspaceManage) { ws, actor, _ in
            let name = try teamName(req)
            let id = req.params["teamId"] ?? ""
            _ = try await team(ws, id)
            _ = try await store.update(.workspaceTeams, workspaceId: ws, id: id, set: ["name": .string(name)])
            try await record(ws, actor: actor.userId, action: "team.renamed", target: ["teamId": .string(id), "name": .string(name)],
                             eventType: "member.changed", scope: "team-memberships")
            return .json(["_id": .string(id), "name": .string(name)])
        }
    }

    func deleteTeam(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .workspaceManage) { ws, actor, _ in
            let id = req.params["teamId"] ?? ""
            let t = try await team(ws, id)
            if t["isDefault"] == .bool(true) { return .error(409, "default_team", "the General team cannot be deleted") }
            _ = try await store.deleteMany(.workspaceTeamMemberships, workspaceId: ws, where: ["teamId": .string(id)])
            _ = try await store.delete(.workspaceTeams, workspaceId: ws, id: id)
            try await record(ws, actor: actor.userId, action: "team.deleted", target: ["teamId": .string(id)],
                             eventType: "member.changed", scope: "team-memberships")
            return HTTPResponse(status: 204)
        }
    }

    func addTeamMember(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .membersManage) { ws, actor, _ in
            let id = req.params["teamId"] ?? ""
            _ = try await team(ws, id)
            guard let user = try body(req)["userId"]?.string, !user.isEmpty else { return .error(400, "invalid_request", "/userId: required") }
            guard try await membership(ws, user) != nil else { return .error(400, "not_a_member", "/userId: not a member of this workspace") }
            do {
                try await store.insert(.workspaceTeamMemberships, workspaceId: ws, ["_id": .string(Ids.objectId()), "teamId": .string(id), "userId": .string(user)])
            } catch StoreError.duplicateKey { return .json(["teamId": .string(id), "userId": .string(user)]) }
            try await record(ws, actor: actor.userId, action: "team.member_added", target: ["teamId": .string(id), "userId": .string(user)],
                             eventType: "member.changed", scope: "team-memberships")
            return .json(["teamId": .string(id), "userId": .string(user)], status: 201)
        }
    }

    func removeTeamMember(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .membersManage) { ws, actor, _ in
            let id = req.params["teamId"] ?? "", user = req.params["userId"] ?? ""
            let t = try await team(ws, id)
            if t["isDefault"] == .bool(true) { return .error(409, "default_team", "nobody can be removed from the General team") }
            let n = try await store.deleteMany(.workspaceTeamMemberships, workspaceId: ws, where: ["teamId": .string(id), "userId": .string(user)])
            guard n > 0 else { return .error(404, "not_found", "no such team member") }
            try await record(ws, actor: actor.userId, action: "team.member_removed", target: ["teamId": .string(id), "userId": .string(user)],
                             eventType: "member.changed", scope: "team-memberships")
            return HTTPResponse(status: 204)
        }
    }

    // MARK: events

    /// The workspace's events as SSE, after the same authorization as every other route.
    func events(_ req: HTTPRequest) async -> HTTPResponse {
        await authorized(req, .workspaceView) { ws, _, _ in
            guard let bus else { return .error(503, "bus_unavailable", "no coordination bus") }
            let events = try await bus.subscribe(workspaceId: ws)
            let stream = SSEStream()
            let task = Task {
                do { for try await e in events { if !stream.send(event: "workspace", data: e.wireJSON()) { break } } } catch {}
                stream.finish()
            }
            stream.onClientGone { task.cancel() }
            stream.send(event: "ready", data: #"{"workspaceId":\#(JSON.quoted(ws))}"#)
            return .sse(stream)
        }
    }
}
