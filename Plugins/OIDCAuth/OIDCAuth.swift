import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SecondPluginKit

/// auth.oidc — RS256/ES256 JWTs from a Bearer header or a named cookie, verified against a JWKS
/// (file or URL; cached; refetched on an unknown `kid`, at most once per refresh interval).
/// Checks issuer, audience, exp and nbf with bounded skew; maps claims to user, organization and role.
final class OIDCAuth: AuthProvider, @unchecked Sendable {
    struct Claims: Decodable, Sendable {
        var subject: String?, email: String?, name: String?, organization: String?, organizationName: String?, role: String?
    }
    struct Config: Decodable, Sendable {
        var issuer: String
        var audiences: [String]
        var jwksFile: String?
        var jwksUrl: String?
        var cookie: String?
        var clockSkewSeconds: Int
        var jwksRefreshSeconds: Int
        var claims: Claims?
        var roleMap: [String: String]?
    }

    static let type = "oidc"
    static let summary = "OpenID Connect / JWT bearer tokens (RS256, ES256) verified against a JWKS"
    static let stability = Stability.beta
    static let extraFlags: UInt32 = 4   // SECOND_COMPONENT_NEEDS_NETWORK (JWKS URL)
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,"required":["issuer","audiences"],
     "properties":{
       "issuer":{"type":"string","minLength":1},
       "audiences":{"type":"array","minItems":1,"items":{"type":"string","minLength":1}},
       "jwks_file":{"type":"string","minLength":1},
       "jwks_url":{"type":"string","format":"uri"},
       "cookie":{"type":"string","minLength":1,"description":"also read the token from this cookie"},
       "clock_skew_seconds":{"type":"integer","minimum":0,"maximum":300,"default":60},
       "jwks_refresh_seconds":{"type":"integer","minimum":1,"maximum":86400,"default":60},
       "claims":{"type":"object","additionalProperties":false,"properties":{
         "subject":{"type":"string"},"email":{"type":"string"},"name":{"type":"string"},
         "organization":{"type":"string"},"organization_name":{"type":"string"},"role":{"type":"string"}}},
       "role_map":{"type":"object","additionalProperties":{"enum":["owner","admin","member"]}}},
     "oneOf":[{"required":["jwks_file"]},{"required":["jwks_url"]}]}
    """

    let config: Config
    let context: InstanceContext
    private let lock = NSLock()
    private var keys: [String: PublicKey] = [:]
    private var anonymousKeys: [PublicKey] = []
    private var lastFetch: Date?

    static func validate(_ c: Config, context: InstanceContext) throws {
        if c.jwksFile == nil && c.jwksUrl == nil { throw PluginError.invalidConfig("set jwks_file or jwks_url", path: "/jwks_file") }
        if let u = c.jwksUrl, let url = URL(string: u), url.scheme != "https", !["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") {
            throw PluginError.invalidConfig("jwks_url must use https (plain http only on loopback)", path: "/jwks_url")
        }
    }

    init(config: Config, context: InstanceContext) throws {
        try Self.validate(config, context: context)
        self.config = config
        self.context = context
    }

    func start() throws {
        if let file = config.jwksFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw PluginError.invalidConfig("cannot read jwks_file \(file)", path: "/jwks_file") }
            guard try load(data) > 0 else { throw PluginError.invalidConfig("jwks_file \(file) has no usable RS256/ES256 key", path: "/jwks_file") }
        }
    }

    /// Replaces the key set from JWKS JSON; returns how many keys were usable.
    @discardableResult
    func load(_ data: Data) throws -> Int {
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = obj["keys"] as? [[String: Any]] else {
            throw PluginError.invalidArgument("JWKS is not a JSON object with a keys array")
        }
        var byKid: [String: PublicKey] = [:], anon: [PublicKey] = []
        for jwk in list where (jwk["use"] as? String ?? "sig") == "sig" {
            guard let key = PublicKey.fromJWK(jwk) else { continue }
            if let kid = jwk["kid"] as? String { byKid[kid] = key } else { anon.append(key) }
        }
        lock.lock(); keys = byKid; anonymousKeys = anon; lock.unlock()
        return byKid.count + anon.count
    }

    /// Fetches the JWKS URL unless it was fetched within the refresh interval.
    func refresh() async {
        guard let u = config.jwksUrl, let url = URL(string: u) else { return }
        let due: Bool = lock.withLock {
            if let last = lastFetch, Date().timeIntervalSince(last) < Double(config.jwksRefreshSeconds) { return false }
            lastFetch = Date()
            return true
        }
        guard due else { return }
        do {
            let (data, resp) = try await URLSession.shared.data(from: url)
            guard (resp as? HTTPURLResponse)?.statusCode == 200 else { context.log(.warn, "JWKS fetch answered HTTP \((resp as? HTTPURLResponse)?.statusCode ?? 0)"); return }
            try load(data)
        } catch {
            context.log(.warn, "JWKS fetch failed: \(error)")
        }
    }

    func key(kid: String?) -> [PublicKey] {
        lock.lock(); defer { lock.unlock() }
        if let kid { return keys[kid].map { [$0] } ?? [] }
        return anonymousKeys + Array(keys.values)
    }

    func authenticate(_ request: AuthRequest) async throws -> AuthDecision {
        guard let token = request.bearerToken ?? config.cookie.flatMap({ request.cookies[$0] }) else { return .notHandled }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // Not a JWT, or another issuer's: someone else's token.
        guard parts.count == 3, let headerBytes = b64url(parts[0]), let payloadBytes = b64url(parts[1]),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any] else { return .notHandled }
        guard claims["iss"] as? String == config.issuer else { return .notHandled }
        guard let alg = header["alg"] as? String, alg == "RS256" || alg == "ES256" else {
            return .denied(reason: "unsupported token algorithm (accepted: RS256, ES256)")
        }
        guard let signature = b64url(parts[2]) else { return .denied(reason: "malformed signature") }
        let kid = header["kid"] as? String
        var candidates = key(kid: kid)
        if candidates.isEmpty { await refresh(); candidates = key(kid: kid) }
        let wanted: PublicKey.Kind = alg == "RS256" ? .rsa : .ecP256
        candidates = candidates.filter { $0.kind == wanted }   // the algorithm must match the key type
        guard !candidates.isEmpty else { return .denied(reason: kid == nil ? "no key for this token" : "unknown key id") }
        let message = Array("\(parts[0]).\(parts[1])".utf8)
        guard candidates.contains(where: { $0.verify(signature: signature, message: message) }) else { return .denied(reason: "bad token signature") }

        let now = Date().timeIntervalSince1970, skew = Double(config.clockSkewSeconds)
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue else { return .denied(reason: "token has no exp") }
        guard now <= exp + skew else { return .denied(reason: "token expired") }
        if let nbf = (claims["nbf"] as? NSNumber)?.doubleValue, now + skew < nbf { return .denied(reason: "token not yet valid") }
        let aud: [String] = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        guard !Set(aud).isDisjoint(with: config.audiences) else { return .denied(reason: "token audience is not accepted") }
        let names = config.claims
        guard let subject = claims[names?.subject ?? "sub"] as? String, !subject.isEmpty else { return .denied(reason: "token has no subject") }
        func string(_ key: String?) -> String? { key.flatMap { claims[$0] as? String } }
        // The role claim may be a string or an array (IdP roles/groups): with an array, the highest
        // role that role_map gives wins; unmapped entries grant nothing.
        let roleClaim = claims[names?.role ?? "role"]
        let role: String?
        if let list = roleClaim as? [String] {
            let mapped = list.compactMap { config.roleMap?[$0] }
            role = ["owner", "admin", "member"].first { mapped.contains($0) }
        } else {
            role = (roleClaim as? String).map { config.roleMap?[$0] ?? $0 }
        }
        let org = string(names?.organization ?? "org_id")
        return .authenticated(Principal(subject: subject, email: string(names?.email ?? "email"), name: string(names?.name ?? "name"),
                                        organization: org.map { Principal.Organization(id: $0, name: string(names?.organizationName ?? "org_name")) },
                                        role: role))
    }
}

let plugin = SecondPlugin(name: "oidc", version: "1.0.0", summary: "OpenID Connect JWT auth provider", components: [.auth(OIDCAuth.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
