import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondBus
import SecondApps

/// The web's internal routes the worker's MCP broker calls (spec §5, §13), internal token required.
/// Each call is re-checked here against the approved policy and the run: the worker is trusted to
/// relay, not to decide. Live integration calls arrive with the integrations issue; until then
/// tool-execute answers from the approved tool's `mockData` and says so.
struct InternalToolRoutes: Sendable {
    let store: any DocumentStore
    let bus: (any CoordinationBus)?
    let auth: InternalAuth

    func install(on router: Router) {
        router.add("POST", "/api/internal/tool-execute", auth.guarded(async: { [self] in await call($0, toolExecute) }))
        router.add("POST", "/api/internal/app-data-read", auth.guarded(async: { [self] in await call($0, dataRead) }))
        router.add("POST", "/api/internal/app-data-write", auth.guarded(async: { [self] in await call($0, dataWrite) }))
        router.add("POST", "/api/internal/tool-failure-report", auth.guarded(async: { [self] in await call($0, failureReport) }))
    }

    struct Call: Sendable {
        let body: [String: JSON]
        let ws: String
        let app: Document
        let appId: String
        let agentId: String
        let sourceVersion: String
        let tools: AgentToolPolicy
    }

    /// Validates the common fields, loads the app, the approved policy, the agent and (if named) the run.
    func call(_ req: HTTPRequest, _ body: (Call) async throws -> HTTPResponse) async -> HTTPResponse {
        do {
            let b = try req.jsonObject()
            func field(_ k: String) throws -> String {
                guard let v = b[k]?.string, !v.isEmpty else { throw HTTPResponse.error(400, "invalid_request", "/\(k): required") }
                return v
            }
            let ws = try field("workspaceId"), appId = try field("appId"), agentId = try field("agentId")
            let version = b["sourceVersion"]?.string == "draft" ? "draft" : "published"
            guard WorkspaceSlug.isValid(ws), let app = try await store.get(.apps, workspaceId: ws, id: appId) else {
                return .error(403, "app_not_found", "App was not found in this workspace")
            }
            if let runId = b["runId"]?.string {
                guard let run = try await store.get(.appAgentRuns, workspaceId: ws, id: runId), run["appId"]?.string == appId else {
                    return .error(403, "run_not_found", "the run does not belong to this app")
                }
                guard run["agentId"]?.string == agentId else { return .error(403, "agent_mismatch", "agentId does not match run") }
                guard run["triggeredByUserId"]?.string != nil else { return .error(403, "run_without_user", "the run has no triggering user") }
                guard run["sourceVersion"]?.string == version else { return .error(403, "source_version_mismatch", "sourceVersion does not match run") }
            }
            let resolved: ApprovedPolicy.Resolved
            switch try await ApprovedPolicy.resolve(store: store, workspaceId: ws, app: app, sourceVersion: version) {
            case .failure(let r): return r
            case .success(let r): resolved = r
            }
            guard let tools = AgentToolPolicy(policy: resolved.policy, agentId: agentId) else {
                return .error(403, "agent_not_approved", "the approved agents.json has no agent \"\(agentId)\"")
            }
            return try await body(Call(body: b, ws: ws, app: app, appId: appId, agentId: agentId, sourceVersion: version, tools: tools))
        } catch let r as HTTPResponse {
            return r
        } catch let e as StoreError {
            if case .invalid(let m) = e { return .error(400, "invalid_request", m) }
            return .error(503, "store_unavailable", "the store is unavailable")
        } catch {
            return .error(503, "store_unavailable", "the store is unavailable")
        }
    }

    func audit(_ c: Call, _ action: String, _ target: JSON) async {
        try? await store.insert(.auditEvents, workspaceId: c.ws, ["_id": .string(Ids.objectId()), "action": .string(action), "actorUserId": "agent",
                                                                  "agentId": .string(c.agentId), "target": target, "createdAt": .string(AppRecords.now())])
    }

    // MARK: tool-execute

    func toolExecute(_ c: Call) async throws -> HTTPResponse {
        guard let name = c.body["toolName"]?.string, !name.isEmpty else { return .error(400, "invalid_request", "/toolName: required") }
        guard let spec = c.body["toolSpec"], spec.object != nil else { return .error(400, "invalid_request", "/toolSpec: required") }
        if let input = c.body["toolInput"], input != .null, input.object == nil { return .error(400, "invalid_request", "/toolInput: must be an object") }
        guard let tool = c.tools.authorizeToolCall(toolName: name, toolSpec: spec) else {
            await audit(c, "tool.custom.denied", ["appId": .string(c.appId), "tool": .string(name)])
            let code = c.sourceVersion == "draft" ? "draft_agents_config_unapproved" : "published_agents_config_missing_tool"
            return .error(403, code, "tool \"\(name)\" is not in the approved agents.json for agent \(c.agentId) (or its spec differs)")
        }
        await audit(c, "tool.custom.mocked", ["appId": .string(c.appId), "tool": .string(tool.name)])
        return .json(["success": true, "mock": true, "data": tool.mockData.first ?? .null,
                      "mockReason": "integration_execution_unavailable: live integration calls are not enabled on this server yet; this is the tool's approved sample data"])
    }

    // MARK: app data

