/// Who may see and do what with one app (spec §8), as a pure decision.
public struct AppAccess: Sendable, Equatable {
    public struct Viewer: Sendable {
        public var userId: String
        public var role: Role?
        public var teamIds: Set<String>
        public init(userId: String, role: Role?, teamIds: Set<String>) { self.userId = userId; self.role = role; self.teamIds = teamIds }
    }
    public struct App: Sendable {
        public enum Visibility: String, Sendable { case workspace, teams }
        public var createdByUserId: String
        public var collaboratorUserIds: Set<String>
        public var hasPublishedVersion: Bool
        public var visibility: Visibility
        public var teamIds: Set<String>
        public init(createdByUserId: String, collaboratorUserIds: Set<String> = [], hasPublishedVersion: Bool = false,
                    visibility: Visibility = .workspace, teamIds: Set<String> = []) {
            self.createdByUserId = createdByUserId; self.collaboratorUserIds = collaboratorUserIds
            self.hasPublishedVersion = hasPublishedVersion; self.visibility = visibility; self.teamIds = teamIds
        }
    }

    public let canView: Bool
    public let canManage: Bool
    public let canCollaborate: Bool
    public let canManageCollaborators: Bool
    public let canReview: Bool

    public init(viewer: Viewer, app: App) {
        let isAdmin = viewer.role == .owner || viewer.role == .admin
        let isCreator = viewer.userId == app.createdByUserId
        let isCollaborator = app.collaboratorUserIds.contains(viewer.userId)
        let publishedVisible = app.hasPublishedVersion
            && (app.visibility == .workspace || !app.teamIds.isDisjoint(with: viewer.teamIds))
        // Someone without a valid role is not a member: they see nothing, whatever the app says.
        let isMember = viewer.role != nil
        canView = isMember && (isAdmin || isCreator || isCollaborator || publishedVisible)
        canManage = isMember && (isAdmin || isCreator)
        canCollaborate = isMember && (isAdmin || isCreator || isCollaborator)
        canManageCollaborators = canManage
        canReview = isAdmin
    }
}

/// Workspace ids are slugs: ^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$
public enum WorkspaceSlug {
    public static func isValid(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...80).contains(u.count) else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard alnum(u[0]), alnum(u[u.count - 1]) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 45 }
    }
}
