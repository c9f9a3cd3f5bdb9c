import Foundation

/// The request an auth provider sees. Only what providers need; never the internal API token.
public struct AuthRequest: Decodable, Sendable {
    public var method: String
    public var path: String
    public var clientAddress: String?
    /// Lower-case header names.
    public var headers: [String: String]
    public var cookies: [String: String]

    public init(method: String = "GET", path: String = "/", clientAddress: String? = nil,
                headers: [String: String] = [:], cookies: [String: String] = [:]) {
        self.method = method; self.path = path; self.clientAddress = clientAddress
        self.headers = headers; self.cookies = cookies
    }

    enum CodingKeys: String, CodingKey { case method, path, clientAddress, headers, cookies }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(String.self, forKey: .method) ?? "GET"
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? "/"
        clientAddress = try c.decodeIfPresent(String.self, forKey: .clientAddress)
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        cookies = try c.decodeIfPresent([String: String].self, forKey: .cookies) ?? [:]
    }

    /// The token of an `Authorization: Bearer <token>` header, if any.
    public var bearerToken: String? {
        guard let h = headers["authorization"] else { return nil }
        let parts = h.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}

/// Who a request belongs to, as the provider knows it.
public struct Principal: Codable, Sendable, Equatable {
    public struct Organization: Codable, Sendable, Equatable {
        public var id: String
        public var name: String?
        public init(id: String, name: String? = nil) { self.id = id; self.name = name }
    }
    public var subject: String
    public var email: String?
    public var name: String?
    public var organization: Organization?
    /// "owner", "admin" or "member"; the host validates it and never elevates an unknown role.
    public var role: String?
    public var claims: [String: JSONValue]?

    public init(subject: String, email: String? = nil, name: String? = nil, organization: Organization? = nil,
                role: String? = nil, claims: [String: JSONValue]? = nil) {
        self.subject = subject; self.email = email; self.name = name
        self.organization = organization; self.role = role; self.claims = claims
    }
}

/// The three answers of the auth chain.
public enum AuthDecision: Sendable, Equatable {
    case authenticated(Principal)
    case denied(reason: String)
    /// Not this provider's request: the host asks the next provider.
    case notHandled
}

/// An auth provider (kind "auth").
public protocol AuthProvider: PluginComponent {
    func authenticate(_ request: AuthRequest) async throws -> AuthDecision
    /// Invitation and membership operations (`op`: create, revoke, resend, list, sync).
    /// Default: NOT_SUPPORTED.
    func control(_ request: JSONValue) async throws -> JSONValue
}

extension AuthProvider {
    public func control(_ request: JSONValue) async throws -> JSONValue {
        throw PluginError.notSupported("\(Self.type) does not support control operations")
    }
}
