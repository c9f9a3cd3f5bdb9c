import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SecondCore
@testable import SecondHTTP

/// Starts a server on an ephemeral loopback port for one test.
func withServer(_ configure: (Router) -> Void, settings: HTTPServer.Settings = HTTPServer.Settings(),
                _ body: (HTTPServer, UInt16) async throws -> Void) async throws {
    let router = Router()
    configure(router)
    var s = settings
    s.port = 0
    let server = HTTPServer(name: "test", settings: s, router: router)
    try await server.start()
    do { try await body(server, server.boundPort) } catch {
        await server.stop(deadlineMs: 1000)
        throw error
    }
    await server.stop(deadlineMs: 1000)
}

/// A minimal raw HTTP/1.1 client over a socket, for keep-alive, malformed input and streaming.
final class RawClient {
    private(set) var fd: Int32

    init(port: UInt16, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw JSONError(message: "connect failed") }
    }

    func send(_ s: String) { _ = Array(s.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }

    /// Reads until `predicate` holds on the text so far, EOF or timeout.
    func read(until predicate: (String) -> Bool) -> String {
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while !predicate(String(decoding: out, as: UTF8.self)) {
            let n = Glibc.read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Closes once: a second close could hit an fd number the process has reused (e.g. the server's).
    func closeNow() { if fd >= 0 { close(fd); fd = -1 } }
    deinit { closeNow() }
}

func get(_ port: UInt16, _ path: String, headers: [String: String] = [:], method: String = "GET", body: Data? = nil) async throws -> (Int, [String: String], Data) {
    var req = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    req.httpMethod = method
    for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
    req.httpBody = body
    let (data, resp) = try await URLSession.shared.data(for: req)
    let http = resp as! HTTPURLResponse
    var h: [String: String] = [:]
    for (k, v) in http.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
    return (http.statusCode, h, data)
}
