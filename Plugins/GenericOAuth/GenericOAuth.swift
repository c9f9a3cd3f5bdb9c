import Foundation
import SecondPluginKit

/// oauth.generic — any standards-following OAuth 2.0 provider, described entirely by config.
/// Configure it once per provider ("generic/github", "generic/linear", ...).
final class GenericOAuth: OAuthProvider {
    struct Config: Decodable, Sendable {
        var key: String
        var displayName: String
        var authorizationUrl: String
        var tokenUrl: String
        var revocationUrl: String?
        var userinfoUrl: String?
        var scopes: [String]
        var scopeSeparator: String
        var clientAuthMethod: String
        var pkce: String
        var authorizeParams: [String: String]?
        var tokenResponseFormat: String
        var errorInSuccess: Bool
    }

    static let type = "generic"
    static let summary = "A standard OAuth 2.0 provider described by config (endpoints, scopes, client auth, PKCE)"
    static let stability = Stability.beta
    static let normalizesTokenResponses = true
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,
     "required":["key","display_name","authorization_url","token_url"],
     "properties":{
       "key":{"type":"string","pattern":"^[a-z][a-z0-9_-]{0,62}$"},
       "display_name":{"type":"string","minLength":1},
       "authorization_url":{"type":"string","format":"uri"},
       "token_url":{"type":"string","format":"uri"},
       "revocation_url":{"type":"string","format":"uri"},
       "userinfo_url":{"type":"string","format":"uri"},
       "scopes":{"type":"array","items":{"type":"string"},"default":[]},
       "scope_separator":{"type":"string","default":" "},
       "client_auth_method":{"enum":["client_secret_basic","client_secret_post","none"],"default":"client_secret_basic"},
       "pkce":{"enum":["S256","plain","none"],"default":"S256"},
       "authorize_params":{"type":"object","additionalProperties":{"type":"string"}},
       "token_response_format":{"enum":["json","form"],"default":"json"},
       "error_in_success":{"type":"boolean","default":false}}}
    """

    private let definition: OAuthDefinition

    static func validate(_ c: Config, context: InstanceContext) throws {
        for (field, url) in [("authorization_url", c.authorizationUrl), ("token_url", c.tokenUrl)] {
            guard let u = URL(string: url), u.scheme == "https" || u.host == "127.0.0.1" || u.host == "localhost" else {
                throw PluginError.invalidConfig("\(field) must use https (plain http only on loopback)", path: "/\(field)")
            }
        }
    }

    init(config c: Config, context: InstanceContext) throws {
        try Self.validate(c, context: context)
        definition = OAuthDefinition(
            key: c.key, displayName: c.displayName, authorizationUrl: c.authorizationUrl, tokenUrl: c.tokenUrl,
            revocationUrl: c.revocationUrl, userinfoUrl: c.userinfoUrl, scopes: c.scopes, scopeSeparator: c.scopeSeparator,
            clientAuthMethod: OAuthDefinition.ClientAuthMethod(rawValue: c.clientAuthMethod) ?? .clientSecretBasic,
            pkce: OAuthDefinition.PKCE(rawValue: c.pkce) ?? .s256, authorizeParams: c.authorizeParams ?? [:],
            tokenResponse: .init(format: c.tokenResponseFormat, errorInSuccess: c.errorInSuccess))
    }

    func describe() throws -> OAuthDefinition { definition }

    /// Accepts JSON or form-encoded bodies, and providers that report errors with HTTP 200.
    func normalizeTokenResponse(_ raw: RawTokenResponse) throws -> TokenSet {
        var fields: [String: String] = [:]
        let isForm = (raw.contentType ?? "").contains("x-www-form-urlencoded") || definition.tokenResponse.format == "form"
        if isForm, !raw.body.hasPrefix("{") {
            for pair in raw.body.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
                if kv.count == 2 { fields[kv[0]] = kv[1] }
            }
        } else if let obj = (try? JSONSerialization.jsonObject(with: Data(raw.body.utf8))) as? [String: Any] {
            for (k, v) in obj { fields[k] = (v as? String) ?? (v as? NSNumber)?.stringValue }
        } else {
            throw PluginError.invalidArgument("token endpoint answered HTTP \(raw.status) with a body that is neither JSON nor form data")
        }
        if let error = fields["error"] {
            throw PluginError(.unauthenticated, "provider \(definition.key) refused the token request: \(error)")
        }
        guard raw.status >= 200 && raw.status < 300 else {
            throw PluginError(.unavailable, "token endpoint answered HTTP \(raw.status)")
        }
        guard let access = fields["access_token"], !access.isEmpty else {
            throw PluginError.invalidArgument("token response has no access_token")
        }
        return TokenSet(accessToken: access, refreshToken: fields["refresh_token"], expiresIn: fields["expires_in"].flatMap { Int($0) },
                        scope: fields["scope"], tokenType: fields["token_type"])
    }
}

let plugin = SecondPlugin(name: "generic-oauth", version: "1.0.0",
                          summary: "OAuth 2.0 provider definitions from config", components: [.oauth(GenericOAuth.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
