import Foundation
import SecondCore
import CSecondHTTP

/// The HTTP listener on GNU libmicrohttpd (epoll + internal thread pool, keep-alive, suspend/resume).
/// It knows routes, limits, request ids, metrics and traces — nothing about workspaces.
public final class HTTPServer: Service, @unchecked Sendable {
    public struct Settings: Sendable {
        public var host: String = "127.0.0.1"
        public var port: UInt16 = 0
        public var threads: UInt32 = 2
        public var connectionLimit: UInt32 = 4096
        public var timeoutSeconds: UInt32 = 120
        public var maxBodyBytes: Int = 1 << 20
        /// One JSON log line per request (route, id, elapsed, status, CPU, memory) — never bodies or headers.
        public var perfTrace = false
        /// Label for metrics ("web", "worker").
        public var role = "web"
        public init() {}
    }

    public let name: String
    public let settings: Settings
    let router: Router
    let log: @Sendable (String, [String: String]) -> Void
    private var daemon: OpaquePointer?
    private let lock = NSLock()
    private var inFlight = 0
    private var streams: [ObjectIdentifier: SSEStream] = [:]
    public private(set) var boundPort: UInt16 = 0

    public init(name: String, settings: Settings, router: Router, log: @escaping @Sendable (String, [String: String]) -> Void = { _, _ in }) {
        self.name = name; self.settings = settings; self.router = router; self.log = log
    }

    public func start() async throws {
        let me = Unmanaged.passUnretained(self).toOpaque()
        let host = settings.host == "localhost" ? "127.0.0.1" : settings.host
        guard let d = second_http_start(host, settings.port, settings.threads, settings.connectionLimit, settings.timeoutSeconds,
                                        accessHandler, me, completedHandler, me) else {
            throw HTTPServerError(message: "cannot listen on \(settings.host):\(settings.port): \(String(cString: strerror(errno)))")
        }
        lock.withLock { daemon = d }
        boundPort = second_http_port(d)
    }

