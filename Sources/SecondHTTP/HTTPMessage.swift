import Foundation
import SecondCore

/// One parsed request, as handlers see it. Header names are lower-case.
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var headers: [String: String]
    public var body: [UInt8]
    public var requestId: String
    public var clientAddress: String
    /// Path parameters from the route pattern (":id" → params["id"]).
    public var params: [String: String] = [:]
    /// The route pattern that matched ("/api/workspaces/:id"), for metrics and traces.
    public var route: String = ""

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
                requestId: String = "", clientAddress: String = "") {
        self.method = method; self.path = path; self.query = query; self.headers = headers; self.body = body
        self.requestId = requestId; self.clientAddress = clientAddress
    }

    /// The body as a JSON object; throws an HTTPResponse-ready error naming the problem.
    public func jsonObject() throws(HTTPResponse) -> [String: JSON] {
        let type = headers["content-type"]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/json" else {
            throw HTTPResponse.error(415, "unsupported_media_type", "send the body as Content-Type: application/json")
        }
        let value: JSON
        do { value = try JSON.parse(Data(body)) } catch {
            throw HTTPResponse.error(400, "invalid_json", "the body is not valid JSON: \(error)")
        }
        guard case .object(let o) = value else { throw HTTPResponse.error(400, "invalid_json", "the body must be a JSON object") }
        return o
    }

    /// The Bearer token of the Authorization header.
    public var bearerToken: String? {
        guard let h = headers["authorization"], h.count > 7, h.prefix(7).lowercased() == "bearer " else { return nil }
        return String(h.dropFirst(7))
    }
}

/// A response: a status, headers and a body (bytes, or a live event stream).
public struct HTTPResponse: Error, Sendable {
    public enum Body: Sendable { case bytes([UInt8]); case stream(SSEStream) }
    public var status: Int
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int, headers: [(String, String)] = [], body: Body = .bytes([])) {
        self.status = status; self.headers = headers; self.body = body
    }

    public static func json(_ value: JSON, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: .bytes(value.bytes()))
    }

    public static func text(_ s: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: .bytes(Array(s.utf8)))
    }

    /// Every error is JSON {"error": "<code>", "message": "..."}.
    public static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        json(["error": .string(code), "message": .string(message)], status: status)
    }

    public static func sse(_ stream: SSEStream) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")],
                     body: .stream(stream))
    }
}

/// Request ids: the client's X-Request-Id when it is short and plain, else a fresh random one.
public enum RequestID {
    public static func accept(_ given: String?) -> String {
        if let g = given, (1...64).contains(g.utf8.count),
           g.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 || $0 == 46 }) {
            return g
        }
        var rng = SystemRandomNumberGenerator()
        var v: UInt64 = rng.next()
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 48, count: 16)
        for i in (0..<16).reversed() { out[i] = hex[Int(v & 15)]; v >>= 4 }
        return String(decoding: out, as: UTF8.self)
    }
}