    /// Draft runs read and write `{appId}__draft`, never the published data.
    func scope(_ c: Call) -> String { c.sourceVersion == "draft" ? "\(c.appId)__draft" : c.appId }

    func collection(_ c: Call) throws -> String {
        guard let col = c.body["collection"]?.string, !col.isEmpty else { throw HTTPResponse.error(400, "invalid_request", "/collection: required") }
        guard c.tools.allowsCollection(col) else {
            throw HTTPResponse.error(403, "collection_not_approved", "collection \"\(col)\" is not approved for agent \(c.agentId)")
        }
        return col
    }

    static func view(_ d: Document) -> JSON {
        var o = d["data"]?.object ?? [:]
        o["_id"] = d["_id"]; o["_createdAt"] = d["createdAt"]; o["_updatedAt"] = d["updatedAt"]
        return .object(o)
    }

    func dataRead(_ c: Call) async throws -> HTTPResponse {
        let col = try collection(c)
        if let id = c.body["docId"]?.string {
            let d = try await store.get(.appData, workspaceId: c.ws, id: id)
            guard let d, d["appId"]?.string == scope(c), d["collection"]?.string == col else { return .json(["success": true, "doc": .null]) }
            return .json(["success": true, "doc": Self.view(d)])
        }
        let docs = try await store.find(.appData, workspaceId: c.ws, where: ["appId": .string(scope(c)), "collection": .string(col)],
                                        sort: [("updatedAt", false)], limit: 200)
        return .json(["success": true, "docs": .array(docs.map(Self.view))])
    }

    func dataWrite(_ c: Call) async throws -> HTTPResponse {
        let col = try collection(c)
        let filter = c.body["filter"]?.object
        let data = c.body["data"]?.object
        let now = AppRecords.now()
        func owned(_ id: String) async throws -> Document? {
            guard let d = try await store.get(.appData, workspaceId: c.ws, id: id), d["appId"]?.string == scope(c), d["collection"]?.string == col else { return nil }
            return d
        }
        let result: Document
        switch c.body["operation"]?.string {
        case "insert":
            guard let data else { return .error(400, "invalid_request", "data is required for insert") }
            let id = Ids.objectId()
            try await store.insert(.appData, workspaceId: c.ws, ["_id": .string(id), "appId": .string(scope(c)), "collection": .string(col),
                                                                  "data": .object(data), "createdAt": .string(now), "updatedAt": .string(now)])
            result = try await owned(id) ?? [:]
            await audit(c, "app_data.document.inserted", ["collection": .string(col), "docId": .string(id)])
        case "update":
            guard let id = filter?["_id"]?.string, let data else { return .error(400, "invalid_request", "filter._id and data are required for update") }
            guard let old = try await owned(id) else { return .error(404, "not_found", "Document not found") }
            var merged = old["data"]?.object ?? [:]
            for (k, v) in data { merged[k] = v }
            _ = try await store.update(.appData, workspaceId: c.ws, id: id, set: ["data": .object(merged), "updatedAt": .string(now)])
            result = try await owned(id) ?? [:]
            await audit(c, "app_data.document.updated", ["collection": .string(col), "docId": .string(id)])
        case "upsert":
            guard let filter, let data else { return .error(400, "invalid_request", "filter and data are required for upsert") }
            let id = filter["_id"]?.string ?? Ids.objectId()
            if let old = try await owned(id) {
                var merged = old["data"]?.object ?? [:]
                for (k, v) in data { merged[k] = v }
                _ = try await store.update(.appData, workspaceId: c.ws, id: id, set: ["data": .object(merged), "updatedAt": .string(now)])
            } else {
                guard try await store.get(.appData, workspaceId: c.ws, id: id) == nil else { return .error(403, "forbidden", "that id belongs to other data") }
                try await store.insert(.appData, workspaceId: c.ws, ["_id": .string(id), "appId": .string(scope(c)), "collection": .string(col),
                                                                      "data": .object(data), "createdAt": .string(now), "updatedAt": .string(now)])
            }
            result = try await owned(id) ?? [:]
            await audit(c, "app_data.document.upserted", ["collection": .string(col), "docId": .string(id)])
        case "delete":
            guard let id = filter?["_id"]?.string else { return .error(400, "invalid_request", "filter._id is required for delete") }
            guard let old = try await owned(id) else { return .error(404, "not_found", "Document not found") }
            _ = try await store.delete(.appData, workspaceId: c.ws, id: id)
            result = old
            await audit(c, "app_data.document.deleted", ["collection": .string(col), "docId": .string(id)])
        default:
            return .error(400, "invalid_request", "Unknown operation (insert, update, upsert or delete)")
        }
        return .json(["success": true, "doc": Self.view(result)])
    }

    // MARK: failure reports

    func failureReport(_ c: Call) async throws -> HTTPResponse {
        guard let d = c.body["description"]?.string, !d.isEmpty else { return .error(400, "invalid_request", "/description: required") }
        await audit(c, "app_agent_tool_failure.reported", ["appId": .string(c.appId), "runId": c.body["runId"] ?? .null,
                                                           "toolName": c.body["requestedToolName"] ?? .null,
                                                           "description": .string(String(d.prefix(4000)))])
        return .json(["ok": true, "status": "recorded"])
    }
}