    /// Stops accepting, lets in-flight requests finish (until the deadline), ends event streams, closes.
    public func stop(deadlineMs: UInt32) async {
        let d: OpaquePointer? = lock.withLock { let d = daemon; daemon = nil; return d }
        guard let d else { return }
        // Stop accepting. The returned listen socket is ours to close, but only after
        // MHD_stop_daemon: closing it earlier lets the fd number be reused while MHD still holds it.
        let listenFD = MHD_quiesce_daemon(d)
        let open = lock.withLock { Array(streams.values) }
        open.forEach { $0.finish() }
        let deadline = Date().addingTimeInterval(Double(deadlineMs) / 1000)
        while Date() < deadline {
            let busy = lock.withLock { inFlight }
            if busy == 0 { break }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        MHD_stop_daemon(d)
        if listenFD >= 0 { close(listenFD) }
    }

    public var openStreams: Int { lock.lock(); defer { lock.unlock() }; return streams.count }
    /// Requests received and not yet completed.
    public var inFlightRequests: Int { lock.lock(); defer { lock.unlock() }; return inFlight }

    // MARK: per-connection state

    final class Exchange {
        var body: [UInt8] = []
        var tooLarge = false
        var dispatched = false
        var response: HTTPResponse?
        var request: HTTPRequest?
        let started = DispatchTime.now().uptimeNanoseconds
        var cpuStart = 0.0
    }

    func begin() { lock.lock(); inFlight += 1; lock.unlock() }
    func end() { lock.lock(); inFlight -= 1; lock.unlock() }
    func track(_ s: SSEStream) { lock.lock(); streams[ObjectIdentifier(s)] = s; lock.unlock(); Metrics.shared.add("second_sse_streams_open", "Open Server-Sent Events streams", labels: [("role", settings.role)], 1) }
    func untrack(_ s: SSEStream) { lock.lock(); streams[ObjectIdentifier(s)] = nil; lock.unlock(); Metrics.shared.add("second_sse_streams_open", "Open Server-Sent Events streams", labels: [("role", settings.role)], -1) }

    /// Builds the request from the connection (headers, query, client address).
    func makeRequest(_ c: OpaquePointer, url: String, method: String, body: [UInt8]) -> HTTPRequest {
        let box = ValuesBox()
        let raw = Unmanaged.passUnretained(box).toOpaque()
        _ = MHD_get_connection_values(c, MHD_ValueKind(rawValue: 1)!, { cls, _, key, value in
            guard let cls, let key else { return MHD_Result(rawValue: 1)! }
            let b = Unmanaged<ValuesBox>.fromOpaque(cls).takeUnretainedValue()
            let k = String(cString: key).lowercased()
            let v = value.map { String(cString: $0) } ?? ""
            b.values[k] = b.values[k].map { "\($0), \(v)" } ?? v
            return MHD_Result(rawValue: 1)!
        }, raw)
        let headers = box.values
        box.values = [:]
        _ = MHD_get_connection_values(c, MHD_ValueKind(rawValue: 8)!, { cls, _, key, value in
            guard let cls, let key else { return MHD_Result(rawValue: 1)! }
            Unmanaged<ValuesBox>.fromOpaque(cls).takeUnretainedValue().values[String(cString: key)] = value.map { String(cString: $0) } ?? ""
            return MHD_Result(rawValue: 1)!
        }, raw)
        var addr = [CChar](repeating: 0, count: 64)
        second_http_client_address(c, &addr, 64)
        return HTTPRequest(method: method, path: url, query: box.values, headers: headers, body: body,
                           requestId: RequestID.accept(headers["x-request-id"]), clientAddress: String(cString: addr))
    }

    /// Queues `response` on the connection; records metrics and the perf trace.
    func queue(_ c: OpaquePointer, _ ex: Exchange, _ response: HTTPResponse) -> MHD_Result {
        let request = ex.request
        var mhdResponse: OpaquePointer?
        switch response.body {
        case .bytes(let bytes):
            mhdResponse = bytes.withUnsafeBytes { buf in
                MHD_create_response_from_buffer(buf.count, UnsafeMutableRawPointer(mutating: buf.baseAddress), .RESPMEM_MUST_COPY)
            }
        case .stream(let stream):
            stream.attach(c)
            track(stream)
            let retained = Unmanaged.passRetained(StreamBox(stream: stream, server: self)).toOpaque()
            mhdResponse = MHD_create_response_from_callback(second_http_size_unknown(), 4096, { cls, _, buf, max in
                guard let cls, let buf else { return -1 }
                return Unmanaged<StreamBox>.fromOpaque(cls).takeUnretainedValue().stream.read(into: buf, max: max)
            }, retained, { cls in
                guard let cls else { return }
                let box = Unmanaged<StreamBox>.fromOpaque(cls).takeRetainedValue()
                box.stream.released()
                box.server.untrack(box.stream)
            })
        }
        guard let r = mhdResponse else { return MHD_Result(rawValue: 0)! }
        for (k, v) in response.headers { MHD_add_response_header(r, k, v) }
        if let id = request?.requestId { MHD_add_response_header(r, "X-Request-Id", id) }
        let result = MHD_queue_response(c, UInt32(response.status), r)
        MHD_destroy_response(r)
        record(ex, response)
        return result
    }

    func startTrace(_ ex: Exchange) { if settings.perfTrace { ex.cpuStart = threadCPUSeconds() } }

    private func record(_ ex: Exchange, _ response: HTTPResponse) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - ex.started) / 1e9
        let route = ex.request?.route.isEmpty == false ? ex.request!.route : "unmatched"
        let method = ex.request?.method ?? "?"
        let labels = [("role", settings.role), ("route", route), ("method", method), ("status", String(response.status))]
        Metrics.shared.increment("second_http_requests_total", "HTTP requests by route and status", labels: labels)
        Metrics.shared.observe("second_http_request_duration_seconds", "HTTP request latency", labels: [("role", settings.role), ("route", route)], seconds: elapsed)
        if settings.perfTrace {
            log("request", ["route": route, "method": method, "status": String(response.status), "request_id": ex.request?.requestId ?? "",
                            "elapsed_ms": String(format: "%.3f", elapsed * 1000), "body_bytes": String(ex.body.count),
                            "cpu_ms": String(format: "%.3f", (threadCPUSeconds() - ex.cpuStart) * 1000), "rss_kb": String(residentKilobytes()),
                            "role": settings.role])
        }
    }
}

public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

final class ValuesBox { var values: [String: String] = [:] }
final class StreamBox { let stream: SSEStream; let server: HTTPServer; init(stream: SSEStream, server: HTTPServer) { self.stream = stream; self.server = server } }

/// CPU seconds of the calling thread.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Resident memory of the process in KiB (from /proc/self/statm).
public func residentKilobytes() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let parts = s.split(separator: " ")
    guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}
