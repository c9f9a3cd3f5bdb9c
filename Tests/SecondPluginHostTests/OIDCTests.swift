import Foundation
import Testing
@testable import SecondPluginHost

/// auth.oidc against tokens minted here (RS256 and ES256 keys from openssl), including the classic
/// JWT attacks, and a JWKS served over HTTP on loopback with key rotation.
@Suite(.serialized) struct OIDCTests {
    static let issuer = "https://issuer.test"
    static let rsa = try! JWTMinter(alg: "RS256", kid: "rsa-1")
    static let ec = try! JWTMinter(alg: "ES256", kid: "ec-1")
    static let stranger = try! JWTMinter(alg: "RS256", kid: "rsa-1")   // same kid, other key

    init() { _ = LogCapture.shared }

    func provider(_ name: String, jwks: Data, extra: String = "") throws -> ComponentInstance {
        let file = NSTemporaryDirectory() + "jwks-\(name)-\(getpid()).json"
        FileManager.default.createFile(atPath: file, contents: jwks)
        return try provider(name, config: #"{"issuer":"\#(Self.issuer)","audiences":["second"],"jwks_file":"\#(file)","clock_skew_seconds":60,"jwks_refresh_seconds":1,"cookie":"id_token","role_map":{"Administrators":"admin"}\#(extra)}"#)
    }

    func provider(_ name: String, config: String) throws -> ComponentInstance {
        let p = try PluginLoader.load(path: TestPaths.firstParty("second-auth-oidc"))
        let i = ComponentInstance(component: try component(p, "auth.oidc"), name: name, configJSON: config)
        try i.create(); try i.start()
        return i
    }

    static func claims(_ extra: [String: Any] = [:], drop: [String] = []) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        var c: [String: Any] = ["iss": issuer, "aud": "second", "sub": "user-1", "email": "ada@acme.example", "name": "Ada",
                                "org_id": "acme", "org_name": "Acme", "role": "Administrators", "iat": now, "exp": now + 300]
        for (k, v) in extra { c[k] = v }
        for k in drop { c[k] = nil }
        return c
    }

    func auth(_ p: ComponentInstance, _ token: String, cookie: Bool = false) async -> CallResult {
        let req = cookie ? #"{"v":1,"headers":{},"cookies":{"id_token":"\#(token)"}}"# : #"{"v":1,"headers":{"authorization":"Bearer \#(token)"}}"#
        return await p.authenticate(requestJSON: req)
    }

