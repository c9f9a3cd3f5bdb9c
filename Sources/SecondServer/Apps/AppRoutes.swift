import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondApps

/// Apps per workspace: create, list (only what the viewer may see), get, update, delete (spec §8, §9).
struct AppRoutes: Sendable {
    let records: AppRecords
    var store: any DocumentStore { records.store }

    func install(on router: Router) {
        router.add("POST", "/api/workspaces/:workspaceId/apps", .async { [self] in await create($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps", .async { [self] in await list($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId", .async { [self] in await get($0) })
        router.add("PATCH", "/api/workspaces/:workspaceId/apps/:appId", .async { [self] in await update($0) })
        router.add("DELETE", "/api/workspaces/:workspaceId/apps/:appId", .async { [self] in await delete($0) })
    }

    static func name(_ v: JSON?, required: Bool) throws(HTTPResponse) -> String? {
        guard let v else {
            if required { throw .error(400, "invalid_request", "/name: a non-empty string of at most 100 characters is required") }
            return nil
        }
        guard let s = v.string?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty, s.count <= 100 else {
            throw .error(400, "invalid_request", "/name: a non-empty string of at most 100 characters")
        }
        return s
    }

    /// Runtime settings an app carries; the runtime id is checked by the worker when a run starts.
    static func runtime(_ b: [String: JSON], into o: inout Document) throws(HTTPResponse) {
        if let v = b["runtimeId"] {
            guard let s = v.string, (1...100).contains(s.count) else { throw .error(400, "invalid_request", "/runtimeId: a runtime id such as \"claude\"") }
            o["runtimeId"] = .string(s)
        }
        if let v = b["runtimeModel"] {
            guard v == .null || (v.string.map { $0.count <= 200 } ?? false) else { throw .error(400, "invalid_request", "/runtimeModel: a string or null") }
            o["runtimeModel"] = v
        }
        if let v = b["runtimeParams"] {
            guard v.object != nil else { throw .error(400, "invalid_request", "/runtimeParams: must be an object") }
            o["runtimeParams"] = v
        }
    }

    func create(_ req: HTTPRequest) async -> HTTPResponse {
        await records.workspace(req, .appsCreate) { ws, actor, role in
            let b = try req.jsonObject()
            let name = try Self.name(b["name"], required: true)!
            let id = Ids.objectId()
            var app: Document = ["_id": .string(id), "name": .string(name), "createdByUserId": .string(actor.userId),
                                 "collaboratorUserIds": [], "visibility": "workspace", "teamIds": [], "publishStatus": "draft",
                                 "runtimeId": "claude", "runtimeModel": .null, "runtimeParams": [:],
                                 "createdAt": .string(AppRecords.now()), "updatedAt": .string(AppRecords.now())]
            if let d = b["description"] {
                guard let s = d.string, s.count <= 2000 else { return .error(400, "invalid_request", "/description: a string of at most 2000 characters") }
                app["description"] = .string(s)
            }
            try Self.runtime(b, into: &app)
            try await store.insert(.apps, workspaceId: ws, app)
            await records.audit(ws, actor: actor.userId, "app.created", target: ["appId": .string(id), "name": .string(name)])
            await records.announce(ws, "app.created", appId: id)
            let stored = try await store.get(.apps, workspaceId: ws, id: id) ?? app
            return .json(AppRecords.view(stored, try await records.access(ws, actor.userId, role, stored)), status: 201)
        }
    }

    func list(_ req: HTTPRequest) async -> HTTPResponse {
        await records.workspace(req, .workspaceView) { ws, actor, role in
            let apps = try await store.find(.apps, workspaceId: ws, sort: [("createdAt", false)], limit: 500)
            var out: [JSON] = []
            for a in apps {
                let access = try await records.access(ws, actor.userId, role, a)
                if access.canView { out.append(AppRecords.view(a, access)) }
            }
            return .json(["apps": .array(out)])
        }
    }

    func get(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .workspaceView) { c in .json(AppRecords.view(c.app, c.access)) }
    }

    func update(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .appsUpdate) { c in
            let b = try req.jsonObject()
            let known: Set<String> = ["name", "description", "runtimeId", "runtimeModel", "runtimeParams", "visibility", "teamIds", "collaboratorUserIds"]
            if let unknown = b.keys.sorted().first(where: { !known.contains($0) }) {
                return .error(400, "invalid_request", "/\(unknown): unknown field (allowed: \(known.sorted().joined(separator: ", ")))")
            }
            guard c.access.canCollaborate else { return .error(403, "forbidden", "only the app's creator, collaborators and admins can edit it") }
            var set: Document = ["updatedAt": .string(AppRecords.now())]
            if let n = try Self.name(b["name"], required: false) { set["name"] = .string(n) }
            if let d = b["description"] {
                guard let s = d.string, s.count <= 2000 else { return .error(400, "invalid_request", "/description: a string of at most 2000 characters") }
                set["description"] = .string(s)
            }
            try Self.runtime(b, into: &set)
            // Who sees the app and who edits it: the creator and admins only.
            if b["visibility"] != nil || b["teamIds"] != nil || b["collaboratorUserIds"] != nil {
                guard c.access.canManage else { return .error(403, "forbidden", "only the app's creator and admins change its visibility or collaborators") }
            }
            if let v = b["visibility"] {
                guard let s = v.string, s == "workspace" || s == "teams" else { return .error(400, "invalid_request", "/visibility: \"workspace\" or \"teams\"") }
                set["visibility"] = .string(s)
            }
            if let t = b["teamIds"] {
                let ids = try strings(t, "/teamIds")
                for (i, id) in ids.enumerated() where try await store.get(.workspaceTeams, workspaceId: c.workspaceId, id: id) == nil {
                    return .error(400, "invalid_team_selection", "/teamIds/\(i): no such team in this workspace")
                }
                set["teamIds"] = .array(ids.map(JSON.string))
            }
            if let u = b["collaboratorUserIds"] {
                let ids = try strings(u, "/collaboratorUserIds")
                for (i, id) in ids.enumerated() where try await store.count(.workspaceMemberships, workspaceId: c.workspaceId, where: ["userId": .string(id)]) == 0 {
                    return .error(400, "invalid_request", "/collaboratorUserIds/\(i): not a member of this workspace")
                }
                set["collaboratorUserIds"] = .array(ids.map(JSON.string))
            }
            _ = try await store.update(.apps, workspaceId: c.workspaceId, id: c.appId, set: set)
            await records.audit(c.workspaceId, actor: c.actor.userId, "app.updated", target: ["appId": .string(c.appId), "fields": .array(set.keys.sorted().map(JSON.string))])
            await records.announce(c.workspaceId, "app.updated", appId: c.appId)
            let app = try await store.get(.apps, workspaceId: c.workspaceId, id: c.appId) ?? c.app
            return .json(AppRecords.view(app, try await records.access(c.workspaceId, c.actor.userId, c.role, app)))
        }
    }

    func strings(_ v: JSON, _ pointer: String) throws(HTTPResponse) -> [String] {
        guard let a = v.array, a.count <= 200, a.allSatisfy({ $0.string != nil }) else { throw .error(400, "invalid_request", "\(pointer): an array of ids") }
        return Array(Set(a.compactMap(\.string))).sorted()
    }

    func delete(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .appsDelete) { c in
            guard c.access.canManage else { return .error(403, "forbidden", "only the app's creator and admins can delete it") }
            _ = try await store.delete(.apps, workspaceId: c.workspaceId, id: c.appId)
            _ = try await store.deleteMany(.appSourceSnapshots, workspaceId: c.workspaceId, where: ["appId": .string(c.appId)])
            _ = try await store.deleteMany(.integrations, workspaceId: c.workspaceId, where: ["appId": .string(c.appId)])
            await records.audit(c.workspaceId, actor: c.actor.userId, "app.deleted", target: ["appId": .string(c.appId)])
            await records.announce(c.workspaceId, "app.deleted", appId: c.appId)
            return HTTPResponse(status: 204)
        }
    }
}
