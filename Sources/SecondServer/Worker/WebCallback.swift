import Foundation
import SecondCore

/// The worker's client for the web's internal API (`worker.web_url`, W5: one base URL, every
/// internal route derived from it). Always sends the internal token; that token never reaches a runtime.
final class WebCallback: @unchecked Sendable {
    private let lock = NSLock()
    private var client: WorkerClient?
    private let token: String?

    init(base: URL?, token: String?) {
        self.token = token
        client = base.map { Self.client($0, token) }
    }

    static func client(_ base: URL, _ token: String?) -> WorkerClient {
        WorkerClient(baseURL: base, token: token, peer: "the web", timeoutSeconds: 30)
    }

    /// `serve` learns the web's port only after its listener started.
    func setBase(_ url: URL) { lock.lock(); if client == nil { client = Self.client(url, token) }; lock.unlock() }

    private var current: WorkerClient? { lock.lock(); defer { lock.unlock() }; return client }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// POSTs JSON to /api/internal/<route>; returns the status and the parsed body.
    func post(_ route: String, _ body: JSON) async throws -> (status: Int, body: JSON) {
        guard let c = current else { throw Failure(description: "worker.web_url (WEB_INTERNAL_URL) is not configured: app tools cannot reach the web") }
        return try await c.post("api/internal/\(route)", body)
    }
}
