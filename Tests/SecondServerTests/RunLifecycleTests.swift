import Foundation
import Testing
import SecondCore
import SecondStore
import SecondBus
@testable import SecondServer

/// The run state machine as a plain value, the watchdog against a real store and bus, and the SSE
/// parser the relay reads the worker with.
@Suite struct RunLifecycleTests {
    @Test func stateMachineAllowsOnlyTheSpecTransitions() {
        var m = RunStateMachine()
        #expect(m.next(.finish(succeeded: true)) == .failure(.init(from: .pending, event: .finish(succeeded: true))), "pending cannot finish")
        #expect(throws: Never.self) { try m.apply(.claim) }
        #expect(m.status == .streaming)
        #expect(m.next(.claim) == .failure(.init(from: .streaming, event: .claim)), "a second claim loses")
        #expect(m.next(.finish(succeeded: false)) == .success(.failed))
        #expect(throws: Never.self) { try m.apply(.finish(succeeded: true)) }
        for e: RunEvent in [.claim, .finish(succeeded: true), .staleRecovered, .startFailed] {
            #expect(m.next(e) == .failure(.init(from: .completed, event: e)), "terminal is final")
        }
        #expect(RunStateMachine(.pending).next(.staleRecovered) == .success(.failed))
        #expect(RunStateMachine.isStale(status: .streaming, lastBeatMs: 0, nowMs: 120_001, staleAfterMs: 120_000))
        #expect(!RunStateMachine.isStale(status: .streaming, lastBeatMs: 1, nowMs: 120_001, staleAfterMs: 120_000))
        #expect(!RunStateMachine.isStale(status: .failed, lastBeatMs: 0, nowMs: 10_000_000, staleAfterMs: 1))
    }

    @Test func watchdogFailsStaleRunsOnceAndLeavesOthers() async throws {
        let store = SQLiteStore(dataDir: NSTemporaryDirectory() + "watchdog-\(UUID().uuidString)")
        try await store.start()
        let bus = InProcessBus()
        try await bus.start()
        defer { Task { await store.stop(); await bus.stop() } }
        let now: Int64 = 10_000_000
        func run(_ id: String, _ status: String, beat: Int64) async throws {
            try await store.insert(.appAgentRuns, workspaceId: "acme", ["_id": .string(id), "appId": "a1", "agentId": "helper", "status": .string(status),
                                                                         "createdAtMs": .int(beat), "streamLease": ["id": .string("lease-\(id)"), "heartbeatAtMs": .int(beat)]])
        }
        try await run("stale", "streaming", beat: now - 300_000)
        try await run("fresh", "streaming", beat: now - 1_000)
        try await run("done", "completed", beat: 0)
        try await run("unclaimed", "pending", beat: now - 300_000)
        _ = try await bus.replayAppend(runId: "stale", chunk: #"{"type":"assistant"}"#)
        let events = try await bus.subscribe(workspaceId: "acme")
        let watchdog = RunWatchdog(store: store, bus: bus, staleAfterSeconds: 120)
        #expect(Set(await watchdog.sweep(nowMs: now)) == ["stale", "unclaimed"])
        #expect(await watchdog.sweep(nowMs: now) == [], "a second pass finds nothing")
        let stale = try await store.get(.appAgentRuns, workspaceId: "acme", id: "stale")
        #expect(stale?["status"] == "failed" && stale?["failure"]?["code"] == "stale_stream_recovered")
        #expect(try await store.get(.appAgentRuns, workspaceId: "acme", id: "fresh")?["status"] == "streaming")
        #expect(try await store.get(.appAgentRuns, workspaceId: "acme", id: "done")?["status"] == "completed")
        // Viewers waiting on the replay buffer are released, and the workspace hears of it.
        #expect(try await bus.replaySnapshot(runId: "stale", after: 0, limit: 10).terminal == "failed")
        var it = events.makeAsyncIterator()
        let e = try await it.next()
        #expect(e?.type == "run.failed" && ["stale", "unclaimed"].contains(e?.runId ?? ""))
        // A relay that still holds the old lease can no longer finish the run.
        let late = try await store.update(.appAgentRuns, workspaceId: "acme", id: "stale", set: ["status": "completed"],
                                          onlyIf: ["status": "streaming", "streamLease.id": "lease-stale"])
        #expect(!late)
    }

    @Test func sseParserHandlesFramingAcrossChunks() {
        var p = SSEParser()
        #expect(p.feed(Array("id: 1\nda".utf8)).isEmpty)
        #expect(p.feed(Array("ta: {\"a\":1}\n\n: heartbeat\n\nevent: end\r\ndata: x\r\ndata: y\r\n\r\n".utf8))
                == [SSEMessage(id: "1", event: nil, data: #"{"a":1}"#), SSEMessage(id: nil, event: "end", data: "x\ny")])
        #expect(p.feed(Array("data:no-space\n\n".utf8)) == [SSEMessage(id: nil, event: nil, data: "no-space")])
    }

    @Test func sessionKeysAndSnapshotPathsStayInside() throws {
        #expect(RunDirectories.isValidKey("app1__agent__run1"))
        for bad in ["", "../x", "a/b", "a.b", "-x", String(repeating: "a", count: 201)] { #expect(!RunDirectories.isValidKey(bad), "\(bad)") }
        let root = NSTemporaryDirectory() + "files-\(UUID().uuidString)"
        try RunDirectories.ensure(root)
        #expect(throws: RunDirectories.DirectoryError.self) { try RunDirectories.writeFiles(["../escape.txt": "x"], under: root) }
        #expect(throws: RunDirectories.DirectoryError.self) { try RunDirectories.writeFiles(["/etc/x": "x"], under: root) }
        try RunDirectories.writeFiles(["src/a.txt": "hello", ".env": "K=V", "node_modules/x.js": "skip"], under: root)
        guard case .success(let files) = WorkspaceSnapshot.collect(root: root) else { Issue.record("snapshot failed"); return }
        #expect(files == ["src/a.txt": "hello", ".env": "K=V"])
    }
}
