import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondBus
import SecondPluginHost

/// Workspace invitations: create, list, resend, revoke; accepted when the invited email signs in.
/// In external mode the first auth provider that supports control operations is told too
/// (`{"op":"create"|"resend"|"revoke"}`); a provider without them leaves the invitation local.
struct Invitations: Sendable {
    let governance: Governance
    let providers: [ComponentInstance]
    static let lifetime: TimeInterval = 7 * 24 * 3600

    var store: any DocumentStore { governance.store }

    func install(on router: Router) {
        router.add("POST", "/api/workspaces/:workspaceId/invitations", .async { [self] in await create($0) })
        router.get("/api/workspaces/:workspaceId/invitations", async: { [self] in await list($0) })
        router.add("POST", "/api/workspaces/:workspaceId/invitations/:invitationId/resend", .async { [self] in await resend($0) })
        router.add("DELETE", "/api/workspaces/:workspaceId/invitations/:invitationId", .async { [self] in await revoke($0) })
    }

    static func iso(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    /// Asks the providers that implement control operations; the first real answer wins.
    func tellProvider(_ request: JSON) async -> (provider: String, externalId: String?)? {
        for p in providers {
            let r = await p.authControl(requestJSON: request.text)
            if r.status == .notSupported { continue }
            if r.status == .ok { return (p.id, (try? JSON.parse(r.payload))?["invitation_id"]?.string) }
            return (p.id, nil)
        }
        return nil
    }

    func create(_ req: HTTPRequest) async -> HTTPResponse {
        await governance.authorized(req, .membersInvite) { ws, actor, actorRole in
            let b = try governance.body(req)
            guard let email = b["email"]?.string?.trimmingCharacters(in: .whitespaces), email.contains("@"), email.count <= 254 else {
                return .error(400, "invalid_request", "/email: an email address")
            }
            guard let role = Role(validating: b["role"]?.string ?? "member") else { return .error(400, "invalid_role", "/role: must be owner, admin or member") }
            if role == .owner && !Permissions.has(actorRole, .membersManageOwner) {
                return .error(403, "forbidden", "inviting an owner needs members:manage-owner")
            }
            let teamIds = (b["teamIds"]?.array ?? []).compactMap(\.string)
            for t in teamIds { _ = try await governance.team(ws, t) }
            let normalized = email.lowercased()
            if try await store.count(.workspaceInvitations, workspaceId: ws, where: ["emailNormalized": .string(normalized), "status": "pending"]) > 0 {
                return .error(409, "already_invited", "a pending invitation for this email exists")
            }
            let id = Ids.objectId()
            let told = await tellProvider(["v": 1, "op": "create", "workspace_id": .string(ws), "email": .string(email),
                                           "role": .string(role.rawValue), "invited_by": .string(actor.userId)])
            try await store.insert(.workspaceInvitations, workspaceId: ws, [
                "_id": .string(id), "email": .string(email), "emailNormalized": .string(normalized), "role": .string(role.rawValue),
                "teamIds": .array(teamIds.map(JSON.string)), "status": "pending", "provider": .string(told?.provider ?? "local"),
                "externalInvitationId": told?.externalId.map(JSON.string) ?? .null, "invitedByUserId": .string(actor.userId),
                "createdAt": .string(Self.iso(Date())), "expiresAt": .string(Self.iso(Date().addingTimeInterval(Self.lifetime)))])
            try await governance.record(ws, actor: actor.userId, action: "invitation.created", target: ["invitationId": .string(id), "role": .string(role.rawValue)],
                                        eventType: "member.changed", scope: "memberships")
            return .json(["_id": .string(id), "email": .string(email), "role": .string(role.rawValue), "status": "pending"], status: 201)
        }
    }

    func list(_ req: HTTPRequest) async -> HTTPResponse {
        await governance.authorized(req, .membersInvite) { ws, _, _ in
            let items = try await store.find(.workspaceInvitations, workspaceId: ws, where: [:], sort: [("createdAt", false)], limit: 500)
            return .json(["invitations": .array(items.map { i in
                ["_id": i["_id"] ?? .null, "email": i["email"] ?? .null, "role": i["role"] ?? .null, "status": i["status"] ?? .null, "expiresAt": i["expiresAt"] ?? .null]
            })])
        }
    }

    func pending(_ ws: String, _ req: HTTPRequest) async throws -> Document {
        let id = req.params["invitationId"] ?? ""
        guard let inv = try await store.get(.workspaceInvitations, workspaceId: ws, id: id) else { throw HTTPResponse.error(404, "not_found", "no such invitation") }
        guard inv["status"]?.string == "pending" else { throw HTTPResponse.error(409, "not_pending", "the invitation is \(inv["status"]?.string ?? "closed")") }
        return inv
    }

    func resend(_ req: HTTPRequest) async -> HTTPResponse {
        await governance.authorized(req, .membersInvite) { ws, actor, _ in
            let inv = try await pending(ws, req)
            let id = inv["_id"]?.string ?? ""
            if let ext = inv["externalInvitationId"]?.string { _ = await tellProvider(["v": 1, "op": "resend", "invitation_id": .string(ext)]) }
            _ = try await store.update(.workspaceInvitations, workspaceId: ws, id: id, set: ["expiresAt": .string(Self.iso(Date().addingTimeInterval(Self.lifetime)))],
                                       onlyIf: ["status": "pending"])
            try await governance.record(ws, actor: actor.userId, action: "invitation.resent", target: ["invitationId": .string(id)],
                                        eventType: "member.changed", scope: "memberships")
            return .json(["_id": .string(id), "status": "pending"])
        }
    }

    func revoke(_ req: HTTPRequest) async -> HTTPResponse {
        await governance.authorized(req, .membersInvite) { ws, actor, _ in
            let inv = try await pending(ws, req)
            let id = inv["_id"]?.string ?? ""
            if let ext = inv["externalInvitationId"]?.string { _ = await tellProvider(["v": 1, "op": "revoke", "invitation_id": .string(ext)]) }
            guard try await store.update(.workspaceInvitations, workspaceId: ws, id: id, set: ["status": "revoked", "revokedAt": .string(Self.iso(Date()))],
                                         onlyIf: ["status": "pending"]) else { return .error(409, "not_pending", "the invitation is no longer pending") }
            try await governance.record(ws, actor: actor.userId, action: "invitation.revoked", target: ["invitationId": .string(id)],
                                        eventType: "member.changed", scope: "memberships")
            return HTTPResponse(status: 204)
        }
    }
}

/// Accepting invitations when an invited email signs in: membership with the invited role, General,
/// the invited teams; the invitation becomes accepted (at most once: compare-and-set on status).
struct InvitationAcceptance: Sendable {
    let store: any DocumentStore
    let bus: (any CoordinationBus)?

