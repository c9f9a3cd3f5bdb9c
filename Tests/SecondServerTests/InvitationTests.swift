import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Invitations: create (members:invite; owners only by owners), list, resend, revoke; accepted when
/// the invited email signs in (membership with the invited role, General, invited teams).
@Suite struct InvitationTests {

    func who(_ user: String, org: String? = "acme", role: String? = nil, email: String? = nil) -> [String: String] {
        var h = ["X-Forwarded-User": user, "X-Forwarded-Email": email ?? "\(user)@acme.example"]
        if let org { h["X-Org"] = org }
        if let role { h["X-Role"] = role }
        return h
    }

    @Test func inviteAcceptRevoke() async throws {
        let file = NSTemporaryDirectory() + "inv-\(UUID().uuidString).yaml"
        try WorkspaceAccessTests.config.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: file)
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let alice = who("alice", role: "owner"), bob = who("bob", role: "member"), amy = who("amy", role: "admin")
        let gina = who("gina", org: "globex", role: "owner", email: "gina@globex.example")
        for h in [alice, bob, amy, gina] { _ = try await send(port, "GET", "/api/workspaces", h) }

        let created = try await send(port, "POST", "/api/workspaces/acme/invitations", alice, json: #"{"email":"Newbie@Example.com","role":"admin"}"#)
        #expect(created.0 == 201 && created.1.contains(#""status":"pending""#), "\(created.1)")
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations", alice, json: #"{"email":"newbie@example.com"}"#).0 == 409)
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations", bob, json: #"{"email":"x@example.com"}"#).0 == 403, "members cannot invite")
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations", amy, json: #"{"email":"boss@example.com","role":"owner"}"#).0 == 403)
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations", amy, json: #"{"email":"nope","role":"member"}"#).0 == 400)
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations", amy, json: #"{"email":"r@example.com","role":"king"}"#).1.contains("invalid_role"))
        #expect(try await send(port, "GET", "/api/workspaces/acme/invitations", gina).0 == 404)
        let list = try await send(port, "GET", "/api/workspaces/acme/invitations", alice)
        #expect(list.0 == 200 && list.1.contains(#""email":"Newbie@Example.com""#))

        // The invited email signs in (its claims name no organization): it lands in acme as admin.
        let newbie = who("newbie", org: nil, email: "newbie@example.com")
        let mine = try await send(port, "GET", "/api/workspaces", newbie)
        #expect(mine.1.contains(#"{"_id":"acme","name":"acme","role":"admin"}"#), "\(mine.1)")
        let invitationId = try #require((try JSONSerialization.jsonObject(with: Data(created.1.utf8)) as? [String: Any])?["_id"] as? String)
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/invitations/\(invitationId)", alice).0 == 409, "already accepted")
        #expect(try await send(port, "GET", "/api/workspaces/acme/invitations", alice).1.contains(#""status":"accepted""#))

        // Revoke and resend.
        let other = try await send(port, "POST", "/api/workspaces/acme/invitations", amy, json: #"{"email":"later@example.com"}"#)
        let otherId = try #require((try JSONSerialization.jsonObject(with: Data(other.1.utf8)) as? [String: Any])?["_id"] as? String)
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations/\(otherId)/resend", amy).0 == 200)
        #expect(try await send(port, "DELETE", "/api/workspaces/acme/invitations/\(otherId)", amy).0 == 204)
        #expect(try await send(port, "POST", "/api/workspaces/acme/invitations/\(otherId)/resend", amy).0 == 409)
        let later = who("later", org: nil, email: "later@example.com")
        #expect(try await send(port, "GET", "/api/workspaces", later).1 == #"{"workspaces":[]}"#, "a revoked invitation grants nothing")

        let audit = try await send(port, "GET", "/api/workspaces/acme/audit-events", alice).1
        for a in ["invitation.created", "invitation.resent", "invitation.revoked"] { #expect(audit.contains(a), "\(a) not audited") }
    }
}
