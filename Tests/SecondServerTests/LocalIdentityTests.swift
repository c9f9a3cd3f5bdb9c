import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Auth mode none: onboarding gives each browser its own user, a workspace with General and the
/// owner role, and a signed HttpOnly session cookie that tampering breaks.
@Suite struct LocalIdentityTests {
    struct Reply { var status: Int; var body: String; var setCookie: String? }

    /// No cookie jar: each call carries exactly the cookie the test gives it (one "browser" each).
    let session: URLSession = {
        let c = URLSessionConfiguration.ephemeral
        c.httpCookieStorage = nil
        c.httpShouldSetCookies = false
        c.httpCookieAcceptPolicy = .never
        return URLSession(configuration: c)
    }()

    func call(_ port: Int?, _ method: String, _ path: String, json: String? = nil, cookie: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var req = URLRequest(url: URL(string: "http://127.0.0.1:\(port ?? 0)\(path)")!)
        req.httpMethod = method
        req.httpShouldHandleCookies = false
        if let json { req.httpBody = Data(json.utf8); req.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let cookie { req.setValue(cookie, forHTTPHeaderField: "Cookie") }
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        let (data, resp) = try await session.data(for: req)
        let http = resp as! HTTPURLResponse
        return Reply(status: http.statusCode, body: String(decoding: data, as: UTF8.self), setCookie: http.value(forHTTPHeaderField: "Set-Cookie"))
    }

    /// "name=value" of a Set-Cookie header.
    func pair(_ setCookie: String?) -> String? { setCookie?.split(separator: ";").first.map(String.init) }

    @Test func onboardingSessionsAndTampering() async throws {
        let s = try ServerProcess("serve", env: ["SECOND_NO_AUTH_SESSION_SECRET": "local-session-secret-0123456789abcdef"])
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        #expect(try await call(s.webPort, "GET", "/api/me").status == 401)

        let ada = try await call(s.webPort, "POST", "/api/local/onboarding", json: #"{"displayName":"Ada","email":"Ada@Example.com","workspaceName":"Acme Corp"}"#,
                                 headers: ["X-Forwarded-Proto": "https"])
        #expect(ada.status == 201, "\(ada.body)")
        #expect(ada.body.contains(#""_id":"acme-corp""#) && ada.body.contains(#""role":"owner""#))
        let cookie = try #require(ada.setCookie)
        #expect(cookie.hasPrefix("second_no_auth_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax")
                && cookie.contains("Max-Age=2592000") && cookie.contains("Secure"))
        let me = try await call(s.webPort, "GET", "/api/me", cookie: pair(cookie))
        #expect(me.status == 200 && me.body.contains(#""displayName":"Ada""#) && me.body.contains(#"{"role":"owner","workspaceId":"acme-corp"}"#), "\(me.body)")

        // Another browser: its own user, and a second workspace with the same name gets a new slug.
        let bob = try await call(s.webPort, "POST", "/api/local/onboarding", json: #"{"displayName":"Bob","email":"bob@example.com","workspaceName":"Acme Corp"}"#)
        #expect(bob.status == 201 && bob.body.contains(#""_id":"acme-corp-2""#), "\(bob.body)")
        #expect(bob.setCookie?.contains("Secure") == false, "no Secure flag over plain http")
        let bobMe = try await call(s.webPort, "GET", "/api/me", cookie: pair(bob.setCookie))
        #expect(bobMe.body.contains(#""displayName":"Bob""#) && !bobMe.body.contains("acme-corp\""), "\(bobMe.body)")

        // Tenancy between browsers: each sees only its own workspace; the other's answers 404.
        let adaList = try await call(s.webPort, "GET", "/api/workspaces", cookie: pair(cookie))
        #expect(adaList.body == #"{"workspaces":[{"_id":"acme-corp","name":"Acme Corp","role":"owner"}]}"#, "\(adaList.body)")
        #expect(try await call(s.webPort, "GET", "/api/workspaces/acme-corp-2", cookie: pair(cookie)).status == 404)
        #expect(try await call(s.webPort, "GET", "/api/workspaces/acme-corp", cookie: pair(bob.setCookie)).status == 404)
        #expect(try await call(s.webPort, "GET", "/api/workspaces/acme-corp/audit-events", cookie: pair(cookie)).status == 200, "owners read audit")
        #expect(try await call(s.webPort, "GET", "/api/workspaces/acme-corp").status == 401)

        // Tampering: another user id under Ada's signature, a truncated signature, garbage.
        let value = try #require(pair(cookie)?.split(separator: "=", maxSplits: 1).last.map(String.init))
        let parts = value.split(separator: ".").map(String.init)
        let forgedPayload = Data(#"{"iat":1,"userId":"someone-else","v":1}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        for bad in ["\(forgedPayload).\(parts[1])", "\(parts[0]).\(parts[1].dropLast(2))", "garbage", ""] {
            #expect(try await call(s.webPort, "GET", "/api/me", cookie: "second_no_auth_session=\(bad)").status == 401, "accepted \(bad)")
        }
    }

    @Test func onboardingRejectsBadInput() async throws {
        let s = try ServerProcess("serve", env: [:])
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }
        #expect(s.log.contains("SECOND_NO_AUTH_SESSION_SECRET is not set"), "random-secret warning at startup")
        let cases: [(String, String)] = [
            (#"{"displayName":"","email":"a@b.co","workspaceName":"W"}"#, "/displayName: must not be empty"),
            (#"{"displayName":"A","email":"not-an-email","workspaceName":"W"}"#, "/email: not an email address"),
            (#"{"displayName":"A","email":"a@b.co"}"#, "/workspaceName: required"),
            (#"{"displayName":1,"email":"a@b.co","workspaceName":"W"}"#, "/displayName: must be a string"),
            (#"{"displayName":"A","email":"a@b.co","workspaceName":"W","admin":true}"#, "/admin: unknown field"),
        ]
        for (body, message) in cases {
            let r = try await call(s.webPort, "POST", "/api/local/onboarding", json: body)
            #expect(r.status == 400 && r.body.contains(message), "\(body) → \(r.body)")
        }
        let notJSON = try await call(s.webPort, "POST", "/api/local/onboarding", json: "{nope")
        #expect(notJSON.status == 400 && notJSON.body.contains("invalid_json"))
        let first = try await call(s.webPort, "POST", "/api/local/onboarding", json: #"{"displayName":"A","email":"same@b.co","workspaceName":"W"}"#)
        #expect(first.status == 201)
        let again = try await call(s.webPort, "POST", "/api/local/onboarding", json: #"{"displayName":"B","email":"SAME@b.co","workspaceName":"W"}"#)
        #expect(again.status == 409 && again.body.contains("email_taken"), "\(again.body)")
    }
}
