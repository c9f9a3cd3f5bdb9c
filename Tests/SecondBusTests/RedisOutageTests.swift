import Foundation
import Testing
@testable import SecondBus

/// Redis only, each test with its OWN redis-server (a shared one is never killed).
@Suite("redis outages and connection errors") struct RedisOutageTests {
    static let settings = testSettings { $0.commandTimeoutMs = 2000 }

    /// SIGKILL Redis while a replay reader and a subscriber are active, restart it on the same port.
    /// What a reader sees: chunks 1–50 before the kill; nothing during the outage (appends fail with .unavailable
    /// and are not stored); after the restart the server has lost every key, yet the producer's next appends get
    /// seqs 51… (the bus restores the counter from the last seq it appended), the reader resubscribes by itself,
    /// re-reads history from its last seq and continues with 51–100 and the terminal: no gap, no duplicate, no error.
    /// A new reader from 0 now starts at 51 (the replay is no longer complete: firstSeq == 51).
    /// The subscriber stays open and yields a `changed`/`all` resync hint once it is back, then live events again.
    @Test func killMidStreamAndRestartOnTheSamePort() async throws {
        let password = "kill-test-" + UUID().uuidString
        let server = try await TestRedisServer.launch(password: password)
        defer { server.stop() }
        let bus = try BusFactory.make(redisURL: server.url + "/2", settings: Self.settings)
        try await bus.start()
        let ws = uid("ws"), run = uid("run")
        let sub = Collector(try await bus.subscribe(workspaceId: ws))
        try await bus.replayReset(runId: run)
        let reader = Collector(try await bus.replayRead(runId: run, after: 0))
        for i in 1...50 { _ = try await bus.replayAppend(runId: run, chunk: "chunk-\(i)") }
        let before = WorkspaceEvent(type: "run.starting", workspaceId: ws, scope: "agent-runs", runId: run)
        try await bus.publish(before)
        try await reader.waitFor(count: 50)
        try await sub.waitFor(count: 1)

        server.kill()

        // During the outage: clear, fast .unavailable naming host:port, never the password; streams stay open.
        let hostPort = "127.0.0.1:\(server.port)"
        let ops: [(String, () async throws -> Void)] = [
            ("ping", { try await bus.ping() }),
            ("append", { _ = try await bus.replayAppend(runId: run, chunk: "lost") }),
            ("publish", { try await bus.publish(before) }),
            ("putState", { try await bus.putState(key: uid("s"), value: "v", ttlMs: 1000) }),
            ("takeState", { _ = try await bus.takeState(key: uid("s")) }),
            ("acquireLock", { _ = try await bus.acquireLock(key: uid("l"), ttlMs: 1000) }),
            ("snapshot", { _ = try await bus.replaySnapshot(runId: run, after: 0, limit: 10) }),
            ("subscribe", { _ = try await bus.subscribe(workspaceId: uid("ws")) }),
            ("replayRead", { _ = try await bus.replayRead(runId: uid("run"), after: 0) }),
        ]
        for round in 0..<3 {
            for (name, op) in ops {
                let t0 = Date()
                let message = await expectUnavailable { try await op() }
                #expect(Date().timeIntervalSince(t0) < 8, "\(name) took too long (a hang, not a fast failure)")
                #expect(message.contains(hostPort), "\(name): \(message)")
                #expect(!message.contains(password))
            }
            if round < 2 { try await Task.sleep(for: .milliseconds(300)) }
        }
        #expect(!reader.isFinished && !sub.isFinished)
        #expect(reader.count == 50)

        try await server.start()   // same port, empty dataset

        try await eventually("the bus to reconnect by itself") { (try? await bus.ping()) != nil }
        try await eventually("the subscriber's resync hint") { sub.items.count >= 2 }
        let resync = sub.items[1]
        #expect(resync.type == WorkspaceEvent.resyncType && resync.scope == WorkspaceEvent.resyncScope && resync.workspaceId == ws)
        let after = WorkspaceEvent(type: "run.completed", workspaceId: ws, scope: "agent-runs", runId: run, runStatus: "completed")
        try await bus.publish(after)
        try await sub.waitFor(count: 3)
        #expect(sub.items == [before, resync, after])

        var seqs: [UInt64] = []
        for i in 51...100 { seqs.append(try await bus.replayAppend(runId: run, chunk: "chunk-\(i)")) }
        #expect(seqs == Array(51...100))
        let snapshot = try await bus.replaySnapshot(runId: run, after: 0, limit: 1000)
        #expect(snapshot.firstSeq == 51 && !snapshot.isComplete)
        try await bus.replayFinish(runId: run, status: "completed")
        try await reader.waitForEnd()
        #expect(reader.items == chunks(1...100) + [.terminal(status: "completed")])
        #expect(reader.error == nil)

        // The keys went to database 2 of the restarted server.
        var ep = server.endpoint
        ep.database = 2
        let raw = try await RawRedis.connect(ep)
        #expect(try await raw.call(["LLEN", "run:\(run):replay:chunks"]).integer == 50)
        sub.cancel()
        await bus.stop()
    }

