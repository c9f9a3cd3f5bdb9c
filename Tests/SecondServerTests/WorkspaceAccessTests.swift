import Foundation
import Testing

/// External mode through a real auth plugin (auth.trusted_header): claims map to a workspace and a
/// validated role; tenancy answers 404, a missing permission 403, no identity 401.
@Suite struct WorkspaceAccessTests {
    static let config = """
        auth: {mode: external}
        plugins: {load: [second-auth-trusted-header]}
        components:
          auth:
            trusted_header/proxy:
              trusted_proxies: ["127.0.0.1/32"]
              org_header: x-org
              role_header: x-role
        """

    func who(_ user: String, org: String, role: String) -> [String: String] {
        ["X-Forwarded-User": user, "X-Forwarded-Email": "\(user)@\(org).example", "X-Org": org, "X-Role": role]
    }

    @Test func claimsRolesTenancyAndPermissions() async throws {
        let file = NSTemporaryDirectory() + "ws-access-\(UUID().uuidString).yaml"
        try Self.config.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: file)
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort

        #expect(try await http(port, "/api/workspaces").status == 401, "no identity")

        let alice = who("alice", org: "acme", role: "owner")
        let list = try await http(port, "/api/workspaces", headers: alice)
        #expect(list.status == 200 && list.body == #"{"workspaces":[{"_id":"acme","name":"acme","role":"owner"}]}"#, "\(list.body)")
        #expect(try await http(port, "/api/workspaces/acme", headers: alice).body.contains(#""role":"owner""#))
        #expect(try await http(port, "/api/workspaces/acme/audit-events", headers: alice).status == 200)

        let bob = who("bob", org: "acme", role: "member")
        let members = try await http(port, "/api/workspaces/acme/members", headers: bob)
        #expect(members.status == 200 && members.body.contains(#""email":"alice@acme.example""#) && members.body.contains(#""role":"member""#))
        let denied = try await http(port, "/api/workspaces/acme/audit-events", headers: bob)
        #expect(denied.status == 403 && denied.body.contains("audit:read"), "a member lacks audit:read")

        // Another organization's member: 404, never 403.
        let carol = who("carol", org: "globex", role: "admin")
        for path in ["/api/workspaces/acme", "/api/workspaces/acme/members", "/api/workspaces/acme/audit-events"] {
            let r = try await http(port, path, headers: carol)
            #expect(r.status == 404 && r.body.contains(#""error":"not_found""#), "\(path): \(r.status)")
        }
        #expect(try await http(port, "/api/workspaces/globex", headers: carol).body.contains(#""role":"admin""#))
        #expect(try await http(port, "/api/workspaces/NOT_A_SLUG", headers: carol).status == 404)

        // An unknown role never elevates: dave lands as a member.
        let dave = who("dave", org: "acme", role: "superuser")
        #expect(try await http(port, "/api/workspaces/acme", headers: dave).body.contains(#""role":"member""#))
        #expect(try await http(port, "/api/workspaces/acme/audit-events", headers: dave).status == 403)

        // The provider is the source of truth: alice demoted by her claims is demoted here.
        let demoted = who("alice", org: "acme", role: "member")
        #expect(try await http(port, "/api/workspaces/acme", headers: demoted).body.contains(#""role":"member""#))
        #expect(try await http(port, "/api/workspaces/acme/audit-events", headers: demoted).status == 403)
    }

    @Test func externalModeWithoutAProviderRefusesToStart() throws {
        let s = try ServerProcess("serve", env: ["SECOND_AUTH_MODE": "external"])
        #expect(s.waitExit() == 1)
        #expect(s.log.contains("needs at least one auth provider"))
    }
}
