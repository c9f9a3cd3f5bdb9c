import SecondCore
import SecondStore

/// Creates a workspace: its id is a free slug derived from the name, with the default `General`
/// team (isDefault, slug "general"). Shared by local onboarding and external identity sync.
enum WorkspaceFactory {
    struct Created: Sendable { let id: String; let defaultTeamId: String }

    static func create(_ store: any DocumentStore, name: String, creator: String, now: JSON,
                       external: (provider: String, organization: String)? = nil) async throws -> Created {
        let base = Ids.slug(name)
        for attempt in 1...50 {
            let slug = attempt == 1 ? base : "\(base.prefix(70))-\(attempt)"
            let teamId = Ids.objectId()
            var doc: Document = ["_id": .string(slug), "name": .string(name), "slug": .string(slug),
                                 "createdByUserId": .string(creator), "defaultTeamId": .string(teamId), "createdAt": now]
            if let external {
                doc["externalOrganizationProvider"] = .string(external.provider)
                doc["externalOrganizationId"] = .string(external.organization)
            }
            do { try await store.insert(.workspaces, workspaceId: nil, doc) } catch StoreError.duplicateKey { continue }
            try await store.insert(.workspaceTeams, workspaceId: slug, ["_id": .string(teamId), "name": "General", "slug": "general",
                "isDefault": true, "createdByUserId": .string(creator), "createdAt": now])
            return Created(id: slug, defaultTeamId: teamId)
        }
        throw StoreError.failed("no free workspace slug for \(base)")
    }
}
