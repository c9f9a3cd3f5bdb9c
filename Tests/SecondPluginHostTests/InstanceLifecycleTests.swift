import Foundation
import Testing
@testable import SecondPluginHost

/// create/start failures stop startup with plugin, component, instance and message; the lifecycle
/// rules (stop once, destroy once, stop without start, destroy after failed create) hold.
@Suite struct InstanceLifecycleTests {
    init() { _ = LogCapture.shared }

    func load(_ file: String, _ defines: [String]) throws -> ComponentInfo {
        let p = try PluginLoader.load(path: try Fixture.build(file, defines))
        return try #require(p.components.first)
    }

    @Test func fullLifecycleInOrder() async throws {
        let c = try load("life-ok", [#"FIXTURE_NAME="life-ok""#, #"FIXTURE_TYPE="life_ok""#])
        let i = ComponentInstance(component: c, name: "life-ok-1", configJSON: #"{"answer":42}"#)
        try i.create()
        try i.start()
        let ok = await i.authenticate(requestJSON: #"{"v":1,"headers":{"authorization":"Bearer fixture-token"}}"#)
        #expect(ok.status == .ok)
        #expect(ok.payload.contains(#""subject":"fixture-user""#))
        let no = await i.authenticate(requestJSON: #"{"v":1,"headers":{}}"#)
        #expect(no.status == .notHandled)
        i.shutdown()
        i.shutdown()   // idempotent: no second stop or destroy
        #expect(LogCapture.shared.lifecycle("life-ok-1") == ["create", "start", "stop", "destroy"])
        let after = await i.authenticate(requestJSON: "{}")
        #expect(after.status == .unavailable, "no hot-path call after stop")
    }

    @Test func createFailureNamesEverything() throws {
        let c = try load("create-fails", ["FIXTURE_CREATE_FAILS", #"FIXTURE_NAME="create-fails""#, #"FIXTURE_TYPE="create_fails""#])
        let runtime = PluginRuntime(catalog: PluginCatalog(), instances: [ComponentInstance(component: c, name: "cf1", configJSON: "{}")])
        do {
            try runtime.start()
            Issue.record("start succeeded")
        } catch {
            #expect(error.stage == "create" && error.status == .invalidConfig)
            #expect(error.description == #"plugin "create-fails" component auth.create_fails instance "auth.create_fails/cf1": create failed (INVALID_CONFIG): fixture create refused: /answer must be 42"#)
        }
        #expect(LogCapture.shared.lifecycle("cf1") == ["create"], "no stop and no destroy without an instance")
    }

    @Test func failedCreateWithInstanceIsDestroyed() throws {
        let c = try load("create-fails-inst", ["FIXTURE_CREATE_FAILS_WITH_INSTANCE", #"FIXTURE_NAME="create-fails-inst""#, #"FIXTURE_TYPE="create_fails_inst""#])
        let i = ComponentInstance(component: c, name: "cfi1", configJSON: "{}")
        #expect(throws: InstanceError.self) { try i.create() }
        i.shutdown()
        #expect(LogCapture.shared.lifecycle("cfi1") == ["create", "destroy"])
    }

    @Test func startFailureRollsBackEveryInstanceInReverse() throws {
        let good = try load("rollback-good", [#"FIXTURE_NAME="rollback-good""#, #"FIXTURE_TYPE="rollback_good""#])
        let bad = try load("start-fails", ["FIXTURE_START_FAILS", #"FIXTURE_NAME="start-fails""#, #"FIXTURE_TYPE="start_fails""#])
        let runtime = PluginRuntime(catalog: PluginCatalog(), instances: [
            ComponentInstance(component: good, name: "rb-good", configJSON: "{}"),
            ComponentInstance(component: bad, name: "rb-bad", configJSON: "{}"),
        ])
        do {
            try runtime.start()
            Issue.record("start succeeded")
        } catch {
            #expect(error.description.contains(#"plugin "start-fails""#))
            #expect(error.description.contains(#"instance "auth.start_fails/rb-bad": start failed (UNAVAILABLE): fixture start refused: port in use"#))
        }
        #expect(LogCapture.shared.lifecycle("rb-good") == ["create", "start", "stop", "destroy"])
        #expect(LogCapture.shared.lifecycle("rb-bad") == ["create", "start", "stop", "destroy"], "a failed start is followed by stop, then destroy")
    }

    @Test func stopWithoutStart() throws {
        let c = try load("nostart", [#"FIXTURE_NAME="nostart""#, #"FIXTURE_TYPE="nostart""#])
        let i = ComponentInstance(component: c, name: "ns1", configJSON: "{}")
        try i.create()
        i.shutdown()
        #expect(LogCapture.shared.lifecycle("ns1") == ["create", "stop", "destroy"])
    }

    @Test func validateIsADryRun() throws {
        let c = try load("validate-fails", ["FIXTURE_VALIDATE_FAILS", #"FIXTURE_NAME="validate-fails""#, #"FIXTURE_TYPE="validate_fails""#])
        let e = try #require(ComponentInstance.validate(component: c, name: "v1", configJSON: "{}"))
        #expect(e.message == "fixture validate refused: answer is wrong")
        #expect(LogCapture.shared.lifecycle("v1").isEmpty, "validate creates nothing")
    }

    @Test func otherKindsThroughTheirVTables() async throws {
        let oauth = try load("kind-oauth", ["FIXTURE_KIND=SECOND_KIND_OAUTH_PROVIDER", #"FIXTURE_NAME="kind-oauth""#, #"FIXTURE_TYPE="k_oauth""#])
        let o = ComponentInstance(component: oauth, name: "ko", configJSON: "{}")
        try o.create(); try o.start()
        #expect(o.describeOAuth().payload == #"{"v":1,"key":"fixture"}"#)
        o.shutdown()

        let rt = try load("kind-runtime", ["FIXTURE_KIND=SECOND_KIND_RUNTIME_DRIVER", #"FIXTURE_NAME="kind-runtime""#, #"FIXTURE_TYPE="k_runtime""#])
        let r = ComponentInstance(component: rt, name: "kr", configJSON: "{}")
        try r.create(); try r.start()
        #expect(r.detect().payload.contains(#""available":true"#))
        let session = try r.startSession(specJSON: #"{"v":1,"session_id":"s"}"#, stream: EventStream())
        let items = session.stream.collect(timeout: 2)
        #expect(items.map(\.kind) == [.event, .exit])
        session.close()
        r.shutdown()

        let tel = try load("kind-telemetry", ["FIXTURE_KIND=SECOND_KIND_TELEMETRY_SINK", #"FIXTURE_NAME="kind-telemetry""#, #"FIXTURE_TYPE="k_tel""#])
        let t = ComponentInstance(component: tel, name: "kt", configJSON: "{}")
        try t.create(); try t.start()
        #expect(await t.submit(batchJSON: #"{"v":1,"events":[]}"#).status == .ok)
        #expect(await t.flush().status == .ok)
        t.shutdown()
    }
}
