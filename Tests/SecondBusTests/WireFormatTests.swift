import Foundation
import Testing
@testable import SecondBus

@Suite("wire formats") struct WireFormatTests {
    @Test func eventJSONHasOnlyTheDeclaredFieldsAndNoNulls() throws {
        let minimal = WorkspaceEvent(type: "member.changed", workspaceId: "ws-1", scope: "memberships", at: "2025-01-01T00:00:00.000Z")
        let text = minimal.wireJSON()
        #expect(text == #"{"at":"2025-01-01T00:00:00.000Z","scope":"memberships","type":"member.changed","version":1,"workspaceId":"ws-1"}"#)
        let full = WorkspaceEvent(type: "run.failed", workspaceId: "w", scope: "agent-runs", appId: "a", runId: "r", runStatus: "failed",
                                  integrationId: "i", credentialId: "c", keySlug: "k", skillId: "s", agentId: "g", sourceVersion: 3,
                                  runReason: "app_tool_failure", at: "t")
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(full.wireJSON().utf8)) as? [String: Any]).keys
        #expect(Set(keys) == ["version", "type", "workspaceId", "scope", "appId", "runId", "runStatus", "integrationId", "credentialId",
                              "keySlug", "skillId", "agentId", "sourceVersion", "runReason", "at"])
        #expect(WorkspaceEvent.fromWire(full.wireJSON()) == full)
    }

    @Test func decodingToleratesAMissingVersionAndUnknownFields() {
        let e = WorkspaceEvent.fromWire(#"{"type":"app.updated","workspaceId":"w","scope":"apps","at":"t","future":{"x":1}}"#)
        #expect(e == WorkspaceEvent(type: "app.updated", workspaceId: "w", scope: "apps", at: "t"))
        #expect(e?.version == 1)
        #expect(WorkspaceEvent.fromWire("nope") == nil)
        #expect(WorkspaceEvent.fromWire(#"{"type":"x"}"#) == nil)
    }

    @Test func resyncIsAChangedEventForTheWholeWorkspace() {
        let r = WorkspaceEvent.resync(workspaceId: "w", at: "t")
        #expect(r == WorkspaceEvent(type: "changed", workspaceId: "w", scope: "all", at: "t"))
    }

    @Test func quotedStringsRoundTripThroughAJSONParser() throws {
        for s in ["", "plain", "\"", "\\", "/", "a\0b", "\u{1}\u{1f}\u{7f}", "line\nbreak\r\t", "ü🚀\u{2028}", "{\"seq\":1}"] {
            let q = ReplayWire.quote(s)
            #expect(try JSONDecoder().decode(String.self, from: Data(q.utf8)) == s, "\(q)")
        }
    }

    @Test func replayShapesDecode() {
        let entry = ReplayWire.entry(seq: 7, chunk: "c\"", at: "t")
        #expect(entry == #"{"seq":7,"chunk":"c\"","at":"t"}"#)
        #expect(ReplayWire.decodeEntry(entry) == ReplayChunk(seq: 7, data: "c\""))
        #expect(ReplayWire.decodeTerminal(ReplayWire.terminal(status: "failed", seq: 9, at: "t"))! == ("failed", 9))
        #expect(ReplayWire.decodeLive(#"{"type":"chunk","seq":3,"chunk":"x"}"#) == .chunk(seq: 3, data: "x"))
        #expect(ReplayWire.decodeLive(#"{"type":"terminal","status":"completed","seq":3}"#) == .terminal(status: "completed", lastSeq: 3))
        #expect(ReplayWire.decodeLive(#"{"type":"terminal","status":"completed"}"#) == .terminal(status: "completed", lastSeq: nil))
        #expect(ReplayWire.decodeLive(#"{"type":"chunk","seq":3}"#) == nil)
        #expect(ReplayWire.decodeLive(#"{"type":"other"}"#) == nil)
        #expect(ReplayWire.decodeLive("garbage") == nil)
    }
}

@Suite("CoordinationBusService") struct CoordinationBusServiceTests {
    @Test func runsTheBusLifecycle() async throws {
        let service = CoordinationBusService(bus: InProcessBus())
        #expect(service.name == "coordination-bus (in-process)")
        try await service.start()
        try await service.bus.ping()
        // Nothing is open, so stop must not sit out its (long) deadline.
        let t0 = ContinuousClock.now
        await service.stop(deadlineMs: 60_000)
        #expect(ContinuousClock.now - t0 < .seconds(30))
        await #expect(throws: BusError.unavailable("in-process bus is stopped")) { try await service.bus.ping() }
    }
}
