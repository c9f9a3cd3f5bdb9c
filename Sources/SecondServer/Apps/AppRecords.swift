import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondBus
import SecondApps

/// Loading apps with the viewer's access (spec §8): an app the viewer may not see is a 404, exactly
/// like an app that does not exist; a visible app without the needed capability is a 403.
struct AppRecords: Sendable {
    let guardian: RequestGuard
    let store: any DocumentStore
    let bus: (any CoordinationBus)?

    struct Context: Sendable {
        let workspaceId: String
        let actor: RequestGuard.Actor
        let role: Role
        let app: Document
        let access: AppAccess
        var appId: String { app["_id"]?.string ?? "" }
    }

    static let unavailable = HTTPResponse.error(503, "store_unavailable", "the store is unavailable")
    static let notFound = HTTPResponse.error(404, "not_found", "no such app")

    /// Authorizes `permission` in the workspace, then runs `body`; store and bus errors become 503.
    func workspace(_ req: HTTPRequest, _ p: Permission, _ body: (String, RequestGuard.Actor, Role) async throws -> HTTPResponse) async -> HTTPResponse {
        await guardian.run(req, p, body)
    }

    /// Like `workspace`, plus the app of the path and the viewer's access to it (404 when not visible).
    func app(_ req: HTTPRequest, _ p: Permission, _ body: (Context) async throws -> HTTPResponse) async -> HTTPResponse {
        await workspace(req, p) { ws, actor, role in
            guard let app = try await store.get(.apps, workspaceId: ws, id: req.params["appId"] ?? "") else { return Self.notFound }
            let access = try await self.access(ws, actor.userId, role, app)
            guard access.canView else { return Self.notFound }
            return try await body(Context(workspaceId: ws, actor: actor, role: role, app: app, access: access))
        }
    }

    func access(_ ws: String, _ userId: String, _ role: Role, _ app: Document) async throws -> AppAccess {
        let teams = try await store.find(.workspaceTeamMemberships, workspaceId: ws, where: ["userId": .string(userId)])
        let viewer = AppAccess.Viewer(userId: userId, role: role, teamIds: Set(teams.compactMap { $0["teamId"]?.string }))
        return AppAccess(viewer: viewer, app: Self.accessModel(app))
    }

    static func accessModel(_ app: Document) -> AppAccess.App {
        AppAccess.App(createdByUserId: app["createdByUserId"]?.string ?? "",
                      collaboratorUserIds: Set((app["collaboratorUserIds"]?.array ?? []).compactMap(\.string)),
                      hasPublishedVersion: app["publishedSnapshotId"]?.string != nil,
                      visibility: app["visibility"]?.string == "teams" ? .teams : .workspace,
                      teamIds: Set((app["teamIds"]?.array ?? []).compactMap(\.string)))
    }

    /// The API view of an app: no snapshot contents, no approved payload, plus what the viewer may do.
    static func view(_ app: Document, _ access: AppAccess) -> JSON {
        var o = app
        for k in ["agentsJsonApprovedPayload", "publishedAgentsJsonApprovedPayload"] { o[k] = nil }
        o["id"] = app["_id"]
        o["access"] = ["canManage": .bool(access.canManage), "canCollaborate": .bool(access.canCollaborate),
                       "canManageCollaborators": .bool(access.canManageCollaborators), "canReview": .bool(access.canReview)]
        return .object(o)
    }

    // MARK: snapshots

    static func snapshotId(_ appId: String, _ kind: String) -> String { "\(appId)-\(kind)" }

    func snapshot(_ ws: String, _ appId: String, kind: String) async throws -> [String: String]? {
        guard let s = try await store.get(.appSourceSnapshots, workspaceId: ws, id: Self.snapshotId(appId, kind)) else { return nil }
        var files: [String: String] = [:]
        for f in s["files"]?.array ?? [] { if let p = f["path"]?.string, let t = f["text"]?.string { files[p] = t } }
        return files
    }

    /// Files are stored as a list: paths contain dots, which are not valid document keys.
    func saveSnapshot(_ ws: String, _ appId: String, kind: String, _ snap: AppSnapshot) async throws {
        let doc: Document = ["_id": .string(Self.snapshotId(appId, kind)), "appId": .string(appId), "kind": .string(kind),
                             "files": .array(snap.files.keys.sorted().map { ["path": .string($0), "text": .string(snap.files[$0]!)] }),
                             "sizeBytes": .int(Int64(snap.sizeBytes)), "fileCount": .int(Int64(snap.fileCount)), "hash": .string(snap.hash),
                             "updatedAt": .string(Self.now())]
        _ = try await store.delete(.appSourceSnapshots, workspaceId: ws, id: Self.snapshotId(appId, kind))
        try await store.insert(.appSourceSnapshots, workspaceId: ws, doc)
    }

    // MARK: audit and events

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    func audit(_ ws: String, actor: String, _ action: String, target: JSON) async {
        try? await store.insert(.auditEvents, workspaceId: ws, ["_id": .string(Ids.objectId()), "action": .string(action),
                                                                "actorUserId": .string(actor), "target": target, "createdAt": .string(Self.now())])
        try? await bus?.publish(WorkspaceEvent(type: "audit.changed", workspaceId: ws, scope: "audit-events"))
    }

    func announce(_ ws: String, _ type: String, appId: String, scope: String = "apps") async {
        try? await bus?.publish(WorkspaceEvent(type: type, workspaceId: ws, scope: scope, appId: appId))
    }
}