    /// SIGKILL while a producer appends continuously (retrying each chunk on .unavailable, as a streaming run would).
    /// A retried chunk whose first attempt Redis executed but never acknowledged gets the same seq again (the
    /// restored counter), so the reader's seq de-duplication keeps it single. The one unavoidable loss: a chunk Redis
    /// acknowledged but whose live message was still unsent when it died is gone with the dataset; the reader then
    /// skips that seq (at most one here, since the producer has one append in flight).
    @Test func killWhileAppendingContinuously() async throws {
        let server = try await TestRedisServer.launch()
        defer { server.stop() }
        let bus = try BusFactory.make(redisURL: server.url, settings: Self.settings)
        try await bus.start()
        let run = uid("run")
        let reader = Collector(try await bus.replayRead(runId: run, after: 0))
        let total = 400
        let producer = Task { () -> [UInt64: String] in
            var written: [UInt64: String] = [:]
            for i in 1...total {
                while true {
                    let t0 = Date()
                    do {
                        written[try await bus.replayAppend(runId: run, chunk: "chunk-\(i)")] = "chunk-\(i)"
                        break
                    } catch BusError.unavailable {
                        #expect(Date().timeIntervalSince(t0) < 8)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                if i % 20 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            try await bus.replayFinish(runId: run, status: "completed")
            return written
        }
        try await reader.waitFor(count: 100)
        server.kill()
        try await Task.sleep(for: .milliseconds(500))
        try await server.start()
        let written = try await producer.value
        try await reader.waitForEnd(within: 15)

        let items = reader.items
        #expect(items.last == .terminal(status: "completed"))
        let seen = items.compactMap { item -> (UInt64, String)? in
            if case .chunk(let seq, let data) = item { return (seq, data) } else { return nil }
        }
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.0 < $1.0 }, "seqs must strictly increase")
        for (seq, data) in seen { #expect(written[seq] == data, "seq \(seq)") }
        #expect(Set(seen.map(\.1)).count == seen.count, "a chunk was delivered twice")
        let missing = Set(written.keys).subtracting(seen.map(\.0))
        #expect(missing.count <= 1, "missing \(missing.sorted())")
        #expect(written.count == total)
        await bus.stop()
    }

    /// A reader attached while Redis is away keeps retrying with backoff and catches up after the restart.
    @Test func aReaderWhoseConnectionDropsBeforeAnyChunkCatchesUp() async throws {
        let server = try await TestRedisServer.launch()
        defer { server.stop() }
        let bus = try BusFactory.make(redisURL: server.url, settings: Self.settings)
        try await bus.start()
        let run = uid("run")
        let reader = Collector(try await bus.replayRead(runId: run, after: 0))
        server.kill()
        try await Task.sleep(for: .milliseconds(700))   // several backoff rounds
        try await server.start()
        try await eventually("the bus to reconnect") { (try? await bus.ping()) != nil }
        for i in 1...20 { _ = try await bus.replayAppend(runId: run, chunk: "chunk-\(i)") }
        try await bus.replayFinish(runId: run, status: "failed")
        try await reader.waitForEnd()
        #expect(reader.items == chunks(1...20) + [.terminal(status: "failed")])
        await bus.stop()
    }

    @Test func startFailsFastWhenNothingListensAndNamesHostPortButNotThePassword() async throws {
        let port = TestRedisServer.freePort()
        let bus = try BusFactory.make(redisURL: "redis://:hunter2-secret@127.0.0.1:\(port)/0", settings: Self.settings)
        let t0 = Date()
        do {
            try await bus.start()
            Issue.record("start succeeded without a server")
        } catch let e as BusError {
            guard case .unavailable(let m) = e else { Issue.record("expected .unavailable, got \(e)"); return }
            #expect(m.contains("127.0.0.1:\(port)"))
            #expect(!m.contains("hunter2") && !"\(e)".contains("hunter2"))
        }
        #expect(Date().timeIntervalSince(t0) < 8)
        await expectUnavailable { try await bus.ping() }   // not started

        // Once Redis is there, start may simply be retried.
        let server = TestRedisServer(port: port, password: "hunter2-secret")
        try await server.start()
        defer { server.stop() }
        try await eventually("a retried start to succeed") { (try? await bus.start()) != nil }
        try await bus.ping()
        await bus.stop()
    }

    @Test func anUnroutableHostTimesOutWithinTheConnectTimeout() async throws {
        let bus = try BusFactory.make(redisURL: "redis://:pw-secret@10.255.255.1:6379",
                                      settings: testSettings { $0.connectTimeoutMs = 300 })
        let t0 = Date()
        let m = await expectUnavailable { try await bus.start() }
        #expect(m.contains("10.255.255.1:6379") && !m.contains("pw-secret"))
        #expect(Date().timeIntervalSince(t0) < 8)
    }

    @Test func authAndSelectComeFromTheURL() async throws {
        let password = "p@ss:word/" + UUID().uuidString
        let server = try await TestRedisServer.launch(password: password)
        defer { server.stop() }
        let encoded = try #require(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let base = "127.0.0.1:\(server.port)"

        let wrong = try BusFactory.make(redisURL: "redis://:wrong-pass@\(base)", settings: Self.settings)
        let m1 = await expectUnavailable { try await wrong.start() }
        #expect(m1.contains(base) && m1.contains("AUTH") && !m1.contains("wrong-pass"))

        let none = try BusFactory.make(redisURL: "redis://\(base)", settings: Self.settings)
        let m2 = await expectUnavailable { try await none.start() }
        #expect(m2.contains(base) && m2.contains("NOAUTH"))

        for url in ["redis://:\(encoded)@\(base)/3", "redis://default:\(encoded)@localhost:\(server.port)/3"] {
            let bus = try BusFactory.make(redisURL: url, settings: Self.settings)
            try await bus.start()
            let key = uid("k")
            try await bus.putState(key: key, value: "in-db-3", ttlMs: 60_000)
            let db0 = try await RawRedis.connect(server.endpoint)
            #expect(try await db0.call(["GET", key]) == .null)
            #expect(try await db0.call(["SELECT", "3"]) == .status("OK"))
            #expect(try await db0.call(["GET", key]).string == "in-db-3")
            await bus.stop()
        }
    }
}
