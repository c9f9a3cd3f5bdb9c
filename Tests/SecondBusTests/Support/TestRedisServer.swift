import Foundation
import Testing
@testable import SecondBus

/// A redis-server on 127.0.0.1 with no persistence, stopped by pid only (never by name).
///
/// It runs under a small `sh` watchdog that kills it once this test process is gone (even after a crash), so a
/// failed run leaves no servers behind. Children spawned from Swift threads inherit a signal mask that blocks
/// SIGTERM, so the server is stopped with SHUTDOWN NOSAVE, and killed with SIGKILL (which cannot be blocked).
final class TestRedisServer: @unchecked Sendable {
    let port: Int
    let password: String?
    private let lock = NSLock()
    private var shell: Process?      // guarded by lock
    private var serverPID: Int32 = 0 // guarded by lock

    init(port: Int = TestRedisServer.freePort(), password: String? = nil) {
        self.port = port; self.password = password
    }

    var url: String { password.map { "redis://:\($0)@127.0.0.1:\(port)" } ?? "redis://127.0.0.1:\(port)" }
    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: port, password: password) }

    static func launch(password: String? = nil) async throws -> TestRedisServer {
        let s = TestRedisServer(password: password)
        try await s.start()
        return s
    }

    /// Starts redis-server (again, after `kill`/`stop`, on the same port) and waits until it answers PING (5 s).
    func start() async throws {
        let args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", NSTemporaryDirectory(), "--loglevel", "warning"] + (password.map { ["--requirepass", $0] } ?? [])
        let watchdog = """
        "$0" "$@" >/dev/null 2>&1 & r=$!; echo $r
        while kill -0 \(getpid()) 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 0.3; done
        kill -9 $r 2>/dev/null; wait
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", watchdog, try Self.redisServerPath()] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            line += d
        }
        guard let pid = Int32(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("could not start redis-server")
        }
        lock.withLock { shell = p; serverPID = pid }
        // Generous: the whole suite runs in parallel on 2 cores (key generation, servers, builds).
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let c = try? RedisConnection.open(endpoint, connectTimeoutMs: 200, commandTimeoutMs: 500),
               (try? c.call(["PING"]))?.string == "PONG" { return }
            if !p.isRunning { throw TestFailure("redis-server exited at start (port \(port) taken?)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("redis-server on port \(port) did not answer PING within 20 s")
    }

    /// SIGKILL: the server dies at once, without any chance to save (and it has no persistence anyway).
    func kill() {
        let (p, pid) = lock.withLock { () -> (Process?, Int32) in
            defer { shell = nil; serverPID = 0 }
            return (shell, serverPID)
        }
        guard let p, pid > 0 else { return }
        _ = Foundation.kill(pid, SIGKILL)
        p.waitUntilExit()   // the watchdog exits after reaping the server
    }

    /// SHUTDOWN NOSAVE, then SIGKILL if it is still there.
    func stop() {
        if let c = try? RedisConnection.open(endpoint, connectTimeoutMs: 200, commandTimeoutMs: 1000) {
            _ = try? c.command(["SHUTDOWN", "NOSAVE"])
        }
        kill()
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func redisServerPath() throws -> String {
        for p in ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"]
            where FileManager.default.isExecutableFile(atPath: p) { return p }
        throw TestFailure("redis-server is not installed: run scripts/services/redis-test-server (apt-get install redis-server)")
    }
}

/// The server shared by the conformance suites: SECOND_TEST_REDIS_URL if set, else our own, started on first use
/// and stopped when the last suite using `.sharedRedis` ends.
actor SharedRedis {
    static let shared = SharedRedis()
    private var server: Task<TestRedisServer, any Error>?   // a task, so concurrent first callers share one launch
    private var users = 0

    func url() async throws -> String {
        if let env = ProcessInfo.processInfo.environment["SECOND_TEST_REDIS_URL"], !env.isEmpty { return env }
        if server == nil { server = Task { try await TestRedisServer.launch() } }
        return try await server!.value.url
    }

    func enter() { users += 1 }
    func leave() async {
        users -= 1
        guard users == 0, let task = server else { return }
        server = nil
        (try? await task.value)?.stop()
    }
}

struct SharedRedisTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        await SharedRedis.shared.enter()
        do { try await function() } catch { await SharedRedis.shared.leave(); throw error }
        await SharedRedis.shared.leave()
    }
}

extension Trait where Self == SharedRedisTrait {
    /// Provides (and finally stops) the Redis server the suite's `.redis` cases use.
    static var sharedRedis: Self { Self() }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
