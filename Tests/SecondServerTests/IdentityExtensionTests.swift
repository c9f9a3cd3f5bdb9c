import Foundation
import Testing

/// "second.identity.v1" end to end: the outside vendor's plugin syncs its directory through the
/// host's identity services (control {"op":"sync"}); the host validates roles and maps the
/// organization to a workspace; the synced users then sign in with their roles.
@Suite struct IdentityExtensionTests {
    static let token = "identity-test-internal-token-0123456789"
    static let config = """
        auth: {mode: external, providers: [trusted_header/proxy, acme_header/corp]}
        internal: {token: "\(token)"}
        plugins: {load: [second-auth-trusted-header, acme-auth]}
        components:
          auth:
            trusted_header/proxy: {trusted_proxies: ["127.0.0.1/32"]}
            acme_header/corp:
              shared_secret: acme-secret-0123456789
              directory:
                - {subject: alice, email: alice@sync.example, organization: acme-sync, role: owner}
                - {subject: bob, email: bob@sync.example, organization: acme-sync, role: member}
                - {subject: eve, email: eve@sync.example, organization: acme-sync, role: superuser}
        """

    @Test func vendorPluginSyncsItsDirectory() async throws {
        let file = NSTemporaryDirectory() + "identity-\(UUID().uuidString).yaml"
        try Self.config.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: file)
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        let port = s.webPort
        let bearer = ["Authorization": "Bearer \(Self.token)"]

        #expect(try await send(port, "POST", "/api/internal/auth-control/acme_header/corp", [:], json: #"{"op":"sync"}"#).0 == 401)
        let sync = try await send(port, "POST", "/api/internal/auth-control/acme_header/corp", bearer, json: #"{"op":"sync"}"#)
        #expect(sync.0 == 200 && sync.1.contains(#""synced":2"#), "\(sync.1)")
        #expect(sync.1.contains(#""subject":"eve""#) && sync.1.contains("/role: must be owner, admin or member"), "an unknown role is refused by the host")
        #expect(try await send(port, "POST", "/api/internal/auth-control/trusted_header/proxy", bearer, json: #"{"op":"sync"}"#).0 == 400)
        #expect(try await send(port, "POST", "/api/internal/auth-control/nope/x", bearer, json: #"{"op":"sync"}"#).0 == 404)

        // The synced users sign in (through the proxy provider, same email): they are in acme-sync with their roles.
        let alice = try await send(port, "GET", "/api/workspaces", ["X-Forwarded-User": "alice", "X-Forwarded-Email": "alice@sync.example"])
        #expect(alice.1 == #"{"workspaces":[{"_id":"acme-sync","name":"acme-sync","role":"owner"}]}"#, "\(alice.1)")
        let bob = try await send(port, "GET", "/api/workspaces", ["X-Forwarded-User": "bob", "X-Forwarded-Email": "bob@sync.example"])
        #expect(bob.1.contains(#""role":"member""#))
        let eve = try await send(port, "GET", "/api/workspaces", ["X-Forwarded-User": "eve", "X-Forwarded-Email": "eve@sync.example"])
        #expect(eve.1 == #"{"workspaces":[]}"#, "refused entries grant nothing: \(eve.1)")
        let members = try await send(port, "GET", "/api/workspaces/acme-sync/members", ["X-Forwarded-User": "alice", "X-Forwarded-Email": "alice@sync.example"])
        #expect(members.0 == 200 && members.1.contains("bob@sync.example"))
    }
}