    @discardableResult
    func accept(userId: String, email: String?) async throws -> Int {
        guard let email else { return 0 }
        var accepted = 0
        let now = Invitations.iso(Date())
        for inv in try await store.findAcrossWorkspaces(.workspaceInvitations, where: ["emailNormalized": .string(email.lowercased()), "status": "pending"], limit: 100) {
            guard let ws = inv["workspaceId"]?.string, let id = inv["_id"]?.string else { continue }
            if let exp = inv["expiresAt"]?.string, exp < now {
                _ = try await store.update(.workspaceInvitations, workspaceId: ws, id: id, set: ["status": "expired"], onlyIf: ["status": "pending"])
                continue
            }
            guard try await store.update(.workspaceInvitations, workspaceId: ws, id: id, set: ["status": "accepted", "acceptedAt": .string(now),
                                                                                              "acceptedByUserId": .string(userId)], onlyIf: ["status": "pending"]) else { continue }
            let role = Role(validating: inv["role"]?.string) ?? .member
            if try await store.count(.workspaceMemberships, workspaceId: ws, where: ["userId": .string(userId)]) == 0 {
                try await store.insert(.workspaceMemberships, workspaceId: ws, ["_id": .string(Ids.objectId()), "userId": .string(userId),
                                                                                "role": .string(role.rawValue), "invitedByUserId": inv["invitedByUserId"] ?? .null, "createdAt": .string(now)])
            }
            let general = try await store.get(.workspaces, workspaceId: nil, id: ws)?["defaultTeamId"]?.string
            for team in [general].compactMap({ $0 }) + (inv["teamIds"]?.array ?? []).compactMap(\.string) {
                do { try await store.insert(.workspaceTeamMemberships, workspaceId: ws, ["_id": .string(Ids.objectId()), "teamId": .string(team), "userId": .string(userId)]) }
                catch StoreError.duplicateKey {}
            }
            try? await bus?.publish(WorkspaceEvent(type: "member.changed", workspaceId: ws, scope: "memberships"))
            accepted += 1
        }
        return accepted
    }
}
