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

/// Reads an SSE endpoint as an async stream (URLSession delegate; Linux has no bytes(for:)).
final class SSEClient: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { let status: Int; let description: String }

    private var parser = SSEParser()
    private var continuation: AsyncThrowingStream<[SSEMessage], any Error>.Continuation?
    private var status = 0
    private var errorBody: [UInt8] = []
    private let lock = NSLock()

    /// One message at a time.
    static func open(_ request: URLRequest) -> AsyncThrowingStream<SSEMessage, any Error> {
        let batches = openBatches(request)
        let (stream, c) = AsyncThrowingStream<SSEMessage, any Error>.makeStream()
        let task = Task {
            do { for try await batch in batches { for m in batch { c.yield(m) } }; c.finish() } catch { c.finish(throwing: error) }
        }
        c.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The messages of each network read together, so a relay can store them in one round trip.
    static func openBatches(_ request: URLRequest) -> AsyncThrowingStream<[SSEMessage], any Error> {
        let client = SSEClient()
        let (stream, c) = AsyncThrowingStream<[SSEMessage], any Error>.makeStream()
        client.continuation = c
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 120     // heartbeats arrive every 15 s
        config.timeoutIntervalForResource = 7 * 24 * 3600
        let session = URLSession(configuration: config, delegate: client, delegateQueue: nil)
        let task = session.dataTask(with: request)
        c.onTermination = { _ in task.cancel(); session.invalidateAndCancel() }
        task.resume()
        return stream
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
        let c = continuation
        lock.unlock()
        if !messages.isEmpty { c?.yield(messages) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock(); let c = continuation; continuation = nil; let s = status; let body = errorBody; lock.unlock()
        if let error { c?.finish(throwing: Failure(status: s, description: "stream broke: \(error.localizedDescription)")) }
        else if s != 200 { c?.finish(throwing: Failure(status: s, description: "HTTP \(s): \(String(decoding: body, as: UTF8.self))")) }
        else { c?.finish() }
        session.finishTasksAndInvalidate()
    }
}
