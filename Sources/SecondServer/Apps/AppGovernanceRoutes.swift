import Foundation
import SecondCore
import SecondHTTP
import SecondStore
import SecondApps
import SecondBus

/// An app's source and its governed policy (spec §11, §12, §21): draft snapshots, agents.json
/// validation and approval (`v1:<sha256>` + payload), stale approvals, publish and review, and the
/// idempotent sync of integration-setup.json into app-scoped grants.
struct AppGovernanceRoutes: Sendable {
    let records: AppRecords
    /// `auth.mode external`: publishing waits until the app's integrations are set up.
    let integrationGate: Bool
    var store: any DocumentStore { records.store }

    func install(on router: Router) {
        router.add("PUT", "/api/workspaces/:workspaceId/apps/:appId/source", .async { [self] in await saveDraft($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId/source", .async { [self] in await source($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId/agents", .async { [self] in await agents($0) })
        router.add("POST", "/api/workspaces/:workspaceId/apps/:appId/agents/approve", .async { [self] in await approve($0) })
        router.add("POST", "/api/workspaces/:workspaceId/apps/:appId/publish", .async { [self] in await publish($0) })
        router.add("POST", "/api/workspaces/:workspaceId/apps/:appId/reviews/:reviewId", .async { [self] in await review($0) })
        router.add("GET", "/api/workspaces/:workspaceId/apps/:appId/integrations", .async { [self] in await integrations($0) })
    }

    static func pointerEscape(_ s: String) -> String { s.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }

    // MARK: draft source

    func saveDraft(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .appsUpdate) { c in
            guard c.access.canCollaborate else { return .error(403, "forbidden", "only the app's creator, collaborators and admins can edit its source") }
            let b = try req.jsonObject()
            guard let raw = b["files"]?.object else { return .error(400, "invalid_request", "/files: an object of path → text is required") }
            var files: [String: String] = [:]
            for (path, v) in raw {
                guard let t = v.string else { return .error(400, "invalid_request", "/files/\(Self.pointerEscape(path)): must be a string (text files only)") }
                files[path] = t
            }
            let snap: AppSnapshot
            do { snap = try AppSnapshot(files: files) } catch let error as SnapshotError {
                let first = error.problems.first
                let at = first?.path.map { "/files/\(Self.pointerEscape($0))" } ?? "/files"
                return .error(400, "invalid_snapshot", "\(at): \(first?.message ?? "invalid")" + (error.problems.count > 1 ? " (and \(error.problems.count - 1) more: \(error.description))" : ""))
            }
            try await records.saveSnapshot(c.workspaceId, c.appId, kind: "draft", snap)
            var set: Document = ["draftSnapshotId": .string(AppRecords.snapshotId(c.appId, "draft")), "draftSourceHash": .string(snap.hash),
                                 "draftSourceSizeBytes": .int(Int64(snap.sizeBytes)), "draftSourceUpdatedAt": .string(AppRecords.now()),
                                 "updatedAt": .string(AppRecords.now())]
            var unset: [String] = []
            // Any effective change to agents.json makes the draft approval stale.
            let validation = snap.agentsJSON.map { AgentsPolicy.validate(text: $0) }
            var stale = false
            if let approved = c.app["agentsJsonApprovalHash"]?.string {
                let still = validation?.document.map { AgentsCanonical.matches($0, approvalHash: approved) } ?? false
                if !still {
                    stale = true
                    unset += ["agentsJsonApprovalHash", "agentsJsonApprovedPayload", "agentsJsonApprovedByUserId", "agentsJsonApprovedAt", "agentsJsonApprovalSource"]
                }
            }
            let flow = PublishFlow(state: PublishFlow.State(rawValue: c.app["publishStatus"]?.string ?? "") ?? .draft,
                                   pendingReview: c.app["pendingReviewId"]?.string.map { PublishFlow.PendingReview(id: $0, teamIds: []) })
            if case .success(let t) = flow.apply(.draftEdited(agentsApprovalStale: stale)) {
                set["publishStatus"] = .string(t.flow.state.rawValue)
                if t.flow.pendingReview == nil { unset.append("pendingReviewId") }
                try await apply(t.effects, c, approval: nil)
            }
            _ = try await store.update(.apps, workspaceId: c.workspaceId, id: c.appId, set: set, unset: unset)
            let sync = try await syncIntegrations(c, snap)
            await records.audit(c.workspaceId, actor: c.actor.userId, "app.source_snapshot.updated",
                                target: ["appId": .string(c.appId), "hash": .string(snap.hash), "fileCount": .int(Int64(snap.fileCount))])
            await records.announce(c.workspaceId, "app.updated", appId: c.appId)
            return .json(["snapshot": ["hash": .string(snap.hash), "fileCount": .int(Int64(snap.fileCount)), "sizeBytes": .int(Int64(snap.sizeBytes))],
                          "agents": validation?.resultJSON ?? ["status": "absent"], "agentsApprovalStale": .bool(stale), "integrations": sync])
        }
    }

    func source(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .workspaceView) { c in
            let version = req.query["version"] ?? "published"
            guard version == "draft" || version == "published" else { return .error(400, "invalid_request", "version: \"draft\" or \"published\"") }
            if version == "draft" && !c.access.canCollaborate { return .error(403, "forbidden", "the draft is visible to the app's creator, collaborators and admins") }
            guard let files = try await records.snapshot(c.workspaceId, c.appId, kind: version) else { return .error(404, "not_found", "the app has no \(version) source yet") }
            return .json(["version": .string(version), "files": .object(files.mapValues(JSON.string))])
        }
    }

