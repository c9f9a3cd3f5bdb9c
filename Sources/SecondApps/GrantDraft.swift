import SecondCore

/// The setup side of one app-scoped integration grant, as derived from `integration-setup.json`.
/// It never carries secret values: only the names and descriptions of secrets an admin must enter.
public struct GrantDraft: Sendable, Equatable {
    public var name: String
    public var domain: String
    public var keySlug: String
    public var keyName: String
    /// The item's `why`.
    public var keyPurpose: String?
    public var capabilityLabel: String
    public var accessLevel: AccessLevel
    /// `.staticSecret` or `.oauth2`.
    public var auth: IntegrationAuth
    public var permissionGroups: [PermissionGroup]
    /// Empty for OAuth grants (the user connects instead).
    public var secretRequirements: [SecretRequirement]
    public var setupInstructions: SetupInstructions
    public var faviconUrl: String?
    public var iconUrl: String?

    public var key: GrantKey { GrantKey(domain: domain, keySlug: keySlug) }

    /// The grant fields to upsert into `integrations` (without workspace/app/requester/credential fields).
    public var document: JSON {
        var o: [String: JSON] = [
            "name": .string(name), "domain": .string(domain), "keySlug": .string(keySlug), "keyName": .string(keyName),
            "capabilityLabel": .string(capabilityLabel), "accessLevel": .string(accessLevel.rawValue),
            "permissionGroups": .array(permissionGroups.map(\.json)),
            "secretRequirements": .array(secretRequirements.map(\.json)),
            "setupInstructions": setupInstructions.json,
        ]
        switch auth {
        case .oauth2(let c): o["auth"] = c.json
        case .staticSecret, .none: o["auth"] = ["type": "static_secret"]
        }
        if let keyPurpose { o["keyPurpose"] = .string(keyPurpose) }
        if let faviconUrl { o["faviconUrl"] = .string(faviconUrl) }
        if let iconUrl { o["iconUrl"] = .string(iconUrl) }
        return .object(o)
    }

    /// SHA-256 hex of the canonical `document`; equal fingerprints mean a sync has nothing to write.
    public var fingerprint: String { CanonicalJSON.sha256Hex(document) }
}

public struct PermissionGroup: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// Exact provider scopes/permissions.
    public var permissions: [String]
    public init(name: String, description: String? = nil, permissions: [String]) {
        self.name = name; self.description = description; self.permissions = permissions
    }
    var json: JSON {
        var o: [String: JSON] = ["name": .string(name), "permissions": .array(permissions.map { .string($0) })]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
}

public struct SecretRequirement: Sendable, Equatable {
    public var name: String
    public var label: String?
    public var description: String
    public var required: Bool
    var json: JSON {
        var o: [String: JSON] = ["name": .string(name), "description": .string(description), "required": .bool(required)]
        if let label { o["label"] = .string(label) }
        return .object(o)
    }
}

public struct SetupInstructions: Sendable, Equatable {
    public struct Step: Sendable, Equatable { public var title: String; public var description: String; public var url: String? }
    public struct Link: Sendable, Equatable { public var label: String; public var url: String }
    public var overview: String
    public var steps: [Step]
    public var links: [Link]
    var json: JSON {
        .object([
            "overview": .string(overview),
            "steps": .array(steps.map { s in
                var o: [String: JSON] = ["title": .string(s.title), "description": .string(s.description)]
                if let url = s.url { o["url"] = .string(url) }
                return .object(o)
            }),
            "links": .array(links.map { ["label": .string($0.label), "url": .string($0.url)] }),
        ])
    }
}

/// Keyword-inferred access level of a grant (shown to admins before they configure it).
public enum AccessLevel: String, Sendable, CaseIterable {
    case read, write, deleteAdmin = "delete_admin", mixed, unknown

    /// Each permission group gets the strongest level its name/description/permissions mention
    /// (delete/admin > write > read). One level across the known groups → that level; several →
    /// `mixed`; none recognised → the capability label decides, else `unknown`.
    public static func infer(groups: [PermissionGroup], capabilityLabel: String?) -> AccessLevel {
        let levels = Set(groups.compactMap { level(of: [$0.name, $0.description ?? ""] + $0.permissions) })
        if levels.count == 1 { return levels.first! }
        if levels.count > 1 { return .mixed }
        return capabilityLabel.flatMap { level(of: [$0]) } ?? .unknown
    }

    private static let deleteAdminWords: Set<String> = ["delete", "remove", "destroy", "admin", "administer", "owner", "manage", "purge"]
    private static let writeWords: Set<String> = ["write", "create", "update", "edit", "modify", "post", "send", "insert", "compose",
                                                  "upload", "publish", "readwrite", "put", "patch", "full"]
    private static let readWords: Set<String> = ["read", "readonly", "view", "list", "get", "search", "metadata", "fetch", "history"]

    private static func level(of texts: [String]) -> AccessLevel? {
        let words = Set(texts.flatMap { $0.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init) })
        if !words.isDisjoint(with: deleteAdminWords) { return .deleteAdmin }
        if !words.isDisjoint(with: writeWords) { return .write }
        if !words.isDisjoint(with: readWords) { return .read }
        return nil
    }
}
