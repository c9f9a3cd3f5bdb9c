import Foundation
import SecondCore
import SecondStore
import SecondBus
import SecondPluginHost

/// Serves "second.identity.v1" from the store: the same user/workspace/membership/invitation rules
/// as the request path, for providers that sync out of band.
struct StoreIdentityBackend: IdentityBackend {
    let store: any DocumentStore
    let sync: IdentitySync
    let acceptance: InvitationAcceptance
    let bus: (any CoordinationBus)?

    struct Bad: Error { let status: Status; let message: String }

    func perform(provider: String, request: String) async -> CallResult {
        do {
            guard let parsed = try? JSON.parse(request), case .object(let o) = parsed else { throw Bad(status: .invalidArgument, message: "request is not a JSON object") }
            func text(_ key: String) throws -> String {
                guard let v = o[key]?.string, !v.isEmpty, v.utf8.count <= 512 else { throw Bad(status: .invalidArgument, message: "/\(key): required non-empty string") }
                return v
            }
            let now = JSON.string(ISO8601DateFormatter().string(from: Date()))
            switch o["op"]?.string {
            case "upsert_user":
                var fields: [String: JSON] = ["subject": .string(try text("subject"))]
                if let e = o["email"]?.string { fields["email"] = .string(e) }
                if let n = o["name"]?.string { fields["name"] = .string(n) }
                guard let p = Principal(payload: JSON.object(fields).text) else { throw Bad(status: .invalidArgument, message: "/subject: invalid") }
                return ok(["user_id": .string(try await sync.upsertUser(p, provider: provider, now: now))])
            case "map_organization":
                let org = try text("organization_id")
                let w = try await sync.workspace(forOrganization: org, name: o["name"]?.string ?? org, provider: provider, creator: "provider:\(provider)", now: now)
                return ok(["workspace_id": .string(w.id)])
            case "upsert_membership":
                let ws = try text("workspace_id"), user = try text("user_id")
                guard let role = Role(validating: o["role"]?.string) else { throw Bad(status: .invalidArgument, message: "/role: must be owner, admin or member") }
                guard WorkspaceSlug.isValid(ws), let w = try await store.get(.workspaces, workspaceId: nil, id: ws) else { throw Bad(status: .invalidArgument, message: "/workspace_id: no such workspace") }
                guard try await store.get(.users, workspaceId: nil, id: user) != nil else { throw Bad(status: .invalidArgument, message: "/user_id: no such user") }
                if let m = try await store.find(.workspaceMemberships, workspaceId: ws, where: ["userId": .string(user)], sort: [], limit: 1).first, let id = m["_id"]?.string {
                    _ = try await store.update(.workspaceMemberships, workspaceId: ws, id: id, set: ["role": .string(role.rawValue), "updatedAt": now])
                } else {
                    try await store.insert(.workspaceMemberships, workspaceId: ws, ["_id": .string(Ids.objectId()), "userId": .string(user),
                        "role": .string(role.rawValue), "externalProvider": .string(provider), "createdAt": now])
                }
                try await sync.ensureGeneral(.init(id: ws, defaultTeamId: w["defaultTeamId"]?.string), userId: user, now: now)
                try? await bus?.publish(WorkspaceEvent(type: "member.changed", workspaceId: ws, scope: "memberships"))
                return ok(["role": .string(role.rawValue)])
            case "invite":
                let ws = try text("workspace_id"), email = try text("email")
                guard email.contains("@") else { throw Bad(status: .invalidArgument, message: "/email: an email address") }
                guard let role = Role(validating: o["role"]?.string ?? "member") else { throw Bad(status: .invalidArgument, message: "/role: must be owner, admin or member") }
                guard WorkspaceSlug.isValid(ws), try await store.get(.workspaces, workspaceId: nil, id: ws) != nil else { throw Bad(status: .invalidArgument, message: "/workspace_id: no such workspace") }
                let id = Ids.objectId()
                try await store.insert(.workspaceInvitations, workspaceId: ws, ["_id": .string(id), "email": .string(email), "emailNormalized": .string(email.lowercased()),
                    "role": .string(role.rawValue), "teamIds": [], "status": "pending", "provider": .string(provider), "createdAt": now,
                    "expiresAt": .string(Invitations.iso(Date().addingTimeInterval(Invitations.lifetime)))])
                return ok(["invitation_id": .string(id)])
            case "revoke_invitation":
                let ws = try text("workspace_id"), id = try text("invitation_id")
                guard WorkspaceSlug.isValid(ws) else { throw Bad(status: .invalidArgument, message: "/workspace_id: invalid") }
                guard try await store.update(.workspaceInvitations, workspaceId: ws, id: id, set: ["status": "revoked", "revokedAt": now], onlyIf: ["status": "pending"]) else {
                    throw Bad(status: .invalidArgument, message: "/invitation_id: no pending invitation")
                }
                return ok([:])
            case "resend_invitation":
                let ws = try text("workspace_id"), id = try text("invitation_id")
                guard WorkspaceSlug.isValid(ws), try await store.update(.workspaceInvitations, workspaceId: ws, id: id,
                      set: ["expiresAt": .string(Invitations.iso(Date().addingTimeInterval(Invitations.lifetime)))], onlyIf: ["status": "pending"]) else {
                    throw Bad(status: .invalidArgument, message: "/invitation_id: no pending invitation")
                }
                return ok([:])
            case "reconcile_invitation":
                // The provider reports what happened to an invitation on its side.
                let ws = try text("workspace_id"), id = try text("invitation_id"), status = try text("status")
                guard ["accepted", "revoked", "expired"].contains(status) else { throw Bad(status: .invalidArgument, message: "/status: accepted, revoked or expired") }
                guard WorkspaceSlug.isValid(ws), let inv = try await store.get(.workspaceInvitations, workspaceId: ws, id: id) else {
                    throw Bad(status: .invalidArgument, message: "/invitation_id: no such invitation")
                }
                var set: Document = ["status": .string(status), "reconciledAt": now]
                var user: String?
                if status == "accepted" {
                    user = try text("user_id")
                    guard try await store.get(.users, workspaceId: nil, id: user!) != nil else { throw Bad(status: .invalidArgument, message: "/user_id: no such user") }
                    set["acceptedByUserId"] = .string(user!)
                }
                guard try await store.update(.workspaceInvitations, workspaceId: ws, id: id, set: set, onlyIf: ["status": "pending"]) else {
                    throw Bad(status: .invalidArgument, message: "/invitation_id: the invitation is \(inv["status"]?.string ?? "closed"), not pending")
                }
                if let user {
                    let role = Role(validating: inv["role"]?.string) ?? .member
                    if try await store.count(.workspaceMemberships, workspaceId: ws, where: ["userId": .string(user)]) == 0 {
                        try await store.insert(.workspaceMemberships, workspaceId: ws, ["_id": .string(Ids.objectId()), "userId": .string(user),
                            "role": .string(role.rawValue), "externalProvider": .string(provider), "createdAt": now])
                    }
                    let w = try await store.get(.workspaces, workspaceId: nil, id: ws)
                    try await sync.ensureGeneral(.init(id: ws, defaultTeamId: w?["defaultTeamId"]?.string), userId: user, now: now)
                    try? await bus?.publish(WorkspaceEvent(type: "member.changed", workspaceId: ws, scope: "memberships"))
                }
                return ok(["status": .string(status)])
            case "accept_invitations":
                return ok(["accepted": .int(Int64(try await acceptance.accept(userId: try text("user_id"), email: try text("email"))))])
            case let op:
                throw Bad(status: .notSupported, message: "unknown op \(op.map { "\"\($0)\"" } ?? "(missing /op)") (valid: upsert_user, map_organization, upsert_membership, invite, revoke_invitation, resend_invitation, reconcile_invitation, accept_invitations)")
            }
        } catch let b as Bad {
            return CallResult(status: b.status, message: b.message)
        } catch {
            return CallResult(status: .unavailable, message: "the store is unavailable")
        }
    }

    func ok(_ fields: [String: JSON]) -> CallResult {
        var f = fields
        f["v"] = 1
        return CallResult(status: .ok, payload: JSON.object(f).text)
    }
}
