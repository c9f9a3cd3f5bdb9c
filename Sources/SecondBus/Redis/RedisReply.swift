import CHiredis

/// A decoded RESP2 reply, copied out of hiredis memory so it can outlive `freeReplyObject`.
enum RedisReply: Sendable, Equatable {
    case string(String)
    case status(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    case error(String)

    init(_ r: UnsafePointer<redisReply>) {
        let p = r.pointee
        func text() -> String {
            guard let s = p.str else { return "" }
            // Length-based, so embedded NULs survive.
            return String(decoding: UnsafeRawBufferPointer(start: s, count: p.len), as: UTF8.self)
        }
        switch p.type {
        case REDIS_REPLY_STRING: self = .string(text())
        case REDIS_REPLY_STATUS: self = .status(text())
        case REDIS_REPLY_ERROR: self = .error(text())
        case REDIS_REPLY_INTEGER: self = .integer(Int64(p.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(p.elements)
            for i in 0..<p.elements { if let e = p.element[i] { items.append(RedisReply(e)) } else { items.append(.null) } }
            self = .array(items)
        default: self = .null
        }
    }

    var string: String? {
        switch self { case .string(let s), .status(let s): return s; default: return nil }
    }
    var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
    var array: [RedisReply]? { if case .array(let a) = self { return a }; return nil }
}
