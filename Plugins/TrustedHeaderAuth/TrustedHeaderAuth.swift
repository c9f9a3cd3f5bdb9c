import Foundation
import SecondPluginKit
#if canImport(Glibc)
import Glibc
#endif

/// auth.trusted_header — identity from a reverse proxy's headers (the oauth2-proxy pattern).
/// Headers are believed only from configured proxy addresses and, optionally, only with a shared
/// secret header; identity headers from anywhere else are refused, not ignored.
final class TrustedHeaderAuth: AuthProvider {
    struct Config: Decodable, Sendable {
        var trustedProxies: [String]
        var userHeader: String
        var emailHeader: String
        var nameHeader: String
        var orgHeader: String?
        var roleHeader: String?
        var defaultRole: String
        var secretHeader: String?
        var sharedSecret: String?
    }

    static let type = "trusted_header"
    static let summary = "Identity from reverse-proxy headers (oauth2-proxy), only from trusted proxy addresses"
    static let stability = Stability.beta
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,"required":["trusted_proxies"],
     "properties":{
       "trusted_proxies":{"type":"array","minItems":1,"items":{"type":"string","minLength":1},
                          "description":"addresses or CIDR ranges of the proxies, e.g. 127.0.0.1/32, 10.0.0.0/8, ::1/128"},
       "user_header":{"type":"string","minLength":1,"default":"x-forwarded-user"},
       "email_header":{"type":"string","minLength":1,"default":"x-forwarded-email"},
       "name_header":{"type":"string","minLength":1,"default":"x-forwarded-preferred-username"},
       "org_header":{"type":"string","minLength":1},
       "role_header":{"type":"string","minLength":1},
       "default_role":{"enum":["owner","admin","member"],"default":"member"},
       "secret_header":{"type":"string","minLength":1},
       "shared_secret":{"type":"string","minLength":16,"x-secret":true}}}
    """

    private let config: Config
    private let networks: [Network]

    static func validate(_ c: Config, context: InstanceContext) throws {
        for (i, p) in c.trustedProxies.enumerated() where Network(p) == nil {
            throw PluginError.invalidConfig("\"\(p)\" is not an IP address or CIDR range", path: "/trusted_proxies/\(i)")
        }
        if (c.secretHeader == nil) != (c.sharedSecret == nil) {
            throw PluginError.invalidConfig("set secret_header and shared_secret together", path: c.secretHeader == nil ? "/secret_header" : "/shared_secret")
        }
    }

    init(config: Config, context: InstanceContext) throws {
        try Self.validate(config, context: context)
        self.config = Config(trustedProxies: config.trustedProxies, userHeader: config.userHeader.lowercased(), emailHeader: config.emailHeader.lowercased(),
                             nameHeader: config.nameHeader.lowercased(), orgHeader: config.orgHeader?.lowercased(), roleHeader: config.roleHeader?.lowercased(),
                             defaultRole: config.defaultRole, secretHeader: config.secretHeader?.lowercased(), sharedSecret: config.sharedSecret)
        networks = config.trustedProxies.compactMap(Network.init)
    }

    func authenticate(_ request: AuthRequest) async throws -> AuthDecision {
        guard let user = request.headers[config.userHeader]?.trimmingCharacters(in: .whitespaces), !user.isEmpty else { return .notHandled }
        guard let address = request.clientAddress, networks.contains(where: { $0.contains(address) }) else {
            return .denied(reason: "identity headers from an untrusted address")
        }
        if let header = config.secretHeader, let secret = config.sharedSecret {
            guard let presented = request.headers[header], constantTimeEquals(Array(presented.utf8), Array(secret.utf8)) else {
                return .denied(reason: "proxy secret missing or wrong")
            }
        }
        let role = config.roleHeader.flatMap { request.headers[$0] }?.trimmingCharacters(in: .whitespaces) ?? config.defaultRole
        return .authenticated(Principal(
            subject: "proxy:" + user, email: request.headers[config.emailHeader], name: request.headers[config.nameHeader],
            organization: config.orgHeader.flatMap { request.headers[$0] }.map { Principal.Organization(id: $0) }, role: role))
    }
}

/// An IPv4 or IPv6 address range ("10.0.0.0/8", "::1", "127.0.0.1").
struct Network: Sendable {
    let bytes: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let addr = Network.parse(parts[0]) else { return nil }
        let bits = addr.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else { prefix = bits }
        bytes = addr
    }

    static func parse(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    func contains(_ address: String) -> Bool {
        guard var a = Network.parse(address) else { return false }
        // An IPv4-mapped IPv6 client (::ffff:a.b.c.d) matches IPv4 ranges.
        if a.count == 16, bytes.count == 4, a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 255, a[11] == 255 { a = Array(a[12...]) }
        guard a.count == bytes.count else { return false }
        var remaining = prefix
        for i in 0..<bytes.count where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : UInt8(0xFF << (8 - remaining))
            if a[i] & mask != bytes[i] & mask { return false }
            remaining -= 8
        }
        return true
    }
}


let plugin = SecondPlugin(name: "trusted-header", version: "1.0.0",
                          summary: "Reverse-proxy header auth provider", components: [.auth(TrustedHeaderAuth.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
