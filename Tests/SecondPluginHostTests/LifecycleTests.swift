import Testing
@testable import SecondPluginHost

/// The lifecycle rules, the spawn spec and line splitting as plain values, without I/O.
@Suite struct LifecycleTests {
    @Test func happyPath() {
        var l = Lifecycle()
        l.created(ok: true, instanceStored: true)
        #expect(l.mayStart && !l.mayServe)
        l.started(ok: true)
        #expect(l.mayServe)
        do { let r = l.takeStop(); #expect(r) }
        do { let r = l.takeStop(); #expect(!r, "stop is called at most once") }
        #expect(!l.mayServe)
        do { let r = l.takeDestroy(); #expect(r) }
        do { let r = l.takeDestroy(); #expect(!r, "destroy exactly once") }
        #expect(l.state == .destroyed)
    }

    @Test func stopWithoutStartIsAllowed() {
        var l = Lifecycle()
        l.created(ok: true, instanceStored: true)
        do { let r = l.takeStop(); #expect(r) }
        do { let r = l.takeDestroy(); #expect(r) }
    }

    @Test func failedCreateWithInstanceGetsOnlyDestroy() {
        var l = Lifecycle()
        l.created(ok: false, instanceStored: true)
        #expect(!l.mayStart)
        do { let r = l.takeStop(); #expect(!r) }
        do { let r = l.takeDestroy(); #expect(r) }
    }

    @Test func failedCreateWithoutInstanceGetsNothing() {
        var l = Lifecycle()
        l.created(ok: false, instanceStored: false)
        do { let r = l.takeStop(); #expect(!r) }
        do { let r = l.takeDestroy(); #expect(!r) }
        #expect(l.state == .failed)
    }

    @Test func failedStartGetsStopThenDestroy() {
        var l = Lifecycle()
        l.created(ok: true, instanceStored: true)
        l.started(ok: false)
        #expect(!l.mayServe)
        do { let r = l.takeStop(); #expect(r) }
        do { let r = l.takeDestroy(); #expect(r) }
    }

    @Test func processSpecParsing() throws {
        let s = try ProcessSpec.parse(Array(#"{"v":1,"argv":["echo","hi"],"env":{"A":"1"},"stdin":"pipe","timeout_ms":50}"#.utf8))
        #expect(s.argv == ["echo", "hi"] && s.env == ["A": "1"] && s.stdinPipe && s.timeoutMs == 50)
        #expect(throws: ProcessSpec.Invalid.self) { try ProcessSpec.parse(Array(#"{"argv":[]}"#.utf8)) }
        #expect(throws: ProcessSpec.Invalid.self) { try ProcessSpec.parse(Array(#"{"argv":["x"],"env":{"A":1}}"#.utf8)) }
        #expect(throws: ProcessSpec.Invalid.self) { try ProcessSpec.parse(Array(#"{"argv":["x"],"stdin":"tty"}"#.utf8)) }
        #expect(throws: ProcessSpec.Invalid.self) { try ProcessSpec.parse(Array("not json".utf8)) }
    }

    @Test func lineSplitter() {
        var s = LineSplitter(max: 4)
        #expect(s.feed(Array("ab\ncdefg".utf8)[...]) == [Array("ab".utf8), Array("cdef".utf8)])
        #expect(s.finish() == Array("g".utf8))
        #expect(s.finish() == nil)
    }
}
