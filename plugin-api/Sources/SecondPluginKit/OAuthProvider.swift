/// An OAuth 2.0 provider described as data. The host's OAuth client runs the flows.
public struct OAuthDefinition: Codable, Sendable, Equatable {
    public enum ClientAuthMethod: String, Codable, Sendable { case clientSecretBasic = "client_secret_basic", clientSecretPost = "client_secret_post", none }
    public enum PKCE: String, Codable, Sendable { case s256 = "S256", plain, none }
    public struct TokenResponse: Codable, Sendable, Equatable {
        /// "json" or "form" (some providers answer application/x-www-form-urlencoded).
        public var format: String
        public var accessTokenPath: String
        /// True when the provider reports errors with HTTP 200 and an "error" field.
        public var errorInSuccess: Bool
        public var scopePath: String?
        public init(format: String = "json", accessTokenPath: String = "/access_token", errorInSuccess: Bool = false, scopePath: String? = "/scope") {
            self.format = format; self.accessTokenPath = accessTokenPath; self.errorInSuccess = errorInSuccess; self.scopePath = scopePath
        }
    }

    public var v: Int = 1
    public var key: String
    public var displayName: String
    public var authorizationUrl: String
    public var tokenUrl: String
    public var revocationUrl: String?
    public var userinfoUrl: String?
    public var scopes: [String]
    public var scopeSeparator: String
    public var clientAuthMethod: ClientAuthMethod
    public var pkce: PKCE
    public var authorizeParams: [String: String]
    public var tokenResponse: TokenResponse

    public init(key: String, displayName: String, authorizationUrl: String, tokenUrl: String, revocationUrl: String? = nil,
                userinfoUrl: String? = nil, scopes: [String] = [], scopeSeparator: String = " ",
                clientAuthMethod: ClientAuthMethod = .clientSecretBasic, pkce: PKCE = .s256,
                authorizeParams: [String: String] = [:], tokenResponse: TokenResponse = TokenResponse()) {
        self.key = key; self.displayName = displayName; self.authorizationUrl = authorizationUrl; self.tokenUrl = tokenUrl
        self.revocationUrl = revocationUrl; self.userinfoUrl = userinfoUrl; self.scopes = scopes; self.scopeSeparator = scopeSeparator
        self.clientAuthMethod = clientAuthMethod; self.pkce = pkce; self.authorizeParams = authorizeParams; self.tokenResponse = tokenResponse
    }
}

/// A raw token endpoint answer handed to `normalizeTokenResponse`.
public struct RawTokenResponse: Decodable, Sendable {
    public var status: Int
    public var contentType: String?
    public var body: String
}

/// The normalized token set.
public struct TokenSet: Codable, Sendable, Equatable {
    public var v: Int = 1
    public var accessToken: String
    public var refreshToken: String?
    public var expiresIn: Int?
    public var scope: String?
    public var tokenType: String?
    public init(accessToken: String, refreshToken: String? = nil, expiresIn: Int? = nil, scope: String? = nil, tokenType: String? = nil) {
        self.accessToken = accessToken; self.refreshToken = refreshToken; self.expiresIn = expiresIn; self.scope = scope; self.tokenType = tokenType
    }
}

/// An OAuth provider definition (kind "oauth").
public protocol OAuthProvider: PluginComponent {
    func describe() throws -> OAuthDefinition
    /// Set to true when `normalizeTokenResponse` is implemented (the host then calls it instead of
    /// applying the definition's token_response rules).
    static var normalizesTokenResponses: Bool { get }
    func normalizeTokenResponse(_ raw: RawTokenResponse) throws -> TokenSet
}

extension OAuthProvider {
    public static var normalizesTokenResponses: Bool { false }
    public func normalizeTokenResponse(_ raw: RawTokenResponse) throws -> TokenSet {
        throw PluginError.notSupported("\(Self.type) has no token response hook")
    }
}
