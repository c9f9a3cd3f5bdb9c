import Foundation
import Testing
@testable import SecondBus

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String: Any])
}

extension Conformance {
    /// Redis only: the keys, channels and JSON shapes of server-spec §10, read back with a raw connection.
    @Suite("redis wire layout") struct RedisWireLayout {
        @Test func replayKeysEntriesAndTTLs() async throws {
            try await withBus(.redis) { bus in
                let run = uid("run")
                let raw = try await RawRedis.connectShared()
                _ = try await raw.call(["SUBSCRIBE", "run:\(run):replay:live"])
                _ = try await bus.replayAppend(runId: run, chunk: "a\"b")
                _ = try await bus.replayAppend(runId: run, chunk: "c")
                try await bus.replayFinish(runId: run, status: "completed")

                let live = try await (0..<3).asyncMap { _ in try jsonObject(try await raw.nextMessage()) }
                #expect(Set(live[0].keys) == ["type", "seq", "chunk"])
                #expect(live[0]["type"] as? String == "chunk" && live[0]["seq"] as? Int == 1 && live[0]["chunk"] as? String == "a\"b")
                #expect(live[1]["seq"] as? Int == 2)
                #expect(Set(live[2].keys) == ["type", "status", "seq"])
                #expect(live[2]["type"] as? String == "terminal" && live[2]["status"] as? String == "completed" && live[2]["seq"] as? Int == 2)

                let data = try await RawRedis.connectShared()
                let entries = try #require(try await data.call(["LRANGE", "run:\(run):replay:chunks", "0", "-1"]).array)
                let decoded = try entries.map { try jsonObject(try #require($0.string)) }
                #expect(decoded.map { Set($0.keys) } == [["seq", "chunk", "at"], ["seq", "chunk", "at"]])
                #expect(decoded.map { $0["seq"] as? Int } == [1, 2])
                #expect(decoded.map { $0["chunk"] as? String } == ["a\"b", "c"])
                #expect((decoded[0]["at"] as? String).flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) } != nil)
                #expect(try await data.call(["GET", "run:\(run):replay:seq"]).string == "2")
                let terminal = try jsonObject(try #require(try await data.call(["GET", "run:\(run):replay:terminal"]).string))
                #expect(Set(terminal.keys) == ["status", "seq", "at"])
                #expect(terminal["status"] as? String == "completed")
                for key in ["chunks", "seq", "terminal"] {
                    let ttl = try #require(try await data.call(["TTL", "run:\(run):replay:\(key)"]).integer)
                    #expect((3590...3600).contains(ttl), "TTL of \(key) is \(ttl)")
                }
                try await bus.replayReset(runId: run)
                #expect(try await data.call(["EXISTS", "run:\(run):replay:chunks", "run:\(run):replay:seq", "run:\(run):replay:terminal"]).integer == 0)
            }
        }

        @Test func workspaceEventsAreCompactJSONWithOnlyTheirFields() async throws {
            try await withBus(.redis) { bus in
                let ws = uid("ws")
                let raw = try await RawRedis.connectShared()
                _ = try await raw.call(["SUBSCRIBE", "workspace:\(ws):events"])
                try await bus.publish(WorkspaceEvent(type: "app.updated", workspaceId: ws, scope: "apps", appId: "app-1"))
                let text = try await raw.nextMessage()
                #expect(!text.contains(" ") && !text.contains("null"))
                let o = try jsonObject(text)
                #expect(Set(o.keys) == ["version", "type", "workspaceId", "scope", "appId", "at"])
                #expect(o["version"] as? Int == 1 && o["workspaceId"] as? String == ws)
            }
        }

        @Test func stateAndLockKeysAreUsedVerbatimWithMillisecondTTLs() async throws {
            try await withBus(.redis) { bus in
                let raw = try await RawRedis.connectShared()
                let state = "oauth:state:" + uid("s"), lock = "oauth:refresh:" + uid("l")
                try await bus.putState(key: state, value: "{\"a\":1}", ttlMs: 600_000)
                #expect(try await raw.call(["GET", state]).string == "{\"a\":1}")
                #expect((590_000...600_000).contains(try #require(try await raw.call(["PTTL", state]).integer)))
                let token = try #require(try await bus.acquireLock(key: lock, ttlMs: 10_000))
                #expect(try await raw.call(["GET", lock]).string == token)
                #expect((9_000...10_000).contains(try #require(try await raw.call(["PTTL", lock]).integer)))
                _ = try await bus.takeState(key: state)
                #expect(try await raw.call(["EXISTS", state]).integer == 0)
            }
        }

        /// Another publisher's junk on a workspace channel is ignored, not fatal.
        @Test func malformedMessagesAreIgnored() async throws {
            try await withBus(.redis) { bus in
                let ws = uid("ws"), run = uid("run")
                let sub = Collector(try await bus.subscribe(workspaceId: ws))
                let reader = Collector(try await bus.replayRead(runId: run, after: 0))
                let raw = try await RawRedis.connectShared()
                _ = try await raw.call(["PUBLISH", "workspace:\(ws):events", "not json"])
                _ = try await raw.call(["PUBLISH", "workspace:\(ws):events", #"{"type":"x","workspaceId":"other","scope":"apps","at":"t"}"#])
                _ = try await raw.call(["PUBLISH", "run:\(run):replay:live", #"{"type":"mystery"}"#])
                let e = WorkspaceEvent(type: "app.updated", workspaceId: ws, scope: "apps")
                try await bus.publish(e)
                _ = try await bus.replayAppend(runId: run, chunk: "chunk-1")
                try await bus.replayFinish(runId: run, status: "completed")
                try await sub.waitFor(count: 1)
                try await reader.waitForEnd()
                #expect(sub.items == [e])
                #expect(reader.items == chunks(1...1) + [.terminal(status: "completed")])
                sub.cancel()
            }
        }
    }
}
