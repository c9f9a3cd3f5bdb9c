import Foundation
import Testing
@testable import SecondPluginHost
import SecondCore

/// The provider chain: configured order, NOT_HANDLED falls through, DENIED and errors stop it,
/// roles are validated.
@Suite struct AuthChainTests {
    init() { _ = LogCapture.shared }

    static let token = "chain-token-0123456789abcdef"

    func started(_ path: String, _ id: String, _ name: String, _ config: String) throws -> ComponentInstance {
        let p = try PluginLoader.load(path: path)
        let i = ComponentInstance(component: try component(p, id), name: name, configJSON: config)
        try i.create(); try i.start()
        return i
    }

    func staticTokens(_ name: String, denyUnknown: Bool, role: String = "admin") throws -> ComponentInstance {
        try started(TestPaths.firstParty("second-auth-static-tokens"), "auth.static_tokens", name,
                    #"{"tokens":[{"token":"\#(Self.token)","subject":"ci","role":"\#(role)","organization":"acme"}],"deny_unknown":\#(denyUnknown)}"#)
    }

    func fixture(_ name: String) throws -> ComponentInstance {
        let p = try PluginLoader.load(path: try Fixture.build("chain-fixture", [#"FIXTURE_NAME="chain-fixture""#, #"FIXTURE_TYPE="chain_fixture""#]))
        let i = ComponentInstance(component: try #require(p.components.first), name: name, configJSON: "{}")
        try i.create(); try i.start()
        return i
    }

    func request(bearer: String?) -> String {
        bearer.map { #"{"v":1,"method":"GET","path":"/","headers":{"authorization":"Bearer \#($0)"}}"# } ?? #"{"v":1,"method":"GET","path":"/","headers":{}}"#
    }

    @Test func notHandledFallsThroughInOrder() async throws {
        let f = try fixture("chain-f1"), s = try staticTokens("chain-s1", denyUnknown: false)
        defer { f.shutdown(); s.shutdown() }
        let chain = AuthChain(providers: [s, f])
        // The static provider does not know the fixture's token and passes; the fixture answers.
        guard case .authenticated(let p, let by) = await chain.resolve(requestJSON: request(bearer: "fixture-token")) else {
            Issue.record("not authenticated"); return
        }
        #expect(p.subject == "fixture-user" && p.role == .member && by == "auth.chain_fixture/chain-f1")
        guard case .authenticated(let q, let by2) = await chain.resolve(requestJSON: request(bearer: Self.token)) else {
            Issue.record("not authenticated"); return
        }
        #expect(q.subject == "ci" && q.role == .admin && q.organizationId == "acme" && by2 == "auth.static_tokens/chain-s1")
        #expect(await chain.resolve(requestJSON: request(bearer: nil)) == .anonymous)
        #expect(await AuthChain(providers: []).resolve(requestJSON: request(bearer: Self.token)) == .anonymous)
    }

    @Test func deniedStopsTheChain() async throws {
        let s = try staticTokens("chain-s2", denyUnknown: true), f = try fixture("chain-f2")
        defer { f.shutdown(); s.shutdown() }
        // Order matters: a denying provider first means the fixture is never asked.
        let outcome = await AuthChain(providers: [s, f]).resolve(requestJSON: request(bearer: "fixture-token"))
        #expect(outcome == .denied(reason: "unknown token", by: "auth.static_tokens/chain-s2"))
        guard case .authenticated = await AuthChain(providers: [f, s]).resolve(requestJSON: request(bearer: "fixture-token")) else {
            Issue.record("the other order should authenticate"); return
        }
    }

    @Test func aFailingProviderFailsTheRequestInsteadOfFallingThrough() async throws {
        let down = try staticTokens("chain-down", denyUnknown: false)
        down.shutdown()   // stopped: answers UNAVAILABLE
        let f = try fixture("chain-f3")
        defer { f.shutdown() }
        guard case .failed(let status, _, let by) = await AuthChain(providers: [down, f]).resolve(requestJSON: request(bearer: "fixture-token")) else {
            Issue.record("a down provider must not let the next decide"); return
        }
        #expect(status == .unavailable && by == "auth.static_tokens/chain-down")
    }

    @Test func unknownRolesGrantNothing() async throws {
        let s = try staticTokens("chain-role", denyUnknown: false, role: "member")
        defer { s.shutdown() }
        guard case .authenticated(let p, _) = await AuthChain(providers: [s]).resolve(requestJSON: request(bearer: Self.token)) else {
            Issue.record("not authenticated"); return
        }
        #expect(p.role == .member)
        #expect(Principal(payload: #"{"subject":"x","role":"superadmin"}"#)?.role == nil)
        #expect(Principal(payload: #"{"subject":"x","role":"superadmin"}"#)?.reportedRole == "superadmin")
        #expect(Principal(payload: #"{"subject":"x"}"#)?.role == nil)
        #expect(Principal(payload: #"{"subject":""}"#) == nil)
        #expect(Principal(payload: "not json") == nil)
        #expect(!Permissions.has(Principal(payload: #"{"subject":"x","role":"Owner"}"#)?.role, .workspaceView))
    }
}
