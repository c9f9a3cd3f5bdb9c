import Foundation
import Testing
@testable import SecondPluginHost

/// runtime.command through the host's spawn and sink: output streaming, allowlisted environment
/// (canary secrets never reach the child), cancellation of the whole group, timeouts, back-pressure.
@Suite(.serialized) struct RuntimeDriverTests {
    init() { _ = LogCapture.shared }

    func driver(_ name: String, _ config: String) throws -> ComponentInstance {
        let p = try PluginLoader.load(path: TestPaths.firstParty("second-runtime-command"))
        let i = ComponentInstance(component: try component(p, "runtime.command"), name: name, configJSON: config)
        try i.create()
        try i.start()
        return i
    }

    @Test func streamsLinesAsNormalizedEvents() throws {
        let d = try driver("echo", #"{"command":["/bin/sh","-c","echo plain; echo '{\"k\":1}'; echo oops >&2; exit 3"],"prompt_via":"none","timeout_ms":10000,"cancel_grace_ms":200}"#)
        defer { d.shutdown() }
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s1"}"#, stream: EventStream())
        defer { s.close() }
        let items = s.stream.collect(timeout: 10)
        let events = items.filter { $0.kind == .event }.map(\.text)
        #expect(events.count == 2)
        #expect(events[0].contains(#""type":"text""#) && events[0].contains(#""text":"plain""#))
        #expect(events[1].contains(#""type":"json""#) && events[1].contains(#""data":{"k":1}"#))
        #expect(items.contains { $0.kind == .stderr && $0.text == "oops" })
        #expect(items.last?.kind == .exit)
        #expect(items.last?.text.contains(#""code":3"#) == true)
        #expect(items.last?.text.contains("exited with code 3") == true)
    }

    @Test func canarySecretsNeverReachTheChild() throws {
        setenv("INTERNAL_API_TOKEN", "canary-internal-7f3a", 1)
        setenv("MONGODB_URI", "mongodb://user:canary-mongo-pass@db/x", 1)
        setenv("SECOND_CANARY_SECRET", "canary-generic-91b2", 1)
        let d = try driver("envdump", #"{"command":["/usr/bin/env"],"prompt_via":"none","env":{"VISIBLE":"yes"},"timeout_ms":10000,"cancel_grace_ms":200}"#)
        defer { d.shutdown() }
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s2","home":"/tmp/private-home"}"#, stream: EventStream())
        defer { s.close() }
        let text = s.stream.collect(timeout: 10).map(\.text).joined(separator: "\n")
        #expect(text.contains("VISIBLE=yes") && text.contains("HOME=/tmp/private-home"))
        #expect(text.contains("PATH="), "PATH is on the allowlist")
        for canary in ["canary-internal-7f3a", "canary-mongo-pass", "canary-generic-91b2", "INTERNAL_API_TOKEN", "MONGODB_URI"] {
            #expect(!text.contains(canary), "\(canary) leaked into the runtime environment")
        }
    }

    @Test func cancelKillsTheWholeProcessGroup() throws {
        let marker = NSTemporaryDirectory() + "second-grandchild-\(getpid())"
        let d = try driver("sleeper", #"{"command":["/bin/sh","-c","(sleep 30; touch \#(marker)) & sleep 30"],"prompt_via":"none","timeout_ms":60000,"cancel_grace_ms":300}"#)
        defer { d.shutdown() }
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s3"}"#, stream: EventStream())
        defer { s.close() }
        #expect(s.stream.next(timeout: 5)?.kind == .status)
        let start = Date()
        s.cancel()
        s.cancel()   // idempotent
        let items = s.stream.collect(timeout: 10)
        #expect(items.last?.kind == .exit)
        #expect(items.last?.text.contains(#""error":"cancelled""#) == true)
        #expect(Date().timeIntervalSince(start) < 8)
        let r = try Shell.run(["pgrep", "-f", "touch \(marker)"])
        #expect(r.status != 0, "a grandchild survived: \(r.output)")
    }

    @Test func wallClockLimitKillsTheRun() throws {
        let d = try driver("slow", #"{"command":["/bin/sleep","30"],"prompt_via":"none","timeout_ms":300,"cancel_grace_ms":200}"#)
        defer { d.shutdown() }
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s4"}"#, stream: EventStream())
        defer { s.close() }
        let exit = s.stream.collect(timeout: 10).last
        #expect(exit?.kind == .exit)
        #expect(exit?.text.contains(#""signal":15"#) == true)
    }

    @Test func promptOnStdinAndMissingExecutable() throws {
        let d = try driver("cat", #"{"command":["cat"],"prompt_via":"stdin","timeout_ms":10000,"cancel_grace_ms":200}"#)
        defer { d.shutdown() }
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s5","prompt":"hello agent"}"#, stream: EventStream())
        defer { s.close() }
        #expect(s.stream.collect(timeout: 10).contains { $0.text.contains(#""text":"hello agent""#) })

        let missing = try driver("missing", #"{"command":["/nonexistent/agent"],"prompt_via":"none","timeout_ms":1000,"cancel_grace_ms":100}"#)
        defer { missing.shutdown() }
        do {
            _ = try missing.startSession(specJSON: #"{"v":1,"session_id":"s6"}"#, stream: EventStream())
            Issue.record("missing executable started")
        } catch {
            #expect(error.status == .unavailable)
            #expect(error.message.contains("executable \"/nonexistent/agent\" not found"))
        }
        let availability = missing.detect()
        #expect(availability.status == .ok)
    }

    @Test func slowConsumerBackPressuresWithoutLoss() throws {
        let d = try driver("burst", #"{"command":["/bin/sh","-c","i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done"],"prompt_via":"none","timeout_ms":30000,"cancel_grace_ms":200}"#)
        defer { d.shutdown() }
        let stream = EventStream(capacity: 16)
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s7"}"#, stream: stream)
        defer { s.close() }
        var texts: [String] = []
        while let item = stream.next(timeout: 10) {
            if item.kind == .event { texts.append(item.text) }
            if item.kind == .exit { break }
            if texts.count % 500 == 0 { usleep(20_000) }   // a slow reader
        }
        #expect(texts.count == 3000)
        #expect(texts.first?.contains("line0") == true && texts.last?.contains("line2999") == true)
        #expect(stream.pendingCount == 0)
    }

    @Test func spawnIsDeniedToComponentsThatDidNotAskAndDuringValidation() throws {
        // The auth fixture does not declare NEEDS_SPAWN; its context must not spawn.
        let p = try PluginLoader.load(path: try Fixture.build("nospawn", [#"FIXTURE_NAME="nospawn""#, #"FIXTURE_TYPE="nospawn""#]))
        let i = ComponentInstance(component: try #require(p.components.first), name: "ns", configJSON: "{}")
        var err = [CChar](repeating: 0, count: 256)
        var proc: OpaquePointer?
        var cb = second_process_callbacks(struct_size: UInt32(MemoryLayout<second_process_callbacks>.size), on_output: nil, on_exit: nil, ctx: nil)
        let status = #"{"v":1,"argv":["/bin/true"]}"#.withCString { s in
            err.withUnsafeMutableBufferPointer { HostTable.pointer.pointee.spawn!(i.context.pointer, second_str(ptr: s, len: strlen(s)), &cb, &proc, $0.baseAddress, 256) }
        }
        #expect(Status(c: status) == .denied)
        #expect(String(cString: err).contains("did not declare SECOND_COMPONENT_NEEDS_SPAWN"))
    }
}

import SecondPluginAPI

extension RuntimeDriverTests {
    @Test func stoppingTheInstanceCancelsItsRunningSessions() throws {
        let d = try driver("stopper", #"{"command":["/bin/sleep","30"],"prompt_via":"none","timeout_ms":60000,"cancel_grace_ms":200}"#)
        let s = try d.startSession(specJSON: #"{"v":1,"session_id":"s8"}"#, stream: EventStream())
        #expect(s.stream.next(timeout: 5)?.kind == .status)
        d.shutdown(deadlineMs: 2000)
        let exit = s.stream.collect(timeout: 10).last
        #expect(exit?.kind == .exit)
        #expect(exit?.text.contains(#""error":"cancelled""#) == true, "\(exit?.text ?? "no exit")")
        s.close()
    }
}
