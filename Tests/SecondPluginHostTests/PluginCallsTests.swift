import Foundation
import Testing
@testable import SecondPluginHost

/// The real plugins — four first-party Swift plugins, the outside vendor's Swift plugin and the C
/// sample — loaded into one process and called, also concurrently.
@Suite struct PluginCallsTests {
    init() { _ = LogCapture.shared }

    func instance(_ path: String, _ id: String, name: String, config: String, secrets: SecretStore? = nil) throws -> ComponentInstance {
        #expect(FileManager.default.fileExists(atPath: path), "\(path) is missing: run scripts/test (it builds the samples first)")
        let p = try PluginLoader.load(path: path)
        let i = ComponentInstance(component: try component(p, id), name: name, configJSON: config, secrets: secrets)
        try i.create()
        try i.start()
        return i
    }

    static let token = "tok-0123456789abcdef"

    @Test func swiftVendorAndCPluginsConcurrently() async throws {
        let staticTokens = try instance(TestPaths.firstParty("second-auth-static-tokens"), "auth.static_tokens", name: "cc-static",
            config: #"{"tokens":[{"token":"\#(Self.token)","subject":"ci-bot","role":"admin","organization":"acme"}],"deny_unknown":false}"#)
        let vendor = try instance(TestPaths.vendorPlugin, "auth.acme_header", name: "cc-vendor",
            config: #"{"shared_secret":"proxy-secret-0123456789","user_header":"x-acme-user","email_header":"x-acme-email","org_header":"x-acme-org","secret_header":"x-acme-proxy-secret","default_role":"member"}"#)
        let cPlugin = try instance(TestPaths.cPlugin, "auth.api_key", name: "cc-c",
            config: #"{"key":"c-key-0123456789abcdef","header":"x-api-key","subject":"api-client","role":"member"}"#)
        defer { [staticTokens, vendor, cPlugin].forEach { $0.shutdown() } }

        let requests: [(ComponentInstance, String, Status, String?)] = [
            (staticTokens, #"{"v":1,"method":"GET","path":"/","headers":{"authorization":"Bearer \#(Self.token)"}}"#, .ok, "ci-bot"),
            (staticTokens, #"{"v":1,"method":"GET","path":"/","headers":{"authorization":"Bearer wrong-token-000000"}}"#, .notHandled, nil),
            (staticTokens, #"{"v":1,"method":"GET","path":"/","headers":{}}"#, .notHandled, nil),
            (vendor, #"{"v":1,"method":"GET","path":"/","headers":{"x-acme-user":"ada","x-acme-org":"acme","x-acme-proxy-secret":"proxy-secret-0123456789"}}"#, .ok, "acme:ada"),
            (vendor, #"{"v":1,"method":"GET","path":"/","headers":{"x-acme-user":"ada","x-acme-proxy-secret":"nope"}}"#, .denied, nil),
            (vendor, #"{"v":1,"method":"GET","path":"/","headers":{}}"#, .notHandled, nil),
            (cPlugin, #"{"v":1,"method":"GET","path":"/","headers":{"x-api-key":"c-key-0123456789abcdef"}}"#, .ok, "api-client"),
            (cPlugin, #"{"v":1,"method":"GET","path":"/","headers":{"x-api-key":"c-key-wrong"}}"#, .denied, nil),
            (cPlugin, #"{"v":1,"method":"GET","path":"/","headers":{}}"#, .notHandled, nil),
        ]
        // 9 cases × 200 rounds, all at once across the three plugins.
        let failures = await withTaskGroup(of: String?.self) { group in
            for round in 0..<200 {
                for (i, (inst, req, want, subject)) in requests.enumerated() {
                    group.addTask {
                        let r = await inst.authenticate(requestJSON: req)
                        if r.status != want { return "round \(round) case \(i): got \(r)" }
                        if let subject, !r.payload.contains(#""subject":"\#(subject)""#) { return "round \(round) case \(i): payload \(r.payload)" }
                        return nil
                    }
                }
            }
            var out: [String] = []
            for await f in group { if let f { out.append(f) } }
            return out
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func deniedAnswersNeverEchoSecrets() async throws {
        let c = try instance(TestPaths.cPlugin, "auth.api_key", name: "echo-c",
            config: #"{"key":"canary-key-ZX81-0123456789","header":"x-api-key","subject":"s","role":"member"}"#)
        defer { c.shutdown() }
        let r = await c.authenticate(requestJSON: #"{"v":1,"headers":{"x-api-key":"presented-canary-QW12"}}"#)
        #expect(r.status == .denied)
        for text in [r.payload, r.message, r.details] {
            #expect(!text.contains("canary-key-ZX81") && !text.contains("presented-canary-QW12"))
        }
    }

    @Test func oauthDefinitionAndTokenResponses() throws {
        let o = try instance(TestPaths.firstParty("second-oauth-generic"), "oauth.generic", name: "gh", config: """
            {"key":"github","display_name":"GitHub","authorization_url":"https://github.com/login/oauth/authorize",
             "token_url":"https://github.com/login/oauth/access_token","scopes":["repo","read:user"],"scope_separator":" ",
             "client_auth_method":"client_secret_post","pkce":"S256","token_response_format":"form","error_in_success":true}
            """)
        defer { o.shutdown() }
        let d = o.describeOAuth()
        #expect(d.status == .ok)
        #expect(d.payload.contains(#""client_auth_method":"client_secret_post""#) && d.payload.contains(#""pkce":"S256""#))
        let form = o.normalizeTokenResponse(rawJSON: #"{"v":1,"status":200,"content_type":"application/x-www-form-urlencoded","body":"access_token=gho_abc&scope=repo%2Cuser&token_type=bearer"}"#)
        #expect(form.status == .ok)
        #expect(form.payload.contains(#""access_token":"gho_abc""#) && form.payload.contains(#""scope":"repo,user""#))
        let errorIn200 = o.normalizeTokenResponse(rawJSON: #"{"v":1,"status":200,"content_type":"application/json","body":"{\"error\":\"bad_verification_code\"}"}"#)
        #expect(errorIn200.status == .unauthenticated)
        #expect(errorIn200.message.contains("bad_verification_code"))
        let garbage = o.normalizeTokenResponse(rawJSON: "not json")
        #expect(garbage.status == .invalidArgument)
    }

    @Test func telemetrySinkWritesJSONLines() async throws {
        let path = NSTemporaryDirectory() + "second-telemetry-\(getpid()).jsonl"
        try? FileManager.default.removeItem(atPath: path)
        let t = try instance(TestPaths.firstParty("second-telemetry-jsonl"), "telemetry.jsonl", name: "file",
                             config: #"{"path":"\#(path)","max_batch_events":3}"#)
        let ok = await t.submit(batchJSON: #"{"v":1,"events":[{"name":"app_created","distinct_id":"anon_1","properties":{"n":1}}],"errors":[{"message":"boom","type":"E"}]}"#)
        #expect(ok.status == .ok)
        let tooBig = await t.submit(batchJSON: #"{"v":1,"events":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d"}]}"#)
        #expect(tooBig.status == .backpressure)
        let bad = await t.submit(batchJSON: #"{"v":1,"events":"nope"}"#)
        #expect(bad.status == .invalidArgument)
        #expect(await t.flush().status == .ok)
        t.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains(#""name":"app_created""#) && lines[1].contains(#""message":"boom""#))
    }

    @Test func badRequestPayloadsAreRefusedNotCrashing() async throws {
        let s = try instance(TestPaths.firstParty("second-auth-static-tokens"), "auth.static_tokens", name: "badreq",
                             config: #"{"tokens":[{"token":"\#(Self.token)","subject":"x"}],"deny_unknown":false}"#)
        defer { s.shutdown() }
        for junk in ["", "{", "[]", #"{"headers":"x"}"#, String(repeating: "[", count: 10000)] {
            let r = await s.authenticate(requestJSON: junk)
            #expect(r.status == .invalidArgument, "payload \(junk.prefix(20)) gave \(r)")
        }
    }

    @Test func createRejectsBadConfigWithPointer() throws {
        let p = try PluginLoader.load(path: TestPaths.firstParty("second-auth-static-tokens"))
        let i = ComponentInstance(component: try component(p, "auth.static_tokens"), name: "short", configJSON: #"{"tokens":[{"token":"short","subject":"x"}]}"#)
        do { try i.create(); Issue.record("short token accepted") } catch {
            #expect(error.status == .invalidConfig)
            #expect(error.message.contains("token 0 is shorter than 16 characters"))
        }
        i.shutdown()
    }
}
