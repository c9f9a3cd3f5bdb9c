import Foundation
import SecondCore
@testable import SecondStore
#if canImport(Glibc)
import Glibc
#endif

/// The MongoDB wire-protocol server the tests use, started once per test process:
/// SECOND_TEST_MONGODB_URI if set (CI: scripts/services/mongo-test-server); else a real `mongod` on PATH as a
/// single-node replica set; else nx-27017 from the repository's .venv (or PATH). The tests never install anything.
/// A server started here is stopped by a watchdog shell once the test process has exited.
actor TestMongoServer {
    static let shared = TestMongoServer()

    private var starting: Task<String, any Error>?

    func uri() async throws -> String {
        if let starting { return try await starting.value }
        let task = Task { try await self.launch() }
        starting = task
        return try await task.value
    }

    private func launch() async throws -> String {
        if let uri = ProcessInfo.processInfo.environment["SECOND_TEST_MONGODB_URI"], !uri.isEmpty { return uri }
        let port = try Self.freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("second-mongo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let mongod = Self.which("mongod") {
            try spawn(mongod, ["--replSet", "rs0", "--bind_ip", "127.0.0.1", "--port", "\(port)", "--dbpath", dir, "--quiet"], log: dir + "/mongod.log")
            let uri = "mongodb://127.0.0.1:\(port)/?directConnection=true&serverSelectionTimeoutMS=5000"
            try await Self.waitForPort(port)
            try await Self.initiateReplicaSet(uri: uri, port: port)
            return uri
        }
        guard let nx = Self.nxExecutable() else {
            throw StoreError.unavailable("no MongoDB for the tests: set SECOND_TEST_MONGODB_URI (scripts/services/mongo-test-server "
                + "prints one), put mongod on PATH, or install nx-27017 into .venv (the script does that)")
        }
        try spawn(nx, ["--db", "memory", "--host", "127.0.0.1", "-p", "\(port)", "--log-file", dir + "/nx.log",
                       "--pid-file", dir + "/nx.pid"], log: dir + "/nx.out")
        try await Self.waitForPort(port)
        return "mongodb://127.0.0.1:\(port)/?serverSelectionTimeoutMS=5000"
    }

    /// Starts `exe` in the background under a small shell watchdog that ends it once this test process is gone
    /// (TERM, then KILL: nx-27017 does not always exit on TERM).
    private func spawn(_ exe: String, _ args: [String], log: String) throws {
        let watchdog = """
            "$@" </dev/null >"$LOG" 2>&1 & child=$!
            while kill -0 "$OWNER" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
            kill "$child" 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$child" 2>/dev/null
            rm -rf "$SCRATCH"
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", watchdog, "sh", exe] + args
        var env = ProcessInfo.processInfo.environment
        env["LOG"] = log
        env["SCRATCH"] = (log as NSString).deletingLastPathComponent
        env["OWNER"] = String(ProcessInfo.processInfo.processIdentifier)
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
    }

    private static func initiateReplicaSet(uri: String, port: Int) async throws {
        let admin = MongoStore(uri: uri)
        try await admin.connect()   // not start(): an uninitiated member refuses the index writes
        do {
            _ = try? await admin.runCommand("replSetInitiate", .object([
                "_id": "rs0", "members": .array([.object(["_id": 0, "host": .string("127.0.0.1:\(port)")])]),
            ]))
            for _ in 0..<100 {
                if try await admin.runCommand("hello", 1)["isWritablePrimary"] == .bool(true) {
                    await admin.stop()
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        } catch {
            await admin.stop()
            throw error
        }
        await admin.stop()
        throw StoreError.unavailable("mongod on port \(port) did not become primary")
    }

    static func nxExecutable() -> String? {
        // Tests/SecondStoreTests/Support/<file> → repository root (symlinks resolved, for scratch packages).
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [root.appendingPathComponent(".venv/bin/nx-27017").path,
                          FileManager.default.currentDirectoryPath + "/.venv/bin/nx-27017"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? which("nx-27017")
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StoreError.failed("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw StoreError.failed("could not find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func waitForPort(_ port: Int, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if canConnect(port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw StoreError.unavailable("test MongoDB server did not listen on 127.0.0.1:\(port)")
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
