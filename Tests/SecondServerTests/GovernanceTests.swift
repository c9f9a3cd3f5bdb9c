import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Members and teams through the API: permissions, owner rules, General rules, audit, events.
@Suite struct GovernanceTests {
    func who(_ user: String, org: String = "acme", role: String? = nil) -> [String: String] {
        var h = ["X-Forwarded-User": user, "X-Forwarded-Email": "\(user)@\(org).example", "X-Org": org]
        if let role { h["X-Role"] = role }
        return h
    }


    @Test func membersTeamsAuditAndEvents() async throws {
        let file = NSTemporaryDirectory() + "gov-\(UUID().uuidString).yaml"
        try WorkspaceAccessTests.config.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: file)
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let alice = who("alice", role: "owner"), bob = who("bob", role: "admin"), carol = who("carol", role: "member")
        let globex = who("gina", org: "globex", role: "owner")
        for h in [alice, bob, carol, globex] { #expect(try await send(port, "GET", "/api/workspaces", h).0 == 200) }
        let list = try await send(port, "GET", "/api/workspaces/acme/members", alice).1
        let members = try #require(try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [String: [[String: Any]]])["members"] ?? []
        func id(_ name: String) -> String { members.first { ($0["email"] as? String)?.hasPrefix(name) == true }?["userId"] as? String ?? "?" }
        let (aliceId, bobId, carolId) = (id("alice"), id("bob"), id("carol"))

        // Live events: alice listens before the changes.
        let events = try EventListener(port: port ?? 0, path: "/api/workspaces/acme/events", headers: alice)

        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/\(bobId)", carol, json: #"{"role":"member"}"#).0 == 403, "members lack members:manage")
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/\(aliceId)", bob, json: #"{"role":"member"}"#).0 == 403, "an admin cannot demote an owner")
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/\(carolId)", bob, json: #"{"role":"owner"}"#).0 == 403, "an admin cannot make an owner")
        let promoted = try await send(port, "PATCH", "/api/workspaces/acme/members/\(carolId)", bob, json: #"{"role":"admin"}"#)
        #expect(promoted.0 == 200 && promoted.1.contains(#""role":"admin""#))
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/\(carolId)", bob, json: #"{"role":"root"}"#).1.contains("invalid_role"))
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/\(aliceId)", alice, json: #"{"role":"member"}"#).0 == 409, "last owner stays")
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/\(carolId)", globex, json: #"{"role":"member"}"#).0 == 404, "other workspace: 404")
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/members/nobody", bob, json: #"{"role":"member"}"#).0 == 404)

        let team = try await send(port, "POST", "/api/workspaces/acme/teams", bob, json: #"{"name":"Design"}"#)
        #expect(team.0 == 201, "\(team.1)")
        #expect(try await send(port, "POST", "/api/workspaces/acme/teams", bob, json: #"{"name":"Design"}"#).0 == 409)
        #expect(try await send(port, "POST", "/api/workspaces/acme/teams", bob, json: #"{"name":""}"#).0 == 400)
        let teamId = try #require((try JSONSerialization.jsonObject(with: Data(team.1.utf8)) as? [String: Any])?["_id"] as? String)
        #expect(try await send(port, "POST", "/api/workspaces/acme/teams/\(teamId)/members", bob, json: #"{"userId":"\#(carolId)"}"#).0 == 201)
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/teams/\(teamId)/members/\(carolId)", bob).0 == 204)
        let ws = try await send(port, "GET", "/api/workspaces/acme", alice).1
        let wsObject = try JSONSerialization.jsonObject(with: Data(ws.utf8)) as? [String: Any]
        let general = try #require((wsObject?["workspace"] as? [String: Any])?["defaultTeamId"] as? String)
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/teams/\(general)", alice).0 == 409, "General cannot be deleted")
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/teams/\(general)/members/\(carolId)", alice).0 == 409, "nobody leaves General")
        #expect(try await send(port, "PATCH", "/api/workspaces/acme/teams/\(general)", alice, json: #"{"name":"Everyone"}"#).0 == 200, "General may be renamed")
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/teams/\(teamId)", bob).0 == 204)
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/members/\(aliceId)", bob).0 == 403, "an admin cannot remove an owner")
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/members/\(carolId)", bob).0 == 204)

        let audit = try await send(port, "GET", "/api/workspaces/acme/audit-events", alice)
        for action in ["member.role_changed", "team.created", "team.member_added", "team.member_removed", "team.renamed", "team.deleted", "member.removed"] {
            #expect(audit.1.contains(#""action":"\#(action)""#), "\(action) not audited")
        }
        #expect(try await send(port, "GET", "/api/workspaces/acme/audit-events", globex).0 == 404)

        let text = events.read(until: { $0.components(separatedBy: "member.changed").count > 3 })
        #expect(text.contains("event: ready"))
        #expect(text.contains(#""type":"member.changed""#) && text.contains(#""workspaceId":"acme""#))
        #expect(!text.contains("carol@acme.example"), "events carry ids and scope only")
        events.close()
        #expect(try await send(port, "GET", "/api/workspaces/acme/events", globex).0 == 404, "no events for non-members")
    }
}

/// Reads an SSE response over a plain socket.
final class EventListener {
    let fd: Int32
    init(port: Int, path: String, headers: [String: String]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw CocoaError(.fileReadUnknown) }
        var request = "GET \(path) HTTP/1.1\r\nHost: x\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        _ = Array(request.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = read(until: { $0.contains("event: ready") })
    }
    private var text = ""
    func read(until done: (String) -> Bool) -> String {
        var buf = [UInt8](repeating: 0, count: 8192)
        while !done(text) {
            let n = Glibc.read(fd, &buf, buf.count)
            if n <= 0 { break }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
        return text
    }
    func close() { Glibc.close(fd) }
}
