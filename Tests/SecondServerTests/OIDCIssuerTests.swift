import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The "done when" of the identity issue: external mode with the oidc plugin enabled in YAML, a
/// token from a real OIDC issuer on loopback (nanoidp), and the user lands in the workspace their
/// claims map to (tenant) with the role their roles claim gives.
@Suite struct OIDCIssuerTests {
    func issuerToken(_ issuer: String, user: String, password: String) async throws -> String {
        var req = URLRequest(url: URL(string: "\(issuer)/token")!)
        req.httpMethod = "POST"
        req.setValue("Basic \(Data("demo-client:demo-secret".utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        req.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        req.httpBody = Data("grant_type=password&username=\(user)&password=\(password)&scope=openid".utf8)
        let (data, _) = try await URLSession.shared.data(for: req)
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(obj["access_token"] as? String, "issuer answered \(String(decoding: data, as: UTF8.self))")
    }

    @Test func signInWithATokenFromTheIssuer() async throws {
        let issuer = try #require(TestServices.oidcIssuer, "SECOND_TEST_OIDC_ISSUER is not set: run scripts/test (it starts nanoidp)")
        let file = NSTemporaryDirectory() + "oidc-issuer-\(UUID().uuidString).yaml"
        try """
            auth: {mode: external}
            plugins: {load: [second-auth-oidc]}
            components:
              auth:
                oidc/idp:
                  issuer: \(issuer)
                  audiences: [my-app]
                  jwks_url: \(issuer)/.well-known/jwks.json
                  claims: {organization: tenant, role: roles}
                  role_map: {ADMIN: admin, USER: member}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: file)
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }

        let admin = ["Authorization": "Bearer \(try await issuerToken(issuer, user: "admin", password: "admin"))"]
        let list = try await send(s.webPort, "GET", "/api/workspaces", admin)
        #expect(list.0 == 200 && list.1 == #"{"workspaces":[{"_id":"default","name":"default","role":"admin"}]}"#, "\(list.1)")
        #expect(try await send(s.webPort, "GET", "/api/workspaces/default/audit-events", admin).0 == 200)
        let user = ["Authorization": "Bearer \(try await issuerToken(issuer, user: "testuser", password: "test123"))"]
        #expect(try await send(s.webPort, "GET", "/api/workspaces/default", user).1.contains(#""role":"member""#))
        #expect(try await send(s.webPort, "GET", "/api/workspaces/default/audit-events", user).0 == 403)
        #expect(try await send(s.webPort, "GET", "/api/workspaces/default/members", admin).1.contains(#""role":"member""#))
    }
}
