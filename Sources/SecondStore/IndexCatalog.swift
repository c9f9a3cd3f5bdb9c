/// One index of spec §9. Both stores create exactly these (SQLite as expression indexes, MongoDB via createIndexes).
public struct IndexSpec: Sendable, Equatable {
    public let collection: StoreCollection
    /// (field path, ascending). "workspaceId" and "_id" map to SQLite columns.
    public let keys: [(String, Bool)]
    public let unique: Bool

    public var fields: [String] { keys.map(\.0) }
    /// MongoDB-style name ("workspaceId_1_userId_1"); SQLite prefixes it with the table name.
    public var name: String { keys.map { "\($0.0)_\($0.1 ? 1 : -1)" }.joined(separator: "_") }

    public static func == (a: IndexSpec, b: IndexSpec) -> Bool {
        a.collection == b.collection && a.unique == b.unique && a.name == b.name
    }
}

/// THE index table both implementations read.
///
/// Unique-index semantics differ in one corner: MongoDB treats a missing field as null (so only one document may lack
/// it), SQLite (and nx-27017) let many documents lack it. The domain layer always writes these fields.
public enum IndexCatalog {
    public static let all: [IndexSpec] = {
        func ix(_ c: StoreCollection, _ fields: [String], unique: Bool = false, descendingLast: Bool = false) -> IndexSpec {
            IndexSpec(collection: c, keys: fields.enumerated().map { i, f in (f, !(descendingLast && i == fields.count - 1)) },
                      unique: unique)
        }
        var specs: [IndexSpec] = [
            ix(.users, ["emailNormalized"], unique: true),
            ix(.workspaces, ["slug"], unique: true),
            ix(.workspaceMemberships, ["workspaceId", "userId"], unique: true),
            ix(.workspaceTeams, ["workspaceId", "slug"], unique: true),
            ix(.workspaceTeamMemberships, ["workspaceId", "teamId", "userId"], unique: true),
            ix(.appSourceSnapshots, ["workspaceId", "appId", "kind"], unique: true),
            ix(.integrations, ["workspaceId", "appId", "domain", "keySlug"], unique: true),
            ix(.oauthProviderConfigs, ["workspaceId", "providerKey"], unique: true),
            ix(.connectedAccounts, ["workspaceId", "userId", "providerConfigId"], unique: true),
            // The spec's second app_data index {ws,app,collection,_id} is left out: nx-27017 (the CI server) cannot
            // insert into a collection whose index names _id; the updatedAt index serves the same scoped lookups.
            ix(.appData, ["workspaceId", "appId", "collection", "updatedAt"], descendingLast: true),
            ix(.auditEvents, ["workspaceId", "createdAt"]),
            ix(.apps, ["workspaceId"]),
            ix(.agentRuns, ["workspaceId", "appId"]),
            ix(.appAgentRuns, ["workspaceId", "appId"]),
            ix(.appAgentRuns, ["status"]),
        ]
        // Every owned read is scoped by workspaceId, so every owned collection gets an index that starts with it.
        for c in StoreCollection.allCases where c.isWorkspaceOwned
            && !specs.contains(where: { $0.collection == c && $0.fields.first == "workspaceId" }) {
            specs.append(ix(c, ["workspaceId"]))
        }
        return specs
    }()

    public static func indexes(for c: StoreCollection) -> [IndexSpec] { all.filter { $0.collection == c } }

    /// Paths that are scalars by schema because an index names them. The embedded store compares these as scalars
    /// (so its expression indexes serve the lookup); every other path also matches array elements, as in MongoDB.
    static func scalarPaths(for c: StoreCollection) -> Set<String> {
        Set(indexes(for: c).flatMap(\.fields))
    }
}
