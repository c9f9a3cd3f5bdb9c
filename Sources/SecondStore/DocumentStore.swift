import SecondCore

/// The collections of spec §9. Raw values are the MongoDB collection (and SQLite table) names.
public enum StoreCollection: String, CaseIterable, Sendable {
    case users, workspaces, workspaceMemberships = "workspace_memberships", workspaceTeams = "workspace_teams",
         workspaceTeamMemberships = "workspace_team_memberships", workspaceInvitations = "workspace_invitations",
         apps, appSourceSnapshots = "app_source_snapshots", reviewRequests = "review_requests", agentRuns = "agent_runs",
         appAgentRuns = "app_agent_runs", integrations, integrationCredentials = "integration_credentials",
         oauthProviderConfigs = "oauth_provider_configs", connectedAccounts = "connected_accounts", appData = "app_data",
         auditEvents = "audit_events"

    /// users and workspaces are global; every other collection is workspace-owned.
    public var isWorkspaceOwned: Bool { self != .users && self != .workspaces }
}

/// A stored document. Always has `"_id": .string(...)`. Numbers read back from a store follow JSON: an integral
/// value that fits Int64 comes back as `.int`, any other number as `.double` (both stores agree on this).
public typealias Document = [String: JSON]

/// One change seen by `watch`. `document` is the document after the write (insert/update); nil for delete.
public struct ChangeEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case insert, update, delete }
    public var kind: Kind
    public var id: String
    public var document: Document?
    public init(kind: Kind, id: String, document: Document?) {
        self.kind = kind
        self.id = id
        self.document = document
    }
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A unique index was violated; names the index fields, never the values.
    case duplicateKey(collection: String, fields: [String])
    /// The server or the database file cannot be reached; names the host or path, never credentials.
    case unavailable(String)
    /// Change streams need a replica set; the message says how to get one.
    case notReplicaSet(String)
    /// Bad input: missing _id, workspace scope errors, bad filter, bad field names, document too large...
    case invalid(String)
    /// The backend answered with an error that is none of the above (a bug or an unexpected server state).
    case failed(String)

    public var description: String {
        switch self {
        case .duplicateKey(let c, let f): "duplicate key in \(c) on (\(f.joined(separator: ", ")))"
        case .unavailable(let m): "store unavailable: \(m)"
        case .notReplicaSet(let m): "change streams unavailable: \(m)"
        case .invalid(let m): "invalid store request: \(m)"
        case .failed(let m): "store operation failed: \(m)"
        }
    }
}

/// The persistence seam: one protocol, an embedded SQLite implementation and a MongoDB one (`StoreFactory`).
/// Every workspace-owned read and write is scoped by `workspaceId` (spec §9).
public protocol DocumentStore: AnyObject, Sendable {
    /// "sqlite" or "mongodb".
    var kind: String { get }
    /// Opens/connects, creates tables/collections and the indexes of `IndexCatalog` (idempotent).
    func start() async throws
    func stop() async
    /// Cheap liveness check for /readyz.
    func ping() async throws
    /// For owned collections workspaceId is required and is written into the document ("workspaceId"); a document whose
    /// "workspaceId" differs is rejected (.invalid). For users/workspaces pass nil.
    func insert(_ c: StoreCollection, workspaceId: String?, _ doc: Document) async throws
    func get(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Document?
    /// Equality filter on (dotted) field paths; a value {"$in": [..]} matches any of the values. Filter values are
    /// scalars (null matches a missing field too). Sort by (path, ascending); ties are broken by _id ascending.
    func find(_ c: StoreCollection, workspaceId: String?, where filter: Document, sort: [(String, Bool)], limit: Int?) async throws -> [Document]
    /// The two identity reads that span workspaces: `workspace_memberships` by `userId` and
    /// `workspace_invitations` by `emailNormalized` (both required in the filter); anything else is .invalid.
    func findAcrossWorkspaces(_ c: StoreCollection, where filter: Document, limit: Int?) async throws -> [Document]
    func count(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int
    /// Atomic compare-and-set on ONE document: applies $set / $unset / $inc only if _id (and workspaceId) match AND every
    /// `onlyIf` condition holds (same syntax as filter). Returns whether a document was updated. This is what run claims use.
    /// With nothing to set/unset/inc it only reports whether the document matches.
    func update(_ c: StoreCollection, workspaceId: String?, id: String, set: Document, unset: [String], inc: [String: Double], onlyIf: Document) async throws -> Bool
    func delete(_ c: StoreCollection, workspaceId: String?, id: String) async throws -> Bool
    func deleteMany(_ c: StoreCollection, workspaceId: String?, where filter: Document) async throws -> Int
    /// Live changes of one collection within one workspace (used for app_data), optionally narrowed by an equality filter on
    /// the document (e.g. ["appId": "a1"]). Deletes are delivered for ids in scope. Ends when the consumer cancels.
    func watch(_ c: StoreCollection, workspaceId: String, where filter: Document) async throws -> AsyncThrowingStream<ChangeEvent, any Error>
}

extension DocumentStore {
    public func find(_ c: StoreCollection, workspaceId: String?, where filter: Document = [:], sort: [(String, Bool)] = [],
                     limit: Int? = nil) async throws -> [Document] {
        try await find(c, workspaceId: workspaceId, where: filter, sort: sort, limit: limit)
    }

    public func count(_ c: StoreCollection, workspaceId: String?) async throws -> Int {
        try await count(c, workspaceId: workspaceId, where: [:])
    }

    public func update(_ c: StoreCollection, workspaceId: String?, id: String, set: Document = [:], unset: [String] = [],
                       inc: [String: Double] = [:], onlyIf: Document = [:]) async throws -> Bool {
        try await update(c, workspaceId: workspaceId, id: id, set: set, unset: unset, inc: inc, onlyIf: onlyIf)
    }

    public func watch(_ c: StoreCollection, workspaceId: String) async throws -> AsyncThrowingStream<ChangeEvent, any Error> {
        try await watch(c, workspaceId: workspaceId, where: [:])
    }
}