    @Test func validTokensMapClaims() async throws {
        let p = try provider("oidc-ok", jwks: JWTMinter.jwks([Self.rsa, Self.ec]))
        defer { p.shutdown() }
        let r = await auth(p, Self.rsa.token(Self.claims()))
        #expect(r.status == .ok, "\(r)")
        let principal = try #require(Principal(payload: r.payload))
        #expect(principal.subject == "user-1" && principal.email == "ada@acme.example" && principal.organizationId == "acme"
                && principal.organizationName == "Acme" && principal.role == .admin, "role mapped through role_map")
        #expect(await auth(p, Self.ec.token(Self.claims())).status == .ok, "ES256")
        #expect(await auth(p, Self.rsa.token(Self.claims(["aud": ["other", "second"]]))).status == .ok, "audience array")
        #expect(await auth(p, Self.rsa.token(Self.claims()), cookie: true).status == .ok, "token from the cookie")
        #expect(await auth(p, Self.rsa.token(Self.claims(["exp": Int(Date().timeIntervalSince1970) - 30]))).status == .ok, "within clock skew")
    }

    @Test func attacksAreDenied() async throws {
        let p = try provider("oidc-attacks", jwks: JWTMinter.jwks([Self.rsa, Self.ec]))
        defer { p.shutdown() }
        let now = Int(Date().timeIntervalSince1970)
        func denied(_ token: String, _ why: String, _ file: StaticString = #filePath, _ line: UInt = #line) async {
            let r = await auth(p, token)
            #expect(r.status == .denied, "\(why): \(r)")
        }
        // alg none, unsigned.
        let noneHeader = JWTMinter.b64(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = JWTMinter.b64(Array(try JSONSerialization.data(withJSONObject: Self.claims())))
        await denied("\(noneHeader).\(payload).", "alg none")
        // HS256 "signed" with the public key as the HMAC secret (key confusion).
        let hsHeader = JWTMinter.b64(Array(#"{"alg":"HS256","typ":"JWT","kid":"rsa-1"}"#.utf8))
        let secret = Array(try JSONSerialization.data(withJSONObject: Self.rsa.jwk))
        let mac = hmac(secret, Array("\(hsHeader).\(payload)".utf8))
        await denied("\(hsHeader).\(payload).\(JWTMinter.b64(mac))", "HS256 with the public key")
        await denied(Self.stranger.token(Self.claims()), "signed by another key with the same kid")
        await denied(Self.rsa.token(Self.claims(), header: ["kid": "ec-1"]), "RS256 header pointing at an EC key")
        await denied(Self.rsa.token(Self.claims(["exp": now - 120])), "expired beyond skew")
        await denied(Self.rsa.token(Self.claims(["nbf": now + 120])), "not yet valid")
        await denied(Self.rsa.token(Self.claims(["aud": "someone-else"])), "wrong audience")
        await denied(Self.rsa.token(Self.claims(drop: ["sub"])), "missing subject")
        await denied(Self.rsa.token(Self.claims(drop: ["exp"])), "missing exp")
        await denied(Self.rsa.token(Self.claims(), header: ["kid": "nobody"]), "unknown kid")
        // Tampered payload with the original signature.
        let good = Self.rsa.token(Self.claims()).split(separator: ".").map(String.init)
        let evil = JWTMinter.b64(Array(try JSONSerialization.data(withJSONObject: Self.claims(["sub": "admin"]))))
        await denied("\(good[0]).\(evil).\(good[2])", "tampered payload")
        // Not ours: another issuer's token or no JWT at all → the next provider decides.
        #expect(await auth(p, Self.rsa.token(Self.claims(["iss": "https://elsewhere"]))).status == .notHandled)
        #expect(await auth(p, "not-a-jwt-token").status == .notHandled)
        #expect(await p.authenticate(requestJSON: #"{"v":1,"headers":{}}"#).status == .notHandled)
    }

    @Test func jwksURLIsRefreshedOnAnUnknownKid() async throws {
        let dir = NSTemporaryDirectory() + "jwks-http-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/jwks.json", contents: JWTMinter.jwks([Self.rsa]))
        let port = 20000 + Int(getpid() % 20000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        for _ in 0..<100 where (try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/jwks.json")!)) == nil { usleep(50_000) }
        let p = try provider("oidc-url", config: #"{"issuer":"\#(Self.issuer)","audiences":["second"],"jwks_url":"http://127.0.0.1:\#(port)/jwks.json","jwks_refresh_seconds":1,"clock_skew_seconds":60}"#)
        defer { p.shutdown() }
        #expect(await auth(p, Self.rsa.token(Self.claims())).status == .ok, "first use fetches the JWKS")
        // Rotation: the issuer starts signing with the EC key; the provider refetches on the unknown kid.
        FileManager.default.createFile(atPath: dir + "/jwks.json", contents: JWTMinter.jwks([Self.rsa, Self.ec]))
        try await Task.sleep(nanoseconds: 1_100_000_000)
        #expect(await auth(p, Self.ec.token(Self.claims())).status == .ok, "new kid after rotation")
    }

    @Test func configIsChecked() throws {
        let p = try PluginLoader.load(path: TestPaths.firstParty("second-auth-oidc"))
        let c = try component(p, "auth.oidc")
        let plainHTTP = ComponentInstance.validate(component: c, name: "v", configJSON: #"{"issuer":"i","audiences":["a"],"jwks_url":"http://idp.example/jwks","clock_skew_seconds":60,"jwks_refresh_seconds":60}"#)
        #expect(plainHTTP?.message == "jwks_url must use https (plain http only on loopback)")
        let empty = ComponentInstance(component: c, name: "empty", configJSON: #"{"issuer":"i","audiences":["a"],"jwks_file":"/nonexistent.json","clock_skew_seconds":60,"jwks_refresh_seconds":60}"#)
        try empty.create()
        #expect(throws: InstanceError.self) { try empty.start() }
        empty.shutdown()
    }

    func hmac(_ key: [UInt8], _ msg: [UInt8]) -> [UInt8] {
        let r = try? Shell.run(["sh", "-c", "printf '%s' \"$1\" | openssl dgst -sha256 -binary -mac HMAC -macopt hexkey:$2 | od -An -v -tx1", "sh",
                                String(decoding: msg, as: UTF8.self), key.map { String(format: "%02x", $0) }.joined()])
        return (r?.output ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt8($0, radix: 16) }
    }
}
