import SecondCore
import SecondHTTP
import SecondStore
import SecondApps

/// The agents.json policy a run may use (spec §21): published runs use the payload approved at
/// publish; draft runs use the draft approval, and only while the draft still hashes to it.
enum ApprovedPolicy {
    struct Resolved: Sendable {
        let policy: AgentsPolicy
        let payload: JSON
    }

    static func resolve(store: any DocumentStore, workspaceId ws: String, app: Document, sourceVersion: String) async throws -> Result<Resolved, HTTPResponse> {
        let appId = app["_id"]?.string ?? ""
        let payload: JSON
        if sourceVersion == "draft" {
            let snap = try await store.get(.appSourceSnapshots, workspaceId: ws, id: AppRecords.snapshotId(appId, "draft"))
            let text = (snap?["files"]?.array ?? []).first { $0["path"]?.string == AppSnapshot.agentsFile }?["text"]?.string
            guard let text else { return .failure(.error(400, "no_agents_defined", "the draft has no agents.json")) }
            let d = AgentsCanonical.isApproved(draftText: text, approvalHash: app["agentsJsonApprovalHash"]?.string)
            if d.invalid { return .failure(.error(400, "invalid_agents_json", "the draft agents.json is invalid")) }
            guard d.approved, let p = app["agentsJsonApprovedPayload"] else {
                return .failure(.error(403, "draft_agents_config_unapproved", "the draft agents.json is not approved (or changed since its approval): an owner or admin must approve it"))
            }
            payload = p
        } else {
            guard app["publishedSnapshotId"]?.string != nil else { return .failure(.error(409, "not_published", "the app has no published version; run the draft instead")) }
            guard let p = app["publishedAgentsJsonApprovedPayload"] else { return .failure(.error(400, "no_agents_defined", "the published version defines no agents")) }
            payload = p
        }
        let v = AgentsPolicy.validate(json: payload)
        guard let policy = v.policy else { return .failure(.error(400, "invalid_agents_json", "the approved agents.json no longer validates: \(v.message)")) }
        return .success(Resolved(policy: policy, payload: payload))
    }

    /// The agent's object as approved (passed to the worker, which derives the broker's tool list from it).
    static func agentJSON(_ payload: JSON, id: String) -> JSON? {
        payload["agents"]?.array?.first { $0["id"]?.string == id }
    }
}
