import CHiredis
import Foundation

/// One hiredis context, confined to the thread that opened it (hiredis contexts are not thread-safe).
/// RESP2 only: hiredis 0.14 cannot parse RESP3, so this never sends HELLO.
final class RedisConnection {
    private let ctx: UnsafeMutablePointer<redisContext>
    let endpoint: RedisEndpoint
    private var closed = false

    private init(_ ctx: UnsafeMutablePointer<redisContext>, _ endpoint: RedisEndpoint) { self.ctx = ctx; self.endpoint = endpoint }
    deinit { close() }

    /// Connects, then AUTH and SELECT from the URL. Errors name host:port, never the password.
    static func open(_ ep: RedisEndpoint, connectTimeoutMs: Int, commandTimeoutMs: Int) throws(BusError) -> RedisConnection {
        SigPipe.ignore
        guard let ctx = redisConnectWithTimeout(ep.host, Int32(ep.port), timeval(ms: connectTimeoutMs)) else {
            throw .unavailable("redis \(ep): cannot allocate a connection")
        }
        if ctx.pointee.err != 0 {
            let reason = errorText(ctx)
            redisFree(ctx)
            throw .unavailable("redis \(ep) unreachable: \(reason)")
        }
        _ = redisSetTimeout(ctx, timeval(ms: commandTimeoutMs))
        _ = redisEnableKeepAlive(ctx)
        let conn = RedisConnection(ctx, ep)
        if let password = ep.password {
            let args = ep.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            if case .error(let m) = try conn.command(args) {
                throw .unavailable("redis \(ep) rejected AUTH: \(conn.scrub(m))")
            }
        }
        if ep.database != 0, case .error(let m) = try conn.command(["SELECT", String(ep.database)]) {
            throw .unavailable("redis \(ep) rejected SELECT \(ep.database): \(m)")
        }
        return conn
    }

    /// Sends one command (binary-safe argv with explicit lengths) and waits for its reply.
    /// Error replies come back as `.error`; I/O failures throw `.unavailable` and leave the connection broken.
    func command(_ args: [String]) throws(BusError) -> RedisReply {
        if closed || isBroken { throw .unavailable("redis \(endpoint): connection is closed") }
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        for a in args { lengths.append(a.utf8.count); bytes.append(contentsOf: a.utf8) }
        if bytes.isEmpty { bytes.append(0) }
        let raw: UnsafeMutableRawPointer? = bytes.withUnsafeBufferPointer { buf in
            let base = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = []
            var offset = 0
            for n in lengths { argv.append(base + offset); offset += n }
            return argv.withUnsafeMutableBufferPointer { av in
                lengths.withUnsafeBufferPointer { lens in
                    redisCommandArgv(ctx, Int32(args.count), av.baseAddress, lens.baseAddress)
                }
            }
        }
        guard let raw else { throw .unavailable("redis \(endpoint): \(Self.errorText(ctx))") }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Like `command`, but an error reply throws: retryable server states as `.unavailable`, the rest as `.invalid`.
    func call(_ args: [String]) throws(BusError) -> RedisReply {
        let reply = try command(args)
        guard case .error(let m) = reply else { return reply }
        let retryable = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOAUTH", "OOM"]
        if retryable.contains(where: { m.hasPrefix($0) }) { throw .unavailable("redis \(endpoint): \(m)") }
        throw .invalid("redis \(endpoint) refused \(args.first ?? "command"): \(m)")
    }

    enum Push { case message(channel: String, payload: String), other(RedisReply), woken }

    /// Waits for the next pushed reply on a subscribed connection, or for `wake` to become readable.
    func readPush(wake: Int32) throws(BusError) -> Push {
        while true {
            if closed || isBroken { throw .unavailable("redis \(endpoint): connection is closed") }
            var raw: UnsafeMutableRawPointer?
            if redisGetReplyFromReader(ctx, &raw) != REDIS_OK { throw .unavailable("redis \(endpoint): \(Self.errorText(ctx))") }
            if let raw {
                let reply = RedisReply(raw.assumingMemoryBound(to: redisReply.self))
                freeReplyObject(raw)
                if let a = reply.array, a.count == 3, a[0].string == "message", let ch = a[1].string, let payload = a[2].string {
                    return .message(channel: ch, payload: payload)
                }
                return .other(reply)
            }
            var fds = [pollfd(fd: ctx.pointee.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                throw .unavailable("redis \(endpoint): poll failed (errno \(errno))")
            }
            if fds[1].revents != 0 { return .woken }
            // Readable (or hung up): read what is there; EOF surfaces as "Server closed the connection".
            if fds[0].revents != 0, redisBufferRead(ctx) != REDIS_OK {
                throw .unavailable("redis \(endpoint): \(Self.errorText(ctx))")
            }
        }
    }

    var isBroken: Bool { ctx.pointee.err != 0 }

    /// An idle request/reply connection never has data to read; if it is readable the server closed it
    /// (e.g. Redis restarted), so the pool reconnects before sending rather than failing the next command.
    func isStale() -> Bool {
        var pfd = pollfd(fd: ctx.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) != 0
    }

    func close() {
        guard !closed else { return }
        closed = true
        redisFree(ctx)
    }

    private func scrub(_ message: String) -> String {
        guard let p = endpoint.password, !p.isEmpty else { return message }
        return message.replacingOccurrences(of: p, with: "***")
    }

    private static func errorText(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafePointer(to: &ctx.pointee.errstr) { p in
            p.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: ctx.pointee.errstr)) { String(cString: $0) }
        }
    }
}

extension timeval {
    init(ms: Int) { self.init(tv_sec: ms / 1000, tv_usec: (ms % 1000) * 1000) }
}
