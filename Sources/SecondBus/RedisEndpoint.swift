import Foundation

/// Where and how to connect, parsed from `redis://[[user]:password@]host[:port][/db]`.
/// `description` never includes the password: error messages name `host:port` only.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static let tlsUnsupported = "TLS not supported by hiredis 0.14; terminate TLS with stunnel or use a private network"

    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host; self.port = port; self.username = username; self.password = password; self.database = database
    }

    /// Messages quote at most the scheme and host, since the URL may carry a password.
    public static func parse(_ url: String) throws(BusError) -> RedisEndpoint {
        guard let sep = url.range(of: "://") else { throw .invalid("REDIS_URL must look like redis://[:password@]host:port[/db]") }
        let scheme = url[..<sep.lowerBound].lowercased()
        if scheme == "rediss" { throw .invalid(tlsUnsupported) }
        guard scheme == "redis" else { throw .invalid("REDIS_URL scheme \"\(scheme)\" is not supported (use redis://)") }
        var rest = Substring(url[sep.upperBound...])
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }

        // The userinfo ends at the last "@" before the path (passwords may contain "/" only percent-encoded).
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<pathStart]
        let path = rest[pathStart...]
        var username: String?, password: String?
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                username = try decode(userinfo[..<colon], "username")
                password = try decode(userinfo[userinfo.index(after: colon)...], "password")
            } else {
                username = try decode(userinfo, "username")
            }
            if username == "" { username = nil }
            if password == "" { password = nil }
        }

        var host: Substring, portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalid("REDIS_URL has an unclosed IPv6 bracket") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalid("REDIS_URL has text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]; portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .invalid("REDIS_URL has no host") }
        var port = 6379
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw .invalid("REDIS_URL port must be 1...65535") }
            port = p
        }
        var database = 0
        let db = path.drop(while: { $0 == "/" })
        if !db.isEmpty {
            guard let n = Int(db), n >= 0 else { throw .invalid("REDIS_URL database must be a number (redis://host:port/0)") }
            database = n
        }
        return RedisEndpoint(host: String(host), port: port, username: username, password: password, database: database)
    }

    private static func decode(_ s: Substring, _ what: String) throws(BusError) -> String {
        guard let v = String(s).removingPercentEncoding else { throw .invalid("REDIS_URL \(what) has bad percent-encoding") }
        return v
    }
}