    // MARK: agents.json

    func agents(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .workspaceView) { c in
            var out: [String: JSON] = [:]
            if c.access.canCollaborate {
                let text = try await records.snapshot(c.workspaceId, c.appId, kind: "draft")?[AppSnapshot.agentsFile]
                let d = AgentsCanonical.isApproved(draftText: text, approvalHash: c.app["agentsJsonApprovalHash"]?.string)
                var draft: [String: JSON] = ["requiresApproval": .bool(d.requiresApproval), "approved": .bool(d.approved), "invalid": .bool(d.invalid),
                                             "currentHash": d.currentHash.map(JSON.string) ?? .null,
                                             "approvalHash": c.app["agentsJsonApprovalHash"] ?? .null,
                                             "approvedByUserId": c.app["agentsJsonApprovedByUserId"] ?? .null,
                                             "approvedAt": c.app["agentsJsonApprovedAt"] ?? .null, "approvalSource": c.app["agentsJsonApprovalSource"] ?? .null]
                if let text { draft["validation"] = AgentsPolicy.validate(text: text).resultJSON }
                out["draft"] = .object(draft)
            }
            out["published"] = ["approvalHash": c.app["publishedAgentsJsonApprovalHash"] ?? .null,
                                "agents": .array(Self.agentSummaries(c.app["publishedAgentsJsonApprovedPayload"]))]
            return .json(.object(out))
        }
    }

    static func agentSummaries(_ payload: JSON?) -> [JSON] {
        (payload?["agents"]?.array ?? []).map { a in
            ["id": a["id"] ?? .null, "name": a["name"] ?? .null, "description": a["description"] ?? .null,
             "tools": .array((a["tools"]?.array ?? []).filter { $0["enabled"]?.bool == true }.compactMap { $0["name"] }),
             "dataCollections": a["dataCollections"] ?? []]
        }
    }

    /// An owner or admin approves the current draft agents.json. `hash` (optional) pins what the
    /// reviewer saw: if the draft changed since, nothing is approved.
    func approve(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .appsUpdate) { c in
            guard c.access.canReview else { return .error(403, "forbidden", "only a workspace owner or admin approves agent permissions") }
            let b = req.body.isEmpty ? [:] : try req.jsonObject()
            guard let text = try await records.snapshot(c.workspaceId, c.appId, kind: "draft")?[AppSnapshot.agentsFile] else {
                return .error(404, "no_agents_json", "the draft has no agents.json to approve")
            }
            let approval: AgentsApproval
            do { approval = try AgentsApproval.make(text: text) } catch let error as AgentsApprovalError {
                return HTTPResponse.json(["error": "invalid_agents_json", "message": .string(error.description), "validation": error.validation.resultJSON], status: 400)
            }
            if let pinned = b["hash"]?.string, !ConstantTime.equals(pinned, approval.hash) {
                return .error(409, "stale_agents_json", "the draft agents.json changed since you looked at it (now \(approval.hash)); review it again")
            }
            try await setApproval(c, approval, source: .agentsPage)
            await records.audit(c.workspaceId, actor: c.actor.userId, "app.agents_config.approved",
                                target: ["appId": .string(c.appId), "hash": .string(approval.hash), "source": "agents_page"])
            await records.announce(c.workspaceId, "app.updated", appId: c.appId)
            return .json(["approved": true, "hash": .string(approval.hash)])
        }
    }

    func setApproval(_ c: AppRecords.Context, _ a: AgentsApproval, source: PublishFlow.ApprovalSource) async throws {
        _ = try await store.update(.apps, workspaceId: c.workspaceId, id: c.appId, set: [
            "agentsJsonApprovalHash": .string(a.hash), "agentsJsonApprovedPayload": a.payload, "agentsJsonApprovedByUserId": .string(c.actor.userId),
            "agentsJsonApprovedAt": .string(AppRecords.now()), "agentsJsonApprovalSource": .string(source.rawValue)])
    }

    // MARK: publish and review

    func checks(_ c: AppRecords.Context) async throws -> (PublishFlow.PublishChecks, AgentsApproval?) {
        let text = try await records.snapshot(c.workspaceId, c.appId, kind: "draft")?[AppSnapshot.agentsFile]
        var approval: AgentsApproval?
        let agents: PublishFlow.DraftAgents
        if let text {
            approval = try? AgentsApproval.make(text: text)
            agents = approval == nil ? .invalid : .valid
        } else { agents = .absent }
        let grants = try await store.count(.integrations, workspaceId: c.workspaceId, where: ["appId": .string(c.appId)])
        // No credential can be configured yet (the integrations issue adds it): every grant needs setup.
        return (PublishFlow.PublishChecks(integrationGate: integrationGate, integrationsNeedSetup: grants > 0, draftAgents: agents), approval)
    }

    func flow(_ app: Document) -> PublishFlow {
        PublishFlow(state: PublishFlow.State(rawValue: app["publishStatus"]?.string ?? "") ?? .draft,
                    pendingReview: app["pendingReviewId"]?.string.map {
                        PublishFlow.PendingReview(id: $0, teamIds: (app["pendingReviewTeamIds"]?.array ?? []).compactMap(\.string))
                    })
    }

    func publish(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .appsUpdate) { c in
            guard c.access.canCollaborate else { return .error(403, "forbidden", "only the app's creator, collaborators and admins can publish or request review") }
            guard c.app["draftSnapshotId"]?.string != nil else { return .error(409, "no_draft", "save a draft source before publishing") }
            let b = try req.jsonObject()
            guard let rawTeams = b["teamIds"]?.array, rawTeams.allSatisfy({ $0.string != nil }) else {
                return .error(400, "invalid_team_selection", "/teamIds: a non-empty array of team ids")
            }
            let teams = rawTeams.compactMap(\.string)
            let workspaceTeams = Set(try await store.find(.workspaceTeams, workspaceId: c.workspaceId).compactMap { $0["_id"]?.string })
            let isAdmin = c.access.canReview
            let event: PublishFlow.Event
            var approval: AgentsApproval?
            if PublishFlow.publishRequestIsReview(actorIsAdmin: isAdmin, mode: b["mode"]?.string) {
                event = .requestReview(teamIds: teams, workspaceTeamIds: workspaceTeams, newReviewId: Ids.objectId())
            } else {
                let (checks, a) = try await checks(c)
                approval = a
                event = .publish(actorIsAdmin: isAdmin, teamIds: teams, workspaceTeamIds: workspaceTeams, checks: checks)
            }
            return try await transition(c, event, approval: approval)
        }
    }

    func review(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .appsUpdate) { c in
            let b = try req.jsonObject()
            let id = req.params["reviewId"] ?? ""
            switch b["decision"]?.string {
            case "approve":
                let (checks, a) = try await checks(c)
                return try await transition(c, .approveReview(reviewId: id, actorIsAdmin: c.access.canReview, checks: checks), approval: a)
            case "request_changes":
                let message = String((b["message"]?.string ?? "").prefix(2000))
                return try await transition(c, .requestChanges(reviewId: id, actorIsAdmin: c.access.canReview, message: message), approval: nil)
            default:
                return .error(400, "invalid_request", "/decision: \"approve\" or \"request_changes\"")
            }
        }
    }

    func transition(_ c: AppRecords.Context, _ e: PublishFlow.Event, approval: AgentsApproval?) async throws -> HTTPResponse {
        switch flow(c.app).apply(e) {
        case .failure(let r): return .error(r.status, r.code, r.message)
        case .success(let t):
            try await apply(t.effects, c, approval: approval)
            var set: Document = ["publishStatus": .string(t.flow.state.rawValue), "updatedAt": .string(AppRecords.now())]
            var unset: [String] = []
            if let p = t.flow.pendingReview {
                set["pendingReviewId"] = .string(p.id); set["pendingReviewTeamIds"] = .array(p.teamIds.map(JSON.string))
            } else { unset += ["pendingReviewId", "pendingReviewTeamIds"] }
            _ = try await store.update(.apps, workspaceId: c.workspaceId, id: c.appId, set: set, unset: unset)
            let type = t.flow.state == .published ? "app.published" : "review.updated"
            await records.announce(c.workspaceId, type, appId: c.appId, scope: t.flow.state == .published ? "apps" : "reviews")
            let app = try await store.get(.apps, workspaceId: c.workspaceId, id: c.appId) ?? c.app
            return .json(AppRecords.view(app, try await records.access(c.workspaceId, c.actor.userId, c.role, app)))
        }
    }

    /// Carries out a transition's effects.
    func apply(_ effects: [PublishFlow.Effect], _ c: AppRecords.Context, approval: AgentsApproval?) async throws {
        var current = approval
        for e in effects {
            switch e {
            case .approveAgents(let source):
                if let a = current { try await setApproval(c, a, source: source) }
            case .promoteDraft:
                guard let files = try await records.snapshot(c.workspaceId, c.appId, kind: "draft") else { continue }
                let snap = try AppSnapshot(files: files)
                try await records.saveSnapshot(c.workspaceId, c.appId, kind: "published", snap)
                if current == nil, let text = files[AppSnapshot.agentsFile] { current = try? AgentsApproval.make(text: text) }
                var set: Document = ["publishedSnapshotId": .string(AppRecords.snapshotId(c.appId, "published")), "publishedSourceHash": .string(snap.hash),
                                     "publishedSourceSizeBytes": .int(Int64(snap.sizeBytes)), "publishedAt": .string(AppRecords.now()),
                                     "publishedByUserId": .string(c.actor.userId)]
                var unset: [String] = []
                if let a = current {
                    set["publishedAgentsJsonApprovalHash"] = .string(a.hash); set["publishedAgentsJsonApprovedPayload"] = a.payload
                    set["publishedAgentsJsonApprovedByUserId"] = .string(c.actor.userId); set["publishedAgentsJsonApprovedAt"] = .string(AppRecords.now())
                } else {
                    unset += ["publishedAgentsJsonApprovalHash", "publishedAgentsJsonApprovedPayload", "publishedAgentsJsonApprovedByUserId", "publishedAgentsJsonApprovedAt"]
                }
                _ = try await store.update(.apps, workspaceId: c.workspaceId, id: c.appId, set: set, unset: unset)
            case .setTeams(let teams):
                _ = try await store.update(.apps, workspaceId: c.workspaceId, id: c.appId,
                                           set: ["teamIds": .array(teams.map(JSON.string)), "visibility": "teams"])
            case .reviewRecord(let id, let status, let message):
                let rid = id ?? Ids.objectId()
                let fields: Document = ["resourceType": "app", "resourceId": .string(c.appId), "resourceName": c.app["name"] ?? .null,
                                        "status": .string(status.rawValue), "reviewMessage": message.map(JSON.string) ?? .null,
                                        "updatedAt": .string(AppRecords.now())]
                if try await store.get(.reviewRequests, workspaceId: c.workspaceId, id: rid) == nil {
                    var doc = fields
                    doc["_id"] = .string(rid); doc["requestedByUserId"] = .string(c.actor.userId); doc["requestedAt"] = .string(AppRecords.now())
                    try await store.insert(.reviewRequests, workspaceId: c.workspaceId, doc)
                } else {
                    var set = fields
                    if status != .pending { set["reviewerUserId"] = .string(c.actor.userId); set["reviewedAt"] = .string(AppRecords.now()) }
                    _ = try await store.update(.reviewRequests, workspaceId: c.workspaceId, id: rid, set: set)
                }
            case .audit(let name):
                await records.audit(c.workspaceId, actor: c.actor.userId, name, target: ["appId": .string(c.appId)])
            }
        }
    }

    // MARK: integrations (app-scoped grants from integration-setup.json)

    /// Idempotent replace of the app's grant set from the draft's integration-setup.json.
    func syncIntegrations(_ c: AppRecords.Context, _ snap: AppSnapshot) async throws -> JSON {
        guard let text = snap.integrationSetupJSON else { return ["status": "absent"] }
        let setup: IntegrationSetup
        do { setup = try IntegrationSetup.parse(text: text) } catch {
            return ["status": "invalid", "message": .string(error.description)]
        }
        let existing = try await store.find(.integrations, workspaceId: c.workspaceId, where: ["appId": .string(c.appId)])
        var byKey: [GrantKey: Document] = [:]
        for g in existing { if let d = g["domain"]?.string, let k = g["keySlug"]?.string { byKey[GrantKey(domain: d, keySlug: k)] = g } }
        let plan = IntegrationSetup.sync(existing: byKey.keys.map { ExistingGrant(key: $0, fingerprint: byKey[$0]?["fingerprint"]?.string) }, desired: setup.grants)
        for g in plan.upserts {
            var doc = g.document.object ?? [:]
            doc["appId"] = .string(c.appId); doc["appName"] = c.app["name"] ?? .null; doc["fingerprint"] = .string(g.fingerprint)
            doc["requestedByUserId"] = .string(c.actor.userId); doc["updatedAt"] = .string(AppRecords.now())
            if let old = byKey[g.key], let id = old["_id"]?.string {
                doc["_id"] = nil; doc["workspaceId"] = nil
                _ = try await store.update(.integrations, workspaceId: c.workspaceId, id: id, set: doc)
            } else {
                doc["_id"] = .string(Ids.objectId()); doc["credentialBinding"] = ["mode": "none"]
                try await store.insert(.integrations, workspaceId: c.workspaceId, doc)
            }
            await records.audit(c.workspaceId, actor: c.actor.userId, "integration.requested",
                                target: ["appId": .string(c.appId), "domain": .string(g.domain), "keySlug": .string(g.keySlug)])
        }
        for k in plan.delete { if let id = byKey[k]?["_id"]?.string { _ = try await store.delete(.integrations, workspaceId: c.workspaceId, id: id) } }
        if !plan.isNoop { try? await records.bus?.publish(WorkspaceEvent(type: "integration.changed", workspaceId: c.workspaceId, scope: "integrations", appId: c.appId)) }
        return ["status": .string(setup.skipped.isEmpty ? "synced" : "incomplete"),
                "syncedCount": .int(Int64(plan.upserts.count + plan.unchanged.count)), "createdCount": .int(Int64(plan.create.count)),
                "updatedCount": .int(Int64(plan.update.count)), "deletedStaleCount": .int(Int64(plan.delete.count)),
                "skipped": .array(setup.skipped.map { s in ["pointer": .string(s.pointer), "reasons": .array(s.reasons.map { .string($0.description) })] })]
    }

    func integrations(_ req: HTTPRequest) async -> HTTPResponse {
        await records.app(req, .integrationsView) { c in
            let grants = try await store.find(.integrations, workspaceId: c.workspaceId, where: ["appId": .string(c.appId)], sort: [("domain", true)])
            return .json(["grants": .array(grants.map { g in
                var o = g
                o["id"] = g["_id"]; o["fingerprint"] = nil
                o["configured"] = false; o["needsSetup"] = true
                return .object(o)
            })])
        }
    }
}
