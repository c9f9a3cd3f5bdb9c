import Testing
@testable import SecondCore

@Suite struct PermissionsTests {
    @Test func theMatrix() {
        #expect(Permission.allCases.count == 13)
        for p in Permission.allCases {
            #expect(Permissions.has(.owner, p), "owner lacks \(p.rawValue)")
            #expect(Permissions.has(.admin, p) == (p != .membersManageOwner), "admin and \(p.rawValue)")
            let memberHas: Set<Permission> = [.workspaceView, .membersView, .integrationsView, .appsCreate, .appsUpdate, .appsDelete, .agentsRun]
            #expect(Permissions.has(.member, p) == memberHas.contains(p), "member and \(p.rawValue)")
            #expect(!Permissions.has(nil, p), "no role holds \(p.rawValue)")
        }
    }

    @Test(arguments: ["", "Owner", "ADMIN", "superuser", "owner ", " admin", "member\u{0}", "root"])
    func unknownRolesFailClosed(_ raw: String) {
        #expect(Role(validating: raw) == nil)
        for p in Permission.allCases { #expect(!Permissions.has(rawRole: raw, p)) }
    }

    @Test func missingRoleFailsClosed() {
        #expect(Role(validating: nil) == nil)
        #expect(!Permissions.has(rawRole: nil, .workspaceView))
        #expect(Permissions.has(rawRole: "admin", .auditRead))
    }

    @Test func workspaceSlugs() {
        for ok in ["acme", "a", "acme-corp-2", String(repeating: "a", count: 80)] { #expect(WorkspaceSlug.isValid(ok), "\(ok)") }
        for bad in ["", "-acme", "acme-", "Acme", "ac me", "acme_corp", String(repeating: "a", count: 81), "ä"] { #expect(!WorkspaceSlug.isValid(bad), "\(bad)") }
    }
}

@Suite struct AppAccessTests {
    let app = AppAccess.App(createdByUserId: "creator", collaboratorUserIds: ["collab"], hasPublishedVersion: false)

    func access(_ user: String, _ role: Role?, teams: Set<String> = [], app: AppAccess.App? = nil) -> AppAccess {
        AppAccess(viewer: .init(userId: user, role: role, teamIds: teams), app: app ?? self.app)
    }

    @Test func draftsAreSeenByAdminsCreatorsAndCollaboratorsOnly() {
        #expect(access("o", .owner).canView && access("a", .admin).canView)
        #expect(access("creator", .member).canView && access("collab", .member).canView)
        #expect(!access("someone", .member).canView)
        #expect(access("creator", .member).canManage && !access("collab", .member).canManage)
        #expect(access("collab", .member).canCollaborate && !access("someone", .member).canCollaborate)
        #expect(access("a", .admin).canReview && !access("creator", .member).canReview)
    }

    @Test func publishedAppsFollowTeamVisibility() {
        let everyone = AppAccess.App(createdByUserId: "c", hasPublishedVersion: true, visibility: .workspace)
        #expect(access("m", .member, app: everyone).canView)
        let teams = AppAccess.App(createdByUserId: "c", hasPublishedVersion: true, visibility: .teams, teamIds: ["t1"])
        #expect(access("m", .member, teams: ["t1", "t2"], app: teams).canView)
        #expect(!access("m", .member, teams: ["t2"], app: teams).canView)
        #expect(!access("m", .member, teams: ["t1"], app: teams).canManage, "seeing is not managing")
    }

    @Test func noRoleSeesNothing() {
        let everyone = AppAccess.App(createdByUserId: "x", hasPublishedVersion: true)
        let a = access("x", nil, app: everyone)
        #expect(!a.canView && !a.canManage && !a.canCollaborate && !a.canReview)
    }
}
