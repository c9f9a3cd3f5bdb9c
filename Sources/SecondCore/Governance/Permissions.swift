/// Workspace roles. Fixed: an unknown role is never mapped to one of these (fail closed).
public enum Role: String, Sendable, CaseIterable, Codable {
    case owner, admin, member

    /// nil for anything but exactly "owner", "admin" or "member".
    public init?(validating raw: String?) {
        guard let raw, let r = Role(rawValue: raw) else { return nil }
        self = r
    }
}

/// The 13 workspace permissions.
public enum Permission: String, Sendable, CaseIterable, Codable {
    case workspaceView = "workspace:view", workspaceManage = "workspace:manage"
    case membersView = "members:view", membersInvite = "members:invite", membersManage = "members:manage"
    case membersManageOwner = "members:manage-owner"
    case integrationsView = "integrations:view", integrationsManage = "integrations:manage"
    case auditRead = "audit:read"
    case appsCreate = "apps:create", appsUpdate = "apps:update", appsDelete = "apps:delete"
    case agentsRun = "agents:run"
}

/// Which role holds which permission: owner all 13; admin all but members:manage-owner; member the
/// seven viewing/building ones. A missing or unknown role holds none.
public enum Permissions {
    static let member: Set<Permission> = [.workspaceView, .membersView, .integrationsView, .appsCreate, .appsUpdate, .appsDelete, .agentsRun]
    static let admin: Set<Permission> = Set(Permission.allCases).subtracting([.membersManageOwner])
    static let owner: Set<Permission> = Set(Permission.allCases)

    public static func granted(to role: Role?) -> Set<Permission> {
        switch role {
        case .owner: return owner
        case .admin: return admin
        case .member: return member
        case nil: return []
        }
    }

    public static func has(_ role: Role?, _ permission: Permission) -> Bool { granted(to: role).contains(permission) }

    /// Role given as stored text (memberships written by providers): unknown text holds nothing.
    public static func has(rawRole: String?, _ permission: Permission) -> Bool { has(Role(validating: rawRole), permission) }
}
