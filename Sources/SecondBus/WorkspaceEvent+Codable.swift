import Foundation

extension WorkspaceEvent {
    public init(type: String, workspaceId: String, scope: String, appId: String? = nil, runId: String? = nil,
                runStatus: String? = nil, integrationId: String? = nil, credentialId: String? = nil, keySlug: String? = nil,
                skillId: String? = nil, agentId: String? = nil, sourceVersion: Int? = nil, runReason: String? = nil,
                at: String = BusClock.isoNow()) {
        self.type = type; self.workspaceId = workspaceId; self.scope = scope
        self.appId = appId; self.runId = runId; self.runStatus = runStatus
        self.integrationId = integrationId; self.credentialId = credentialId; self.keySlug = keySlug
        self.skillId = skillId; self.agentId = agentId; self.sourceVersion = sourceVersion; self.runReason = runReason
        self.at = at
    }

    /// The hint a subscription yields after it reconnects: events published while it was away are lost, so refetch.
    public static func resync(workspaceId: String, at: String = BusClock.isoNow()) -> WorkspaceEvent {
        WorkspaceEvent(type: resyncType, workspaceId: workspaceId, scope: resyncScope, at: at)
    }
    public static let resyncType = "changed"
    public static let resyncScope = "all"

    enum CodingKeys: String, CodingKey {
        case version, type, workspaceId, scope, appId, runId, runStatus, integrationId, credentialId, keySlug,
             skillId, agentId, sourceVersion, runReason, at
    }

    // Hand-written so a missing `version` decodes as 1 and unknown keys from newer publishers are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        type = try c.decode(String.self, forKey: .type)
        workspaceId = try c.decode(String.self, forKey: .workspaceId)
        scope = try c.decode(String.self, forKey: .scope)
        appId = try c.decodeIfPresent(String.self, forKey: .appId)
        runId = try c.decodeIfPresent(String.self, forKey: .runId)
        runStatus = try c.decodeIfPresent(String.self, forKey: .runStatus)
        integrationId = try c.decodeIfPresent(String.self, forKey: .integrationId)
        credentialId = try c.decodeIfPresent(String.self, forKey: .credentialId)
        keySlug = try c.decodeIfPresent(String.self, forKey: .keySlug)
        skillId = try c.decodeIfPresent(String.self, forKey: .skillId)
        agentId = try c.decodeIfPresent(String.self, forKey: .agentId)
        sourceVersion = try c.decodeIfPresent(Int.self, forKey: .sourceVersion)
        runReason = try c.decodeIfPresent(String.self, forKey: .runReason)
        at = try c.decode(String.self, forKey: .at)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(type, forKey: .type)
        try c.encode(workspaceId, forKey: .workspaceId)
        try c.encode(scope, forKey: .scope)
        try c.encodeIfPresent(appId, forKey: .appId)
        try c.encodeIfPresent(runId, forKey: .runId)
        try c.encodeIfPresent(runStatus, forKey: .runStatus)
        try c.encodeIfPresent(integrationId, forKey: .integrationId)
        try c.encodeIfPresent(credentialId, forKey: .credentialId)
        try c.encodeIfPresent(keySlug, forKey: .keySlug)
        try c.encodeIfPresent(skillId, forKey: .skillId)
        try c.encodeIfPresent(agentId, forKey: .agentId)
        try c.encodeIfPresent(sourceVersion, forKey: .sourceVersion)
        try c.encodeIfPresent(runReason, forKey: .runReason)
        try c.encode(at, forKey: .at)
    }

    /// Compact JSON with sorted keys; nil fields are omitted, never `null`.
    public func wireJSON() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and ints cannot fail.
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Nil for anything that is not an event (other publishers may share the channel).
    public static func fromWire(_ text: String) -> WorkspaceEvent? {
        try? JSONDecoder().decode(WorkspaceEvent.self, from: Data(text.utf8))
    }

    /// The string fields that name things; each must be a valid id.
    var idFields: [(String, String?)] {
        [("type", type), ("workspaceId", workspaceId), ("scope", scope), ("appId", appId), ("runId", runId),
         ("runStatus", runStatus), ("integrationId", integrationId), ("credentialId", credentialId), ("keySlug", keySlug),
         ("skillId", skillId), ("agentId", agentId), ("runReason", runReason), ("at", at)]
    }
}
