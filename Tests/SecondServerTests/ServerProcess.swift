import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

enum Paths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let second = URL(fileURLWithPath: root + "/.build/debug/second").resolvingSymlinksInPath().path
}

/// A `second` process (serve, web or worker) on ephemeral ports, with its log captured.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var logText = ""
    private(set) var webPort: Int?
    private(set) var workerPort: Int?

    init(_ command: String, env: [String: String], config: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Paths.second)
        process.arguments = [command] + (config.map { ["--config", $0] } ?? [])
        var e = ["PATH": "/usr/bin:/bin", "PORT": "0", "WORKER_PORT": "0", "SECOND_DATA_DIR": NSTemporaryDirectory() + "second-data-\(UUID().uuidString)"]
        for (k, v) in env { e[k] = v }
        process.environment = e
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock(); self.logText += String(decoding: d, as: UTF8.self); self.lock.unlock()
        }
        try process.run()
    }

    var log: String { lock.lock(); defer { lock.unlock() }; return logText }

    /// Waits for the "ready" line (or exit); parses the bound ports from it.
    func waitReady(timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(#""msg":"ready""#) }),
               let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                webPort = (obj["web"] as? String).flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
                workerPort = (obj["worker"] as? String).flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
                return true
            }
            if !process.isRunning { return false }
            usleep(50_000)
        }
        return false
    }

    /// Waits for exit; returns the status (or nil on timeout).
    func waitExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func stop() -> Int32? {
        if process.isRunning { process.terminate() }
        return waitExit()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

func http(_ port: Int?, _ path: String, token: String? = nil, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
    var req = URLRequest(url: URL(string: "http://127.0.0.1:\(port ?? 0)\(path)")!)
    if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
    let (data, resp) = try await URLSession.shared.data(for: req)
    return ((resp as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
}

/// Services started by scripts/test (scripts/services/*): the tests need them and say so.
enum TestServices {
    static var redisURL: String? { ProcessInfo.processInfo.environment["SECOND_TEST_REDIS_URL"] }
    static var mongoURI: String? { ProcessInfo.processInfo.environment["SECOND_TEST_MONGODB_URI"] }
}

/// One JSON API call as a given "user" (headers), for the governance tests.
func send(_ port: Int?, _ method: String, _ path: String, _ headers: [String: String], json: String? = nil) async throws -> (Int, String) {
    var req = URLRequest(url: URL(string: "http://127.0.0.1:\(port ?? 0)\(path)")!)
    req.httpMethod = method
    req.timeoutInterval = 10
    for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
    if let json { req.httpBody = Data(json.utf8); req.setValue("application/json", forHTTPHeaderField: "Content-Type") }
    let (data, resp) = try await URLSession.shared.data(for: req)
    return ((resp as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
}

extension TestServices {
    static var oidcIssuer: String? { ProcessInfo.processInfo.environment["SECOND_TEST_OIDC_ISSUER"] }
}
