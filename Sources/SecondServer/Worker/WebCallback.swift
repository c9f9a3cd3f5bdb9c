import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SecondCore

/// The worker's client for the web's internal API (`worker.web_url`, W5: one base URL, every
/// internal route derived from it). Always sends the internal token; that token never reaches a runtime.
final class WebCallback: @unchecked Sendable {
    private let lock = NSLock()
    private var base: URL?
    private let token: String?
    private let session: URLSession

    init(base: URL?, token: String?) {
        self.base = base
        self.token = token
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = 30
        session = URLSession(configuration: c)
    }

    /// `serve` learns the web's port only after its listener started.
    func setBase(_ url: URL) { lock.lock(); if base == nil { base = url }; lock.unlock() }

    private var currentBase: URL? { lock.lock(); defer { lock.unlock() }; return base }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// POSTs JSON to /api/internal/<route>; returns the status and the parsed body.
    func post(_ route: String, _ body: JSON) async throws -> (status: Int, body: JSON) {
        guard let b = currentBase else { throw Failure(description: "worker.web_url (WEB_INTERNAL_URL) is not configured: app tools cannot reach the web") }
        var req = URLRequest(url: b.appendingPathComponent("api/internal/\(route)"))
        req.httpMethod = "POST"
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        req.httpBody = body.encoded()
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await session.data(for: req) } catch {
            throw Failure(description: "the web at \(b.host ?? "?"):\(b.port.map(String.init) ?? "?") is unreachable")
        }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSON.parse(data)) ?? .null)
    }
}
