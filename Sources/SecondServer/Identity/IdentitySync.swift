import Foundation
import SecondCore
import SecondStore
import SecondPluginHost

/// Applies what an external auth provider says about a request's principal to the store: the user
/// (by provider subject, else by email), the workspace mapped from the provider's organization, a
/// membership with a validated role (unknown or missing → member: never elevated) and membership
/// of the workspace's General team.
struct IdentitySync: Sendable {
    let store: any DocumentStore
    var acceptance: InvitationAcceptance? = nil

    struct Synced: Sendable, Equatable { let userId: String; let workspaceId: String?; let role: Role? }

    func apply(_ p: Principal, provider: String) async throws -> Synced {
        let now = JSON.string(ISO8601DateFormatter().string(from: Date()))
        let userId = try await upsertUser(p, provider: provider, now: now)
        try await acceptance?.accept(userId: userId, email: p.email)
        guard let orgId = p.organizationId, !orgId.isEmpty else { return Synced(userId: userId, workspaceId: nil, role: nil) }
        let ws = try await workspace(forOrganization: orgId, name: p.organizationName ?? orgId, provider: provider, creator: userId, now: now)
        // A valid role in the claims is the truth; an unknown one means member (never elevated); no role
        // at all leaves an existing membership as the workspace API last set it.
        let claimed: Role? = p.reportedRole == nil ? nil : (p.role ?? .member)
        var role = claimed ?? .member
        let memberships = try await store.find(.workspaceMemberships, workspaceId: ws.id, where: ["userId": .string(userId)], sort: [], limit: 1)
        if let m = memberships.first, let id = m["_id"]?.string {
            if claimed == nil { role = Role(validating: m["role"]?.string) ?? .member }
            if m["role"]?.string != role.rawValue {
                _ = try await store.update(.workspaceMemberships, workspaceId: ws.id, id: id, set: ["role": .string(role.rawValue), "updatedAt": now])
            }
        } else {
            do {
                try await store.insert(.workspaceMemberships, workspaceId: ws.id, ["_id": .string(Ids.objectId()), "userId": .string(userId),
                    "role": .string(role.rawValue), "externalProvider": .string(provider), "externalOrganizationId": .string(orgId), "createdAt": now])
            } catch StoreError.duplicateKey {}   // a concurrent request made it
        }
        try await ensureGeneral(ws, userId: userId, now: now)
        return Synced(userId: userId, workspaceId: ws.id, role: role)
    }

    func upsertUser(_ p: Principal, provider: String, now: JSON) async throws -> String {
        if let u = try await store.find(.users, workspaceId: nil, where: ["externalProvider": .string(provider), "externalSubject": .string(p.subject)],
                                        sort: [], limit: 1).first, let id = u["_id"]?.string {
            var set: Document = ["updatedAt": now]
            if let e = p.email { set["email"] = .string(e); set["emailNormalized"] = .string(e.lowercased()) }
            if let n = p.name { set["displayName"] = .string(n) }
            _ = try await store.update(.users, workspaceId: nil, id: id, set: set)
            return id
        }
        if let e = p.email, let u = try await store.find(.users, workspaceId: nil, where: ["emailNormalized": .string(e.lowercased())], sort: [], limit: 1).first,
           let id = u["_id"]?.string {
            _ = try await store.update(.users, workspaceId: nil, id: id, set: ["externalProvider": .string(provider), "externalSubject": .string(p.subject), "updatedAt": now])
            return id
        }
        let id = Ids.objectId()
        var doc: Document = ["_id": .string(id), "externalProvider": .string(provider), "externalSubject": .string(p.subject),
                             "displayName": .string(p.name ?? p.email ?? p.subject), "createdAt": now, "updatedAt": now]
        if let e = p.email { doc["email"] = .string(e); doc["emailNormalized"] = .string(e.lowercased()) }
        try await store.insert(.users, workspaceId: nil, doc)
        return id
    }

    struct Workspace { let id: String; let defaultTeamId: String? }

    func workspace(forOrganization org: String, name: String, provider: String, creator: String, now: JSON) async throws -> Workspace {
        if let w = try await store.find(.workspaces, workspaceId: nil, where: ["externalOrganizationProvider": .string(provider), "externalOrganizationId": .string(org)],
                                        sort: [], limit: 1).first, let id = w["_id"]?.string {
            return Workspace(id: id, defaultTeamId: w["defaultTeamId"]?.string)
        }
        let w = try await WorkspaceFactory.create(store, name: name, creator: creator, now: now, external: (provider, org))
        return Workspace(id: w.id, defaultTeamId: w.defaultTeamId)
    }

    func ensureGeneral(_ ws: Workspace, userId: String, now: JSON) async throws {
        guard let team = ws.defaultTeamId else { return }
        let existing = try await store.count(.workspaceTeamMemberships, workspaceId: ws.id, where: ["teamId": .string(team), "userId": .string(userId)])
        if existing == 0 {
            do {
                try await store.insert(.workspaceTeamMemberships, workspaceId: ws.id, ["_id": .string(Ids.objectId()), "teamId": .string(team),
                    "userId": .string(userId), "createdAt": now])
            } catch StoreError.duplicateKey {}
        }
    }
}
