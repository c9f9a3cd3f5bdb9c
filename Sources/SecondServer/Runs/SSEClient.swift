import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One message of a text/event-stream.
struct SSEMessage: Sendable, Equatable {
    var id: String?
    var event: String?
    var data: String
}

/// Incremental text/event-stream parser (WHATWG rules we need: id, event, multi-line data,
/// comments ignored, CRLF or LF). Pure, so it is tested without sockets.
struct SSEParser: Sendable {
    private var pending: [UInt8] = []
    private var id: String?
    private var event: String?
    private var data: [String] = []

    init() {}

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEMessage] {
        pending.append(contentsOf: bytes)
        var out: [SSEMessage] = []
        var start = 0
        var i = 0
        while i < pending.count {
            if pending[i] == 10 {
                var end = i
                if end > start, pending[end - 1] == 13 { end -= 1 }
                line(pending[start..<end], into: &out)
                start = i + 1
            }
            i += 1
        }
        if start > 0 { pending.removeFirst(start) }
        return out
    }

    private mutating func line(_ l: ArraySlice<UInt8>, into out: inout [SSEMessage]) {
        if l.isEmpty {
            if !data.isEmpty || event != nil { out.append(SSEMessage(id: id, event: event, data: data.joined(separator: "\n"))) }
            id = nil; event = nil; data = []
            return
        }
        if l.first == 58 { return }  // ':' comment (heartbeat)
        let text = String(decoding: l, as: UTF8.self)
        let field: Substring, value: Substring
        if let c = text.firstIndex(of: ":") {
            field = text[..<c]
            var v = text[text.index(after: c)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else { field = Substring(text); value = "" }
        switch field {
        case "data": data.append(String(value))
        case "id": id = String(value)
        case "event": event = String(value)
        default: break
        }
    }
}

/// What an SSE connection has received and not yet been taken, handed over in one piece: a consumer
/// that is busy (storing the previous batch) gets everything that arrived meanwhile at its next take,
/// so batches grow with load instead of queueing one by one.
final class SSEFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [SSEMessage] = []
    private var ended: Result<Void, any Error>?
    private var waiter: CheckedContinuation<[SSEMessage]?, any Error>?
    fileprivate var cancelTransfer: (@Sendable () -> Void)?

    fileprivate func put(_ ms: [SSEMessage]) {
        lock.lock()
        if let w = waiter { waiter = nil; lock.unlock(); w.resume(returning: ms); return }
        pending += ms
        lock.unlock()
    }

    fileprivate func finish(_ error: (any Error)?) {
        lock.lock()
        if ended == nil { ended = error.map { .failure($0) } ?? .success(()) }
        let w = waiter, e = ended!
        waiter = nil
        lock.unlock()
        guard let w else { return }
        switch e { case .success: w.resume(returning: nil); case .failure(let err): w.resume(throwing: err) }
    }

    /// Every message received since the last take (waiting for at least one); nil at the end of the stream.
    func take() async throws -> [SSEMessage]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[SSEMessage]?, any Error>) in
                lock.lock()
                if !pending.isEmpty { let p = pending; pending = []; lock.unlock(); c.resume(returning: p); return }
                if let e = ended {
                    lock.unlock()
                    switch e { case .success: c.resume(returning: nil); case .failure(let err): c.resume(throwing: err) }
                    return
                }
                waiter = c
                lock.unlock()
            }
        } onCancel: { self.cancel() }
    }

    /// Stops the transfer; a waiting take ends with CancellationError.
    func cancel() {
        lock.lock(); let c = cancelTransfer; cancelTransfer = nil; lock.unlock()
        c?()
        finish(CancellationError())
    }
}

/// Reads an SSE endpoint (URLSession delegate; Linux has no bytes(for:)).
final class SSEClient: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { let status: Int; let description: String }

    private var parser = SSEParser()
    private let feed = SSEFeed()
    private var status = 0
    private var errorBody: [UInt8] = []
    private let lock = NSLock()

    /// One message at a time.
    static func open(_ request: URLRequest) -> AsyncThrowingStream<SSEMessage, any Error> {
        let feed = start(request)
        let (stream, c) = AsyncThrowingStream<SSEMessage, any Error>.makeStream()
        let task = Task {
            do { while let batch = try await feed.take() { for m in batch { c.yield(m) } }; c.finish() } catch { c.finish(throwing: error) }
        }
        c.onTermination = { _ in task.cancel(); feed.cancel() }
        return stream
    }

    /// Starts the request; take batches from the feed, cancel it when done.
    static func start(_ request: URLRequest) -> SSEFeed {
        let client = SSEClient()
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 120     // heartbeats arrive every 15 s
        config.timeoutIntervalForResource = 7 * 24 * 3600
        let session = URLSession(configuration: config, delegate: client, delegateQueue: nil)
        let task = session.dataTask(with: request)
        client.feed.cancelTransfer = { task.cancel(); session.invalidateAndCancel() }
        task.resume()
        return client.feed
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock(); status = (response as? HTTPURLResponse)?.statusCode ?? 0; lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        if status != 200 {
            if errorBody.count < 4096 { errorBody.append(contentsOf: data.prefix(4096)) }
            lock.unlock(); return
        }
        let messages = parser.feed(data)
        lock.unlock()
        if !messages.isEmpty { feed.put(messages) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock(); let s = status; let body = errorBody; lock.unlock()
        if let error { feed.finish(Failure(status: s, description: "stream broke: \(error.localizedDescription)")) }
        else if s != 200 { feed.finish(Failure(status: s, description: "HTTP \(s): \(String(decoding: body, as: UTF8.self))")) }
        else { feed.finish(nil) }
        session.finishTasksAndInvalidate()
    }
}
