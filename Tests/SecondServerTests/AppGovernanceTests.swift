import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Apps over HTTP (spec §8, §11, §12, §21): who sees what, agents.json errors with JSON pointers,
/// approval and its staleness, publish and review, integration-setup sync, and the internal routes
/// the MCP broker calls, each re-checking the approved policy.
@Suite struct AppGovernanceTests {
    static let token = "apps-internal-token-0123456789abcdef0123"

    func server() throws -> ServerProcess {
        let file = NSTemporaryDirectory() + "apps-\(UUID().uuidString).yaml"
        try WorkspaceAccessTests.config.write(toFile: file, atomically: true, encoding: .utf8)
        return try ServerProcess("serve", env: ["INTERNAL_API_TOKEN": Self.token], config: file)
    }

    func general(_ port: Int?, _ who: [String: String]) async throws -> String {
        ((object(try await send(port, "GET", "/api/workspaces/acme", who).1)["workspace"] as? [String: Any])?["defaultTeamId"] as? String) ?? "?"
    }

    @Test func agentsJSONErrorsApprovalAndStaleness() async throws {
        let s = try server()
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner"), member = person("mia", role: "member")
        for p in [owner, member] { _ = try await send(port, "GET", "/api/workspaces", p) }

        // A schema error is reported with its JSON pointer, and cannot be approved.
        let broken = helperAgentsJSON.replacingOccurrences(of: #""url":"https://inventory.example.com/items","queryParams""#, with: #""queryParams""#)
        let app = try await createApp(port, member, runtime: "claude", files: ["agents.json": broken])
        let base = "/api/workspaces/acme/apps/\(app)"
        let agents = try await send(port, "GET", "\(base)/agents", member).1
        #expect(agents.contains("/agents/0/tools/0/endpoint/url"), "\(agents)")
        let refused = try await send(port, "POST", "\(base)/agents/approve", owner)
        #expect(refused.0 == 400 && refused.1.contains("invalid_agents_json") && refused.1.contains("/agents/0/tools/0/endpoint/url"), "\(refused)")
        // Unparsable JSON says where.
        let garbled = try await send(port, "PUT", "\(base)/source", member, json: jsonText(["files": ["agents.json": "{\"agents\": [\n  {\"id\": }\n]}"]]))
        #expect(garbled.0 == 200 && garbled.1.contains("line 2"), "\(garbled.1)")
        // Snapshot paths are checked and named.
        let escape = try await send(port, "PUT", "\(base)/source", member, json: jsonText(["files": ["../etc/passwd": "x"]]))
        #expect(escape.0 == 400 && escape.1.contains("/files/..~1etc~1passwd"), "\(escape.1)")
        let notText = try await send(port, "PUT", "\(base)/source", member, json: #"{"files":{"a.txt":1}}"#)
        #expect(notText.0 == 400 && notText.1.contains("/files/a.txt"), "\(notText.1)")

        // Approve a valid file; only owners and admins may; a pinned hash must match.
        _ = try await send(port, "PUT", "\(base)/source", member, json: jsonText(["files": ["agents.json": helperAgentsJSON]]))
        #expect(try await send(port, "POST", "\(base)/agents/approve", member).0 == 403)
        #expect(try await send(port, "POST", "\(base)/agents/approve", owner, json: #"{"hash":"v1:0000"}"#).0 == 409)
        let approved = try await send(port, "POST", "\(base)/agents/approve", owner)
        let hash = object(approved.1)["hash"] as? String ?? ""
        #expect(approved.0 == 200 && hash.hasPrefix("v1:"))

        // Key order and empty optional arrays are not a change; anything else makes the approval stale.
        var doc = try JSONSerialization.jsonObject(with: Data(helperAgentsJSON.utf8)) as! [String: Any]
        doc["appTools"] = [Any]()
        let same = try await send(port, "PUT", "\(base)/source", member, json: jsonText(["files": ["agents.json": jsonText(doc)]]))
        #expect(object(same.1)["agentsApprovalStale"] as? Bool == false, "\(same.1)")
        #expect(((object(try await send(port, "GET", "\(base)/agents", member).1)["draft"] as? [String: Any])?["approved"] as? Bool) == true)
        let changed = try await send(port, "PUT", "\(base)/source", member,
                                     json: jsonText(["files": ["agents.json": helperAgentsJSON.replacingOccurrences(of: "widget", with: "gadget")]]))
        #expect(object(changed.1)["agentsApprovalStale"] as? Bool == true, "\(changed.1)")
        let draft = object(try await send(port, "GET", "\(base)/agents", member).1)["draft"] as? [String: Any]
        #expect(draft?["approved"] as? Bool == false && draft?["approvalHash"] is NSNull)
        let run = try await send(port, "POST", "\(base)/agent-runs", member, json: #"{"agentId":"helper","prompt":"hi","sourceVersion":"draft"}"#)
        #expect(run.0 == 403 && run.1.contains("draft_agents_config_unapproved"), "\(run)")
        let audit = try await send(port, "GET", "/api/workspaces/acme/audit-events", owner).1
        #expect(audit.contains("app.agents_config.approved") && audit.contains("app.agents_config.stale"), "\(audit)")
    }

    @Test func visibilityPublishAndReview() async throws {
        let s = try server()
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner"), creator = person("mia", role: "member"), viewer = person("vic", role: "member")
        let outsider = person("gina", role: "owner", org: "globex")
        for p in [owner, creator, viewer, outsider] { _ = try await send(port, "GET", "/api/workspaces", p) }
        let general = try await general(port, owner)
        let app = try await createApp(port, creator, runtime: "claude", files: ["agents.json": helperAgentsJSON, "index.html": "v1"])
        let base = "/api/workspaces/acme/apps/\(app)"

        // A draft is seen by its creator and admins only; another workspace gets 404, never 403.
        #expect(try await send(port, "GET", base, viewer).0 == 404)
        #expect(!(try await send(port, "GET", "/api/workspaces/acme/apps", viewer).1.contains(app)))
        #expect(try await send(port, "GET", base, owner).0 == 200)
        #expect(try await send(port, "GET", "/api/workspaces/globex/apps/\(app)", outsider).0 == 404)
        #expect(try await send(port, "GET", "/api/workspaces/acme/apps/\(app)", outsider).0 == 404)
        #expect(try await send(port, "PATCH", base, viewer, json: #"{"name":"mine"}"#).0 == 404)
        let unknownField = try await send(port, "PATCH", base, creator, json: #"{"nmae":"x"}"#)
        #expect(unknownField.0 == 400 && unknownField.1.contains("/nmae"), "\(unknownField.1)")

        // A member asks for review; the owner approves it; the app is published to the General team.
        let requested = try await send(port, "POST", "\(base)/publish", creator, json: jsonText(["teamIds": [general]]))
        #expect(requested.0 == 200 && object(requested.1)["publishStatus"] as? String == "review_requested", "\(requested.1)")
        let reviewId = object(requested.1)["pendingReviewId"] as? String ?? "?"
        // Editing the draft supersedes that request; the stale review can no longer be approved.
        _ = try await send(port, "PUT", "\(base)/source", creator, json: jsonText(["files": ["agents.json": helperAgentsJSON, "index.html": "v2"]]))
        #expect(object(try await send(port, "GET", base, creator).1)["publishStatus"] as? String == "draft")
        let stale = try await send(port, "POST", "\(base)/reviews/\(reviewId)", owner, json: #"{"decision":"approve"}"#)
        #expect(stale.0 == 409 && stale.1.contains("stale_review"), "\(stale.1)")
        let again = object(try await send(port, "POST", "\(base)/publish", creator, json: jsonText(["teamIds": [general]])).1)
        let review2 = again["pendingReviewId"] as? String ?? "?"
        #expect(try await send(port, "POST", "\(base)/reviews/\(review2)", creator, json: #"{"decision":"approve"}"#).0 == 403)
        let badTeams = try await send(port, "POST", "\(base)/publish", owner, json: #"{"teamIds":["nope"]}"#)
        #expect(badTeams.0 == 400 && badTeams.1.contains("invalid_team_selection"))
        let published = try await send(port, "POST", "\(base)/reviews/\(review2)", owner, json: #"{"decision":"approve"}"#)
        #expect(published.0 == 200 && object(published.1)["publishStatus"] as? String == "published", "\(published.1)")

        // Published: the viewer sees it and its published source and agents, never the draft.
        #expect(try await send(port, "GET", base, viewer).0 == 200)
        let source = object(try await send(port, "GET", "\(base)/source", viewer).1)["files"] as? [String: Any]
        #expect(source?["index.html"] as? String == "v2")
        #expect(try await send(port, "GET", "\(base)/source?version=draft", viewer).0 == 403)
        let agents = try await send(port, "GET", "\(base)/agents", viewer).1
        #expect(agents.contains("helper") && !agents.contains("\"draft\""), "\(agents)")
        // Runs: a draft run is for collaborators; a published run passes policy (this server has no runtime).
        let draftRun = try await send(port, "POST", "\(base)/agent-runs", viewer, json: #"{"agentId":"helper","prompt":"hi","sourceVersion":"draft"}"#)
        #expect(draftRun.0 == 403, "\(draftRun)")
        let publishedRun = try await send(port, "POST", "\(base)/agent-runs", viewer, json: #"{"agentId":"helper","prompt":"hi"}"#)
        #expect(publishedRun.0 == 502 && publishedRun.1.contains("worker_start_failed") && publishedRun.1.contains("runtimeId"), "\(publishedRun)")
        let failedRun = object(publishedRun.1)["runId"] as? String ?? "?"
        #expect(object(try await send(port, "GET", "\(base)/agent-runs/\(failedRun)", viewer).1)["status"] as? String == "failed")

        // Requesting changes on a new review.
        let third = object(try await send(port, "POST", "\(base)/publish", creator, json: jsonText(["teamIds": [general]])).1)
        let changes = try await send(port, "POST", "\(base)/reviews/\(third["pendingReviewId"] as? String ?? "?")", owner,
                                     json: #"{"decision":"request_changes","message":"rename the agent"}"#)
        #expect(object(changes.1)["publishStatus"] as? String == "changes_requested", "\(changes.1)")
        #expect(try await send(port, "DELETE", base, viewer).0 == 403)
        #expect(try await send(port, "DELETE", base, creator).0 == 204)
        #expect(try await send(port, "GET", base, owner).0 == 404)
    }

    @Test func integrationSetupSyncAndInternalToolRoutes() async throws {
        let s = try server()
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner"), member = person("mia", role: "member")
        for p in [owner, member] { _ = try await send(port, "GET", "/api/workspaces", p) }
        let setup = { (items: [[String: Any]]) in jsonText(["integrations": items]) }
        let slack: [String: Any] = ["name": "Slack", "domain": "https://www.Slack.com/api", "keySlug": "Bot Token", "why": "post",
                                    "permissionGroups": [["name": "Write", "permissions": ["chat:write"]]],
                                    "secrets": [["name": "SLACK_BOT_TOKEN", "description": "bot token", "required": true, "value": "xoxb-canary"]],
                                    "setupInstructions": ["overview": "Create a bot", "steps": [["title": "t", "description": "d"]]]]
        let inventory: [String: Any] = ["name": "Inventory", "domain": "inventory.example.com", "why": "lookup",
                                        "permissionGroups": [["name": "Read", "permissions": ["items:read"]]],
                                        "secrets": [["name": "INVENTORY_KEY", "description": "key"]],
                                        "setupInstructions": ["overview": "o", "steps": [["title": "t", "description": "d"]]]]
        let app = try await createApp(port, member, runtime: "claude", files: ["agents.json": helperAgentsJSON, "integration-setup.json": setup([slack, inventory])])
        let base = "/api/workspaces/acme/apps/\(app)"
        let grants = try await send(port, "GET", "\(base)/integrations", member).1
        let list = object(grants)["grants"] as? [[String: Any]] ?? []
        #expect(list.count == 2, "\(grants)")
        #expect(list.contains { $0["domain"] as? String == "slack.com" && $0["keySlug"] as? String == "bot-token" }, "\(grants)")
        #expect(!grants.contains("xoxb-canary"), "secret values are never stored")
        // The same file again changes nothing; dropping an item deletes its grant.
        let same = object(try await send(port, "PUT", "\(base)/source", member,
                                          json: jsonText(["files": ["agents.json": helperAgentsJSON, "integration-setup.json": setup([slack, inventory])]])).1)
        let sync = same["integrations"] as? [String: Any]
        #expect(sync?["createdCount"] as? Int == 0 && sync?["updatedCount"] as? Int == 0 && sync?["deletedStaleCount"] as? Int == 0, "\(same)")
        let fewer = object(try await send(port, "PUT", "\(base)/source", member,
                                           json: jsonText(["files": ["agents.json": helperAgentsJSON, "integration-setup.json": setup([inventory])]])).1)
        #expect((fewer["integrations"] as? [String: Any])?["deletedStaleCount"] as? Int == 1, "\(fewer)")
        // External auth mode: publishing waits for the app's integrations to be set up.
        #expect(try await send(port, "POST", "\(base)/agents/approve", owner).0 == 200)
        let blocked = try await send(port, "POST", "\(base)/publish", owner, json: jsonText(["teamIds": [try await general(port, owner)]]))
        #expect(blocked.0 == 409 && blocked.1.contains("integrations_setup_required"), "\(blocked)")

        // The internal routes the broker calls: token required, policy re-checked, draft data kept apart.
        let internalAuth = ["Authorization": "Bearer \(Self.token)"]
        let call: [String: Any] = ["workspaceId": "acme", "appId": app, "agentId": "helper", "sourceVersion": "draft", "toolName": "lookup_item",
                                   "toolSpec": ["endpoint": ["method": "GET", "url": "https://inventory.example.com/items", "queryParams": ["q": "{{q}}"]],
                                                "integration": ["name": "Inventory", "domain": "inventory.example.com"]],
                                   "toolInput": ["q": "x"]]
        #expect(try await send(port, "POST", "/api/internal/tool-execute", [:], json: jsonText(call)).0 == 401)
        let mocked = try await send(port, "POST", "/api/internal/tool-execute", internalAuth, json: jsonText(call))
        #expect(mocked.0 == 200 && object(mocked.1)["mock"] as? Bool == true && mocked.1.contains("widget-42"), "\(mocked)")
        var tampered = call
        tampered["toolSpec"] = ["endpoint": ["method": "GET", "url": "https://evil.example.com/items"], "integration": ["name": "Inventory", "domain": "inventory.example.com"]]
        #expect(try await send(port, "POST", "/api/internal/tool-execute", internalAuth, json: jsonText(tampered)).0 == 403)
        var disabled = call
        disabled["toolName"] = "delete_everything"
        #expect(try await send(port, "POST", "/api/internal/tool-execute", internalAuth, json: jsonText(disabled)).0 == 403)
        var missing = call
        missing["agentId"] = nil
        let missingAgent = try await send(port, "POST", "/api/internal/tool-execute", internalAuth, json: jsonText(missing))
        #expect(missingAgent.0 == 400 && missingAgent.1.contains("/agentId"))

        let write: [String: Any] = ["workspaceId": "acme", "appId": app, "agentId": "helper", "sourceVersion": "draft", "collection": "notes",
                                    "operation": "insert", "data": ["text": "hello"]]
        let inserted = try await send(port, "POST", "/api/internal/app-data-write", internalAuth, json: jsonText(write))
        #expect(inserted.0 == 200 && inserted.1.contains("hello"), "\(inserted)")
        var other = write
        other["collection"] = "salaries"
        #expect(try await send(port, "POST", "/api/internal/app-data-write", internalAuth, json: jsonText(other)).0 == 403)
        var bad = write
        bad["operation"] = "truncate"
        #expect(try await send(port, "POST", "/api/internal/app-data-write", internalAuth, json: jsonText(bad)).1.contains("Unknown operation"))
        let read: [String: Any] = ["workspaceId": "acme", "appId": app, "agentId": "helper", "sourceVersion": "draft", "collection": "notes"]
        #expect(try await send(port, "POST", "/api/internal/app-data-read", internalAuth, json: jsonText(read)).1.contains("hello"))
        var published = read
        published["sourceVersion"] = "published"
        let notPublished = try await send(port, "POST", "/api/internal/app-data-read", internalAuth, json: jsonText(published))
        #expect(notPublished.0 == 409 && !notPublished.1.contains("hello"), "draft data stays in the draft scope: \(notPublished)")
        var foreign = read
        foreign["workspaceId"] = "globex"
        #expect(try await send(port, "POST", "/api/internal/app-data-read", internalAuth, json: jsonText(foreign)).0 == 403)
    }

    /// Tenancy: every app and run route answers 404 — never 403, never data — to a member of another
    /// workspace, whether it names the app under its own workspace or under the app's.
    @Test func everyAppRouteIsTenancyScoped() async throws {
        let s = try server()
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = person("olga", role: "owner"), outsider = person("gina", role: "owner", org: "globex")
        for p in [owner, outsider] { _ = try await send(port, "GET", "/api/workspaces", p) }
        let app = try await createApp(port, owner, runtime: "claude", files: ["agents.json": helperAgentsJSON])
        let routes: [(String, String, String?)] = [
            ("GET", "", nil), ("PATCH", "", #"{"name":"x"}"#), ("DELETE", "", nil),
            ("GET", "/source", nil), ("PUT", "/source", #"{"files":{"a.txt":"x"}}"#), ("GET", "/agents", nil),
            ("POST", "/agents/approve", nil), ("POST", "/publish", #"{"teamIds":["x"]}"#), ("POST", "/reviews/r1", #"{"decision":"approve"}"#),
            ("GET", "/integrations", nil), ("GET", "/agent-runs", nil), ("POST", "/agent-runs", #"{"agentId":"helper","prompt":"hi"}"#),
            ("GET", "/agent-runs/r1", nil), ("GET", "/agent-runs/r1/events", nil), ("POST", "/agent-runs/r1/stop", nil),
        ]
        for ws in ["acme", "globex"] {
            for (method, suffix, body) in routes {
                let (status, answer) = try await send(port, method, "/api/workspaces/\(ws)/apps/\(app)\(suffix)", outsider, json: body)
                #expect(status == 404, "\(method) \(ws)/apps/…\(suffix) → \(status) \(answer)")
                #expect(!answer.contains("helper") && !answer.contains("Inventory"), "no data leaks: \(answer)")
            }
        }
        #expect(try await send(port, "GET", base(app), owner).0 == 200, "the app is still there")
    }

    func base(_ app: String) -> String { "/api/workspaces/acme/apps/\(app)" }
}
