import Foundation
import Synchronization
import Testing
@testable import SecondBus

/// A redis-server child process on 127.0.0.1 with no persistence. Stopped by pid only (never by name).
final class TestRedisServer: @unchecked Sendable {
    let port: Int
    let password: String?
    private let lock = NSLock()
    private var process: Process?

    /// Every pid we started, so an exiting test process can still stop them (see `TestRedisServer.reapAtExit`).
    static let pids = Mutex<Set<Int32>>([])

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

    /// Starts redis-server and waits until it answers PING (5 s).
    func start() async throws {
        reapAtExitOnce
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.redisServerPath())
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                       "--dir", NSTemporaryDirectory(), "--loglevel", "warning"] + (password.map { ["--requirepass", $0] } ?? [])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        lock.withLock { process = p }
        Self.pids.withLock { _ = $0.insert(p.processIdentifier) }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let c = try? RedisConnection.open(endpoint, connectTimeoutMs: 200, commandTimeoutMs: 500),
               (try? c.call(["PING"]))?.string == "PONG" { return }
            if !p.isRunning { throw TestFailure("redis-server exited at start (port \(port) taken?)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("redis-server on port \(port) did not answer PING within 5 s")
    }

    /// SIGKILL: the server dies without any chance to save (and it has no persistence anyway).
    func kill() { signal(SIGKILL) }

    /// SIGTERM and wait.
    func stop() { signal(SIGTERM) }

    private func signal(_ sig: Int32) {
        guard let p = lock.withLock({ () -> Process? in defer { process = nil }; return process }) else { return }
        if p.isRunning { _ = Foundation.kill(p.processIdentifier, sig) }
        p.waitUntilExit()
        Self.pids.withLock { _ = $0.remove(p.processIdentifier) }
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

    /// Safety net for a test process that exits without the suite scope ending (e.g. a failed expectation in setup).
    private let reapAtExitOnce: Void = { _ = TestRedisServer.registerReaper }()
    private static let registerReaper: Void = {
        atexit {
            for pid in TestRedisServer.pids.withLock({ $0 }) { _ = Foundation.kill(pid, SIGTERM) }
        }
    }()
}

/// The server shared by the conformance suites: SECOND_TEST_REDIS_URL if set, else our own, started on first use
/// and stopped when the last suite using `.sharedRedis` ends.
actor SharedRedis {
    static let shared = SharedRedis()
    private var server: TestRedisServer?
    private var users = 0

    func url() async throws -> String {
        if let env = ProcessInfo.processInfo.environment["SECOND_TEST_REDIS_URL"], !env.isEmpty { return env }
        if let server { return server.url }
        let s = try await TestRedisServer.launch()
        server = s
        return s.url
    }

    func enter() { users += 1 }
    func leave() {
        users -= 1
        if users == 0 { server?.stop(); server = nil }
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
