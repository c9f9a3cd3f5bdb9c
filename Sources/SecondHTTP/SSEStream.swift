import Foundation
import CSecondHTTP

/// A Server-Sent Events response. Producers call `send`; the HTTP layer drains it into the socket.
/// The buffer is bounded: a client too slow to keep up is disconnected instead of growing memory.
/// Heartbeats (`: heartbeat`) keep proxies from closing idle streams and reveal dead clients.
public final class SSEStream: @unchecked Sendable {
    public let maxBufferedBytes: Int
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var readOffset = 0
    private var finished = false
    private var gone = false
    private var suspended = false
    private var connection: OpaquePointer?
    private var onGone: [@Sendable () -> Void] = []
    private var heartbeat: (any DispatchSourceTimer)?
    /// Streams dropped because the client could not keep up.
    public private(set) var droppedForSlowness = false

    public init(maxBufferedBytes: Int = 1 << 20, heartbeatSeconds: Double = 15) {
        self.maxBufferedBytes = maxBufferedBytes
        if heartbeatSeconds > 0 {
            let t = DispatchSource.makeTimerSource(queue: .global())
            t.schedule(deadline: .now() + heartbeatSeconds, repeating: heartbeatSeconds)
            t.setEventHandler { [weak self] in _ = self?.write(Array(": heartbeat\n\n".utf8)) }
            t.resume()
            heartbeat = t
        }
    }

    /// Sends one event. Returns false once the client is gone or the stream was closed.
    @discardableResult
    public func send(event: String? = nil, id: String? = nil, data: String) -> Bool {
        write(Self.frame(event: event, id: id, data: data))
    }

    /// Sends bytes already framed by `frame` (fan-out formats an event once for every viewer).
    @discardableResult
    public func send(frame: [UInt8]) -> Bool { write(frame) }

    /// One event's wire bytes. JSON data has no newline, so the common case is a straight copy.
    public static func frame(event: String? = nil, id: String? = nil, data: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.utf8.count + 32)
        if let id { out += "id: ".utf8; out += id.utf8; out.append(10) }
        if let event { out += "event: ".utf8; out += event.utf8; out.append(10) }
        if !data.utf8.contains(10) {
            out += "data: ".utf8; out += data.utf8; out.append(10)
        } else {
            for line in data.split(separator: "\n", omittingEmptySubsequences: false) { out += "data: ".utf8; out += line.utf8; out.append(10) }
        }
        out.append(10)
        return out
    }

    /// Ends the stream after what is buffered has been sent.
    public func finish() {
        lock.lock()
        finished = true
        let resume = takeSuspended()
        lock.unlock()
        if let resume { MHD_resume_connection(resume) }
        stopHeartbeat()
    }

    /// Called when the client disconnects (or is dropped); producers should stop.
    public func onClientGone(_ f: @escaping @Sendable () -> Void) {
        lock.lock()
        if gone { lock.unlock(); f(); return }
        onGone.append(f)
        lock.unlock()
    }

    public var isOpen: Bool { lock.lock(); defer { lock.unlock() }; return !gone && !finished }

    private func write(_ bytes: [UInt8]) -> Bool {
        lock.lock()
        guard !gone, !finished else { lock.unlock(); return false }
        if buffer.count - readOffset + bytes.count > maxBufferedBytes {
            droppedForSlowness = true
            finished = true            // the reader ends the response; the client reconnects with its cursor
            buffer.removeAll(); readOffset = 0
            let resume = takeSuspended()
            lock.unlock()
            if let resume { MHD_resume_connection(resume) }
            return false
        }
        buffer.append(contentsOf: bytes)
        let resume = takeSuspended()
        lock.unlock()
        if let resume { MHD_resume_connection(resume) }
        return true
    }

    /// Caller holds the lock.
    private func takeSuspended() -> OpaquePointer? {
        guard suspended, let c = connection else { return nil }
        suspended = false
        return c
    }

    private func stopHeartbeat() {
        lock.lock(); let t = heartbeat; heartbeat = nil; lock.unlock()
        t?.cancel()
    }

    // MARK: HTTP layer side

    func attach(_ connection: OpaquePointer?) { lock.lock(); self.connection = connection; lock.unlock() }

    /// MHD content reader: copies buffered bytes; with nothing buffered, suspends the connection
    /// (the pattern libmicrohttpd prescribes) until `send` resumes it.
    func read(into buf: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        let available = buffer.count - readOffset
        if available > 0 {
            let n = min(available, max)
            buffer.withUnsafeBufferPointer { src in
                UnsafeMutableRawPointer(buf).copyMemory(from: src.baseAddress! + readOffset, byteCount: n)
            }
            readOffset += n
            if readOffset == buffer.count { buffer.removeAll(keepingCapacity: true); readOffset = 0 }
            else if readOffset > 65536 { buffer.removeFirst(readOffset); readOffset = 0 }
            return n
        }
        if finished || gone { return -1 }   // MHD_CONTENT_READER_END_OF_STREAM
        if let c = connection, !suspended {
            suspended = true
            MHD_suspend_connection(c)
        }
        return 0
    }

    /// The response was freed: the client is gone (or the stream ended).
    func released() {
        lock.lock()
        gone = true
        connection = nil
        let handlers = onGone
        onGone = []
        lock.unlock()
        stopHeartbeat()
        handlers.forEach { $0() }
    }
}
