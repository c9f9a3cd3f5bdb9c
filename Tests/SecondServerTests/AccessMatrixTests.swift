import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Every workspace route × owner/admin/member/unknown-claimed role (permission matrix), and every
/// workspace route with another workspace's ids (tenancy matrix: 404, never 403).
@Suite struct AccessMatrixTests {
    struct Route {
        let method: String
        let path: String          // {ws} {user} {team} {general} are filled per call
        let permission: String
        let body: String?
        let adminOnlyTarget: Bool // targets an owner (needs members:manage-owner)
    }

    func who(_ user: String, org: String = "acme", role: String) -> [String: String] {
        ["X-Forwarded-User": user, "X-Forwarded-Email": "\(user)@\(org).example", "X-Org": org, "X-Role": role]
    }


    func json(_ s: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any]) ?? [:] }

    @Test func permissionAndTenancyMatrices() async throws {
        let file = NSTemporaryDirectory() + "matrix-\(UUID().uuidString).yaml"
        try WorkspaceAccessTests.config.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: file)
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let owner = who("owner", role: "owner")
        let outsider = who("gina", org: "globex", role: "owner")
        _ = try await send(port, "GET", "/api/workspaces", owner)
        _ = try await send(port, "GET", "/api/workspaces", outsider)
        let general = (json(try await send(port, "GET", "/api/workspaces/acme", owner).1)["workspace"] as? [String: Any])?["defaultTeamId"] as? String ?? "?"

        /// A fresh member (for routes that change or remove one) and a fresh team.
        func freshMember(_ tag: String) async throws -> String {
            let h = who("t-\(tag)", role: "member")
            _ = try await send(port, "GET", "/api/workspaces", h)
            let list = json(try await send(port, "GET", "/api/workspaces/acme/members", owner).1)["members"] as? [[String: Any]] ?? []
            return list.first { ($0["email"] as? String) == "t-\(tag)@acme.example" }?["userId"] as? String ?? "?"
        }
        func freshTeam(_ tag: String) async throws -> String {
            json(try await send(port, "POST", "/api/workspaces/acme/teams", owner, json: #"{"name":"team \#(tag)"}"#).1)["_id"] as? String ?? "?"
        }

        let routes: [Route] = [
            Route(method: "GET", path: "/api/workspaces/{ws}", permission: "workspace:view", body: nil, adminOnlyTarget: false),
            Route(method: "GET", path: "/api/workspaces/{ws}/members", permission: "members:view", body: nil, adminOnlyTarget: false),
            Route(method: "GET", path: "/api/workspaces/{ws}/audit-events", permission: "audit:read", body: nil, adminOnlyTarget: false),
            Route(method: "PATCH", path: "/api/workspaces/{ws}/members/{user}", permission: "members:manage", body: #"{"role":"member"}"#, adminOnlyTarget: false),
            Route(method: "DELETE", path: "/api/workspaces/{ws}/members/{user}", permission: "members:manage", body: nil, adminOnlyTarget: false),
            Route(method: "POST", path: "/api/workspaces/{ws}/teams", permission: "workspace:manage", body: #"{"name":"{tag}"}"#, adminOnlyTarget: false),
            Route(method: "PATCH", path: "/api/workspaces/{ws}/teams/{team}", permission: "workspace:manage", body: #"{"name":"renamed {tag}"}"#, adminOnlyTarget: false),
            Route(method: "DELETE", path: "/api/workspaces/{ws}/teams/{team}", permission: "workspace:manage", body: nil, adminOnlyTarget: false),
            Route(method: "POST", path: "/api/workspaces/{ws}/teams/{team}/members", permission: "members:manage", body: #"{"userId":"{user}"}"#, adminOnlyTarget: false),
            Route(method: "DELETE", path: "/api/workspaces/{ws}/teams/{team}/members/{user}", permission: "members:manage", body: nil, adminOnlyTarget: false),
            Route(method: "POST", path: "/api/workspaces/{ws}/invitations", permission: "members:invite", body: #"{"email":"inv-{tag}@example.com"}"#, adminOnlyTarget: false),
            Route(method: "GET", path: "/api/workspaces/{ws}/invitations", permission: "members:invite", body: nil, adminOnlyTarget: false),
        ]
        let grants: [String: Set<String>] = [
            "owner": ["workspace:view", "members:view", "audit:read", "members:manage", "workspace:manage", "members:invite"],
            "admin": ["workspace:view", "members:view", "audit:read", "members:manage", "workspace:manage", "members:invite"],
            "member": ["workspace:view", "members:view"],
            "superuser": ["workspace:view", "members:view"],   // an unknown claimed role is a member
        ]
        var n = 0
        for (role, allowed) in grants.sorted(by: { $0.key < $1.key }) {
            let actor = who("actor-\(role)", role: role)
            _ = try await send(port, "GET", "/api/workspaces", actor)
            for r in routes {
                n += 1
                let user = try await freshMember("\(role)-\(n)")
                let team = try await freshTeam("\(role)-\(n)")
                if r.path.hasSuffix("/members/{user}") && r.path.contains("teams") {
                    _ = try await send(port, "POST", "/api/workspaces/acme/teams/\(team)/members", owner, json: #"{"userId":"\#(user)"}"#)
                }
                func fill(_ t: String) -> String {
                    t.replacingOccurrences(of: "{ws}", with: "acme").replacingOccurrences(of: "{user}", with: user)
                        .replacingOccurrences(of: "{team}", with: team).replacingOccurrences(of: "{tag}", with: "m\(n)")
                }
                let (status, body) = try await send(port, r.method, fill(r.path), actor, json: r.body.map(fill))
                if allowed.contains(r.permission) {
                    #expect((200..<300).contains(status), "\(role) \(r.method) \(r.path): \(status) \(body)")
                } else {
                    #expect(status == 403 && body.contains(r.permission), "\(role) \(r.method) \(r.path): \(status) \(body)")
                }
                // Tenancy: the same call with acme's ids by another workspace's owner → 404.
                let foreign = try await send(port, r.method, fill(r.path), outsider, json: r.body.map(fill))
                #expect(foreign.0 == 404, "outsider \(r.method) \(r.path): \(foreign.0)")
                // And acme's ids under globex's path → 404 for acme's owner (ids never cross workspaces).
                if r.path.contains("{user}") || r.path.contains("{team}") {
                    let crossed = fill(r.path).replacingOccurrences(of: "/workspaces/acme", with: "/workspaces/globex")
                    #expect(try await send(port, r.method, crossed, owner, json: r.body.map(fill)).0 == 404, "owner on globex path \(r.method) \(r.path)")
                }
            }
        }
        #expect(general != "?")
    }
}
