import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SecondCore

/// A client of the other role's internal API, always sending the internal token: the web's client
/// for the worker (WORKER_URL), and the worker's for the web (worker.web_url). Errors name the peer
/// and its address, never the token.
public final class WorkerClient: Sendable {
    public let baseURL: URL
    private let token: String?
    private let session: URLSession
    private let peer: String

    public init(baseURL: URL, token: String?, peer: String = "worker", timeoutSeconds: Double = 5) {
        self.baseURL = baseURL
        self.token = token
        self.peer = peer
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = timeoutSeconds
        session = URLSession(configuration: c)
    }

    public struct Failure: Error, CustomStringConvertible, Sendable { public let description: String }

    /// GET a JSON route of the worker. Errors name the worker's address (never the token).
    public func get(_ path: String) async throws -> (status: Int, body: JSON) {
        var req = URLRequest(url: baseURL.appendingPathComponent(path))
        if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await session.data(for: req) } catch {
            throw Failure(description: "\(peer) at \(baseURL.host ?? "?"):\(baseURL.port.map(String.init) ?? "?") is unreachable: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSON.parse(data)) ?? .null)
    }

    /// POST JSON to the worker. Errors name the worker's address (never the token).
    public func post(_ path: String, _ body: JSON) async throws -> (status: Int, body: JSON) {
        var req = URLRequest(url: baseURL.appendingPathComponent(path))
        req.httpMethod = "POST"
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        req.httpBody = body.encoded()
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await session.data(for: req) } catch {
            throw Failure(description: "\(peer) at \(baseURL.host ?? "?"):\(baseURL.port.map(String.init) ?? "?") is unreachable: \(error.localizedDescription)")
        }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSON.parse(data)) ?? .null)
    }

    /// A GET request for an SSE route of the worker, with the token.
    func streamRequest(_ path: String, query: String) -> URLRequest {
        var req = URLRequest(url: URL(string: baseURL.appendingPathComponent(path).absoluteString + "?" + query)!)
        req.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return req
    }
}
