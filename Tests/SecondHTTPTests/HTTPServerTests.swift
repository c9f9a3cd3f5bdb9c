import Foundation
import Testing
import SecondCore
@testable import SecondHTTP

@Suite struct HTTPServerTests {
    @Test func routingParamsAndJSONErrors() async throws {
        try await withServer({ r in
            r.get("/healthz") { _ in .json(["status": "ok"]) }
            r.get("/items/:id", async: { req in .json(["id": .string(req.params["id"] ?? "")]) })
            r.post("/items", async: { req in
                do throws(HTTPResponse) { let o = try req.jsonObject(); return .json(["got": .object(o)], status: 201) } catch { return error }
            })
        }) { _, port in
            var (status, headers, data) = try await get(port, "/healthz")
            #expect(status == 200 && String(decoding: data, as: UTF8.self) == #"{"status":"ok"}"#)
            #expect(headers["x-request-id"]?.count == 16)
            (status, _, data) = try await get(port, "/items/a%20b")
            #expect(status == 200 && String(decoding: data, as: UTF8.self) == #"{"id":"a b"}"#)
            (status, _, data) = try await get(port, "/nope")
            #expect(status == 404 && String(decoding: data, as: UTF8.self).contains(#""error":"not_found""#))
            (status, headers, data) = try await get(port, "/healthz", method: "DELETE")
            #expect(status == 405 && headers["allow"] == "GET")
            #expect(String(decoding: data, as: UTF8.self).contains(#""error":"method_not_allowed""#))
            (status, _, data) = try await get(port, "/items", headers: ["Content-Type": "text/plain"], method: "POST", body: Data("x".utf8))
            #expect(status == 415 && String(decoding: data, as: UTF8.self).contains("unsupported_media_type"))
            (status, _, data) = try await get(port, "/items", headers: ["Content-Type": "application/json"], method: "POST", body: Data("{bad".utf8))
            #expect(status == 400 && String(decoding: data, as: UTF8.self).contains("invalid_json"))
            (status, _, data) = try await get(port, "/items", headers: ["Content-Type": "application/json"], method: "POST", body: Data(#"{"a":1}"#.utf8))
            #expect(status == 201 && String(decoding: data, as: UTF8.self) == #"{"got":{"a":1}}"#)
            (status, headers, _) = try await get(port, "/healthz", headers: ["X-Request-Id": "abc-123"])
            #expect(headers["x-request-id"] == "abc-123")
            (status, headers, _) = try await get(port, "/healthz", headers: ["X-Request-Id": "bad id with spaces"])
            #expect(headers["x-request-id"] != "bad id with spaces")
        }
    }

    @Test func bodyLimitAnswers413() async throws {
        var settings = HTTPServer.Settings()
        settings.maxBodyBytes = 1024
        try await withServer({ r in r.post("/up", async: { req in .json(["n": .int(Int64(req.body.count))]) }) }, settings: settings) { _, port in
            let (status, _, data) = try await get(port, "/up", headers: ["Content-Type": "application/json"], method: "POST", body: Data(repeating: 65, count: 5000))
            #expect(status == 413 && String(decoding: data, as: UTF8.self).contains("payload_too_large"))
            let (ok, _, _) = try await get(port, "/up", headers: ["Content-Type": "application/json"], method: "POST", body: Data(repeating: 65, count: 1000))
            #expect(ok == 200)
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withServer({ r in r.get("/healthz") { _ in .json(["status": "ok"]) } }) { _, port in
            let c = try RawClient(port: port)
            for _ in 0..<3 {
                c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                let text = c.read { $0.contains(#"{"status":"ok"}"#) }
                #expect(text.hasPrefix("HTTP/1.1 200"))
                #expect(!text.lowercased().contains("connection: close"))
            }
        }
    }

    @Test func malformedRequestsDoNotCrash() async throws {
        try await withServer({ r in r.get("/healthz") { _ in .json(["status": "ok"]) } }) { _, port in
            for junk in ["GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                         String(repeating: "A", count: 100_000) + "\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n"] {
                let c = try RawClient(port: port, timeoutSeconds: 2)
                c.send(junk)
                _ = c.read { $0.contains("\r\n\r\n") }
                c.closeNow()
            }
            let (status, _, _) = try await get(port, "/healthz")
            #expect(status == 200, "the server still answers after malformed input")
        }
    }

    @Test func sseStreamsHeartbeatsAndDetectsDisconnect() async throws {
        let gone = Flag()
        let holder = StreamHolder()
        try await withServer({ r in
            r.get("/events") { _ in
                let s = SSEStream(maxBufferedBytes: 4096, heartbeatSeconds: 0.2)
                s.onClientGone { gone.set() }
                holder.set(s)
                return .sse(s)
            }
        }) { server, port in
            let c = try RawClient(port: port)
            c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = c.read { $0.contains("text/event-stream") }
            #expect(head.contains("200"))
            let stream = try #require(await holder.wait())
            #expect(stream.send(event: "run", id: "1", data: "hello\nworld"))
            let text = c.read { $0.contains("data: world") && $0.contains(": heartbeat") }
            #expect(text.contains("id: 1\nevent: run\ndata: hello\ndata: world\n\n"))
            #expect(text.contains(": heartbeat"))
            #expect(server.openStreams == 1)
            c.closeNow()
            // The next write (heartbeat) fails on the closed socket; MHD then frees the response.
            for _ in 0..<100 where !gone.isSet { try await Task.sleep(nanoseconds: 50_000_000) }
            #expect(gone.isSet, "client disconnect was detected")
            #expect(!stream.send(data: "late"))
        }
    }

    @Test func slowClientIsDroppedNotBuffered() {
        let s = SSEStream(maxBufferedBytes: 1000, heartbeatSeconds: 0)
        var accepted = 0
        for _ in 0..<100 where s.send(data: String(repeating: "x", count: 50)) { accepted += 1 }
        #expect(accepted < 20)
        #expect(s.droppedForSlowness)
        #expect(!s.isOpen)
    }

    @Test func gracefulStopDrainsInFlightRequests() async throws {
        let router = Router()
        router.get("/slow", async: { _ in
            try? await Task.sleep(nanoseconds: 300_000_000)
            return .json(["done": true])
        })
        var settings = HTTPServer.Settings()
        settings.port = 0
        let server = HTTPServer(name: "t", settings: settings, router: router)
        try await server.start()
        let port = server.boundPort
        async let response = get(port, "/slow")
        // Stop only once the request is really in flight (the suite runs tests in parallel).
        for _ in 0..<500 where server.inFlightRequests == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(server.inFlightRequests == 1)
        await server.stop(deadlineMs: 3000)
        let (status, _, data) = try await response
        #expect(status == 200 && String(decoding: data, as: UTF8.self) == #"{"done":true}"#)
        let c = try? RawClient(port: port)
        #expect(c == nil, "no longer accepting")
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        var settings = HTTPServer.Settings()
        settings.role = "metrics-test"
        try await withServer({ r in r.get("/m/:id") { _ in .json(["ok": true]) } }, settings: settings) { _, port in
            for i in 0..<3 { _ = try await get(port, "/m/\(i)") }
            let labels = [("role", "metrics-test"), ("route", "/m/:id"), ("method", "GET"), ("status", "200")]
            #expect(Metrics.shared.counter("second_http_requests_total", labels: labels) == 3)
            let text = Metrics.shared.render()
            #expect(text.contains("# TYPE second_http_request_duration_seconds histogram"))
            #expect(text.contains(#"second_http_request_duration_seconds_count{role="metrics-test",route="/m/:id"} 3"#))
        }
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock(); private var v = false
    func set() { lock.lock(); v = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return v }
}

final class StreamHolder: @unchecked Sendable {
    private let lock = NSLock(); private var s: SSEStream?
    func set(_ x: SSEStream) { lock.lock(); s = x; lock.unlock() }
    func wait() async -> SSEStream? {
        for _ in 0..<100 {
            let v = lock.withLock { s }
            if let v { return v }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return nil
    }
}
