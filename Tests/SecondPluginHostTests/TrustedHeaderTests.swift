import Foundation
import Testing
@testable import SecondPluginHost

/// auth.trusted_header: headers are believed only from trusted proxy addresses with the shared secret.
@Suite struct TrustedHeaderTests {
    init() { _ = LogCapture.shared }
    static let secret = "proxy-shared-secret-0123456789"

    func provider(_ name: String, extra: String = "") throws -> ComponentInstance {
        let p = try PluginLoader.load(path: TestPaths.firstParty("second-auth-trusted-header"))
        let config = #"{"trusted_proxies":["127.0.0.1/32","10.0.0.0/8","::1"],"user_header":"x-forwarded-user","email_header":"x-forwarded-email","name_header":"x-forwarded-preferred-username","default_role":"member","secret_header":"x-proxy-secret","shared_secret":"\#(Self.secret)"\#(extra)}"#
        let i = ComponentInstance(component: try component(p, "auth.trusted_header"), name: name, configJSON: config)
        try i.create(); try i.start()
        return i
    }

    func request(from address: String, _ headers: [String: String]) -> String {
        let h = headers.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
        return #"{"v":1,"method":"GET","path":"/","client_address":"\#(address)","headers":{\#(h)}}"#
    }

    @Test func trustedProxyWithSecret() async throws {
        let p = try provider("th1")
        defer { p.shutdown() }
        let ok = await p.authenticate(requestJSON: request(from: "10.1.2.3", ["x-forwarded-user": "ada", "x-forwarded-email": "ada@acme.example", "x-proxy-secret": Self.secret]))
        #expect(ok.status == .ok)
        #expect(ok.payload.contains(#""subject":"proxy:ada""#) && ok.payload.contains(#""email":"ada@acme.example""#) && ok.payload.contains(#""role":"member""#))
        let mapped = await p.authenticate(requestJSON: request(from: "::ffff:10.0.0.7", ["x-forwarded-user": "bob", "x-proxy-secret": Self.secret]))
        #expect(mapped.status == .ok, "IPv4-mapped IPv6 clients match IPv4 ranges")
        let v6 = await p.authenticate(requestJSON: request(from: "::1", ["x-forwarded-user": "eve", "x-proxy-secret": Self.secret]))
        #expect(v6.status == .ok)
    }

    @Test func untrustedAddressesAndBadSecretsAreDenied() async throws {
        let p = try provider("th2")
        defer { p.shutdown() }
        let outside = await p.authenticate(requestJSON: request(from: "192.168.1.5", ["x-forwarded-user": "mallory", "x-proxy-secret": Self.secret]))
        #expect(outside.status == .denied && outside.message == "identity headers from an untrusted address")
        let noAddress = await p.authenticate(requestJSON: #"{"v":1,"headers":{"x-forwarded-user":"mallory"}}"#)
        #expect(noAddress.status == .denied)
        let wrongSecret = await p.authenticate(requestJSON: request(from: "10.0.0.1", ["x-forwarded-user": "mallory", "x-proxy-secret": "guess-0123456789abcdef"]))
        #expect(wrongSecret.status == .denied && !wrongSecret.message.contains("guess"))
        let noSecret = await p.authenticate(requestJSON: request(from: "10.0.0.1", ["x-forwarded-user": "mallory"]))
        #expect(noSecret.status == .denied)
        let noUser = await p.authenticate(requestJSON: request(from: "10.0.0.1", ["x-proxy-secret": Self.secret]))
        #expect(noUser.status == .notHandled, "no identity header: not this provider's request")
    }

    @Test func roleHeaderIsPassedOnForTheHostToValidate() async throws {
        let p = try provider("th3", extra: #","role_header":"x-forwarded-role""#)
        defer { p.shutdown() }
        let r = await p.authenticate(requestJSON: request(from: "127.0.0.1", ["x-forwarded-user": "o", "x-forwarded-role": "superuser", "x-proxy-secret": Self.secret]))
        #expect(r.status == .ok)
        #expect(Principal(payload: r.payload)?.role == nil, "an unknown role from the proxy grants nothing")
    }

    @Test func configIsValidated() throws {
        let p = try PluginLoader.load(path: TestPaths.firstParty("second-auth-trusted-header"))
        let c = try component(p, "auth.trusted_header")
        let badCIDR = ComponentInstance.validate(component: c, name: "v", configJSON: #"{"trusted_proxies":["10.0.0.0/33"],"user_header":"u","email_header":"e","name_header":"n","default_role":"member"}"#)
        #expect(badCIDR?.message.contains(#""10.0.0.0/33" is not an IP address or CIDR range"#) == true)
        let half = ComponentInstance.validate(component: c, name: "v", configJSON: #"{"trusted_proxies":["10.0.0.0/8"],"user_header":"u","email_header":"e","name_header":"n","default_role":"member","secret_header":"x-s"}"#)
        #expect(half?.message == "set secret_header and shared_secret together")
    }
}
