import SecondPluginKit

/// auth.acme_header — identity from a trusted reverse proxy (Acme's SSO gateway).
///
/// The proxy authenticates the user and forwards the request with identity headers plus a shared
/// secret that proves the request came through the proxy:
///
///     x-acme-user: ada
///     x-acme-email: ada@acme.example
///     x-acme-org: acme-research
///     x-acme-proxy-secret: <shared secret>
///
/// - no user header                      → not handled (the next auth provider is asked)
/// - user header, secret missing/wrong   → denied
/// - otherwise                           → principal "acme:<user>" with the configured role
///
/// The secret is compared in constant time and never logged or echoed.
final class AcmeHeaderAuth: AuthProvider {
    struct Config: Decodable, Sendable {
        // snake_case keys in YAML/JSON map to these camelCase names.
        var userHeader: String?
        var emailHeader: String?
        var orgHeader: String?
        var secretHeader: String?
        var sharedSecret: String
        var defaultRole: String?
        /// The Acme directory to push into Second on a control {"op":"sync"} (the out-of-band sync
        /// path, through the host's identity services). Roles are passed as given: the host validates.
        var directory: [DirectoryEntry]?
    }
    struct DirectoryEntry: Decodable, Sendable {
        var subject: String
        var email: String?
        var name: String?
        var organization: String
        var role: String
    }

    static let type = "acme_header"
    static let summary = "Identity from Acme reverse-proxy headers, guarded by a shared secret"
    static let stability = Stability.beta
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,"required":["shared_secret"],
     "properties":{
       "user_header":{"type":"string","minLength":1,"default":"x-acme-user"},
       "email_header":{"type":"string","minLength":1,"default":"x-acme-email"},
       "org_header":{"type":"string","minLength":1,"default":"x-acme-org"},
       "secret_header":{"type":"string","minLength":1,"default":"x-acme-proxy-secret"},
       "shared_secret":{"type":"string","minLength":16,"x-secret":true,
                        "description":"the value the proxy sends in secret_header"},
       "default_role":{"enum":["owner","admin","member"],"default":"member"},
       "directory":{"type":"array","items":{"type":"object","additionalProperties":false,
         "required":["subject","organization","role"],
         "properties":{"subject":{"type":"string","minLength":1},"email":{"type":"string"},"name":{"type":"string"},
                       "organization":{"type":"string","minLength":1},"role":{"type":"string"}}}}}}
    """

    static let roles: Set<String> = ["owner", "admin", "member"]

    private let userHeader: String
    private let emailHeader: String
    private let orgHeader: String
    private let secretHeader: String
    private let sharedSecret: [UInt8]
    private let role: String

    /// Header names as the host passes them: lower-case.
    private static func headerNames(_ c: Config) -> (user: String, email: String, org: String, secret: String) {
        ((c.userHeader ?? "x-acme-user").lowercased(), (c.emailHeader ?? "x-acme-email").lowercased(),
         (c.orgHeader ?? "x-acme-org").lowercased(), (c.secretHeader ?? "x-acme-proxy-secret").lowercased())
    }

    /// What the schema cannot say (the host has already applied the schema).
    static func validate(_ config: Config, context: InstanceContext) throws {
        guard config.sharedSecret.unicodeScalars.count >= 16 else {
            throw PluginError.invalidConfig("shared_secret must be at least 16 characters", path: "/shared_secret")
        }
        if let role = config.defaultRole, !roles.contains(role) {
            throw PluginError.invalidConfig("default_role must be owner, admin or member", path: "/default_role")
        }
        let h = headerNames(config)
        for (name, value) in [("user_header", h.user), ("email_header", h.email), ("org_header", h.org),
                              ("secret_header", h.secret)] where value.isEmpty {
            throw PluginError.invalidConfig("\(name) must not be empty", path: "/\(name)")
        }
        if h.secret == h.user || h.secret == h.email || h.secret == h.org {
            throw PluginError.invalidConfig("secret_header must differ from the identity headers", path: "/secret_header")
        }
    }

    init(config: Config, context: InstanceContext) throws {
        try Self.validate(config, context: context)
        let h = Self.headerNames(config)
        userHeader = h.user
        emailHeader = h.email
        orgHeader = h.org
        secretHeader = h.secret
        sharedSecret = Array(config.sharedSecret.utf8)
        role = config.defaultRole ?? "member"
        directory = config.directory ?? []
        self.context = context
        context.log(.info, "trusting proxy headers \(h.user)/\(h.email)/\(h.org), secret in \(h.secret), role \(role)")
    }

    private let directory: [DirectoryEntry]
    private let context: InstanceContext

    /// {"op":"sync"}: upserts every directory entry as user → organization's workspace → membership
    /// through "second.identity.v1". Entries the host refuses (e.g. an unknown role) are counted, not fatal.
    func control(_ request: JSONValue) async throws -> JSONValue {
        guard request["op"]?.stringValue == "sync" else { throw PluginError.notSupported("acme_header supports only op \"sync\"") }
        var synced = 0
        var refused: [JSONValue] = []
        for e in directory {
            do {
                var user: [String: JSONValue] = ["op": .string("upsert_user"), "subject": .string("acme:" + e.subject)]
                if let m = e.email { user["email"] = .string(m) }
                if let n = e.name { user["name"] = .string(n) }
                let userId = try await context.identity(user)["user_id"]?.stringValue ?? ""
                let ws = try await context.identity(["op": .string("map_organization"), "organization_id": .string(e.organization)])["workspace_id"]?.stringValue ?? ""
                _ = try await context.identity(["op": .string("upsert_membership"), "workspace_id": .string(ws), "user_id": .string(userId), "role": .string(e.role)])
                synced += 1
            } catch let error as PluginError {
                refused.append(.object(["subject": .string(e.subject), "error": .string(error.message)]))
            }
        }
        return .object(["v": .number(1), "synced": .number(Double(synced)), "refused": .array(refused)])
    }

    func authenticate(_ request: AuthRequest) async throws -> AuthDecision {
        guard let user = request.headers[userHeader]?.trimmingSpaces, !user.isEmpty else { return .notHandled }
        let presented = Array((request.headers[secretHeader] ?? "").utf8)
        // Always compare (also when the header is missing) so timing does not tell the two apart.
        let secretOK = constantTimeEquals(presented, sharedSecret) && request.headers[secretHeader] != nil
        guard secretOK else { return .denied(reason: "proxy secret missing or wrong") }

        let email = request.headers[emailHeader]?.trimmingSpaces
        let org = request.headers[orgHeader]?.trimmingSpaces
        return .authenticated(Principal(
            subject: "acme:" + user,
            email: email?.isEmpty == false ? email : nil,
            organization: org?.isEmpty == false ? org.map { Principal.Organization(id: $0) } : nil,
            role: role))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (header value whitespace).
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// Compares without an early exit. The time depends only on the presented value's length (known to
/// the caller anyway), not on the secret's length or content.
private func constantTimeEquals(_ presented: [UInt8], _ secret: [UInt8]) -> Bool {
    var diff = UInt8(presented.count == secret.count ? 0 : 1)
    for i in 0..<presented.count {
        let s = i < secret.count ? secret[i] : 0
        diff |= presented[i] ^ s
    }
    return diff == 0
}

let plugin = SecondPlugin(name: "acme-auth", version: "1.2.0",
                          summary: "Acme SSO: identity from Acme reverse-proxy headers",
                          homepage: "https://acme.example/second-plugin",
                          components: [.auth(AcmeHeaderAuth.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
