import Foundation
import Testing
@testable import SecondBus

/// Redis only, with its own server: the hiredis wrapper itself.
@Suite("hiredis connection") struct RedisConnectionTests {
    /// hiredis 0.14 writes with plain write(): a multi-write command to a dead peer gets EPIPE, which raises SIGPIPE
    /// and would kill the whole server unless SIGPIPE is ignored. It must fail with .unavailable instead.
    @Test func writingABigCommandToAKilledServerFailsWithoutSIGPIPE() async throws {
        let server = try await TestRedisServer.launch()
        defer { server.stop() }
        let endpoint = server.endpoint
        // Each attempt hits SIGPIPE only sometimes (EPIPE vs ECONNRESET is a race), so write to several dead connections.
        let messages: [String] = try await withCheckedThrowingContinuation { c in
            Thread {
                do {
                    let conns = try (0..<6).map { _ in
                        try RedisConnection.open(endpoint, connectTimeoutMs: 1000, commandTimeoutMs: 2000)
                    }
                    server.kill()
                    Thread.sleep(forTimeInterval: 0.1)
                    let big = String(repeating: "x", count: 16 << 20)   // many write() calls
                    c.resume(returning: conns.map { conn in
                        do { _ = try conn.command(["SET", "k", big]); return "no error" } catch { return "\(error)" }
                    })
                } catch { c.resume(throwing: error) }
            }.start()
        }
        for m in messages { #expect(m.contains("unavailable") && m.contains("127.0.0.1:\(server.port)"), "\(m)") }
    }

    @Test func binarySafeArgumentsAndRepliesRoundTrip() async throws {
        let server = try await TestRedisServer.launch()
        defer { server.stop() }
        let raw = try await RawRedis.connect(server.endpoint)
        let value = "a\0b\r\n\u{1}ü🚀" + String(repeating: "z", count: 70_000)
        #expect(try await raw.call(["SET", "k\0ey", value]) == .status("OK"))
        #expect(try await raw.call(["GET", "k\0ey"]) == .string(value))
        #expect(try await raw.call(["GET", "key"]) == .null)
        #expect(try await raw.call(["RPUSH", "l", "1", "", "3"]) == .integer(3))
        #expect(try await raw.call(["LRANGE", "l", "0", "-1"]) == .array([.string("1"), .string(""), .string("3")]))
        await #expect(throws: BusError.self) { try await raw.call(["NOSUCHCOMMAND"]) }
        #expect(try await raw.call(["PING"]) == .status("PONG"))   // an error reply leaves the connection usable
    }
}
