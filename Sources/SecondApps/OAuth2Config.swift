import Foundation
import SecondCore

/// How a tool or grant authenticates. OAuth clients are per workspace + providerKey; the user's
/// token is attached by the server, never written into the tool spec.
public enum IntegrationAuth: Sendable, Equatable {
    case none
    case staticSecret
    case oauth2(OAuth2Config)

    public var isOAuth: Bool { if case .oauth2 = self { return true }; return false }
}

/// The `auth` block of type `oauth2` (§11/§12).
public struct OAuth2Config: Sendable, Equatable {
    public enum TokenAuthMethod: String, Sendable, CaseIterable {
        case clientSecretPost = "client_secret_post", clientSecretBasic = "client_secret_basic", none
    }

    public var providerKey: String
    public var identity: String
    public var authorizationUrl: String
    public var tokenUrl: String
    public var scopes: [String]
    public var tokenAuthMethod: TokenAuthMethod
    public var authorizationParams: [String: String]
    public var tokenParams: [String: String]

    /// The provider key as stored in `oauth_provider_configs`: lowercase `[a-z0-9-]`, at most 80 characters.
    public var normalizedProviderKey: String {
        let slug = GrantKey.normalizeKeySlug(providerKey)
        return String(slug.prefix(80))
    }

    /// The stored/grant form (`tokenAuthMethod` defaulted, scopes in file order).
    public var json: JSON {
        .object([
            "type": "oauth2", "providerKey": .string(providerKey), "identity": .string(identity),
            "authorizationUrl": .string(authorizationUrl), "tokenUrl": .string(tokenUrl),
            "scopes": .array(scopes.map { .string($0) }), "tokenAuthMethod": .string(tokenAuthMethod.rawValue),
            "authorizationParams": .object(authorizationParams.mapValues { .string($0) }),
            "tokenParams": .object(tokenParams.mapValues { .string($0) }),
        ])
    }

    /// Reads an `auth` object. Wrong JSON types are `invalid`; broken OAuth rules (https URLs,
    /// ≥ 1 scope, identity `triggering_user`, provider key) are `changesRequired`.
    static func readAuth(_ value: JSON, at pointer: String, sink: IssueSink) -> IntegrationAuth? {
        guard case .object(let o) = value else { sink.invalid(pointer, "auth must be an object"); return nil }
        let r = FieldReader(object: o, pointer: pointer, sink: sink)
        guard let type = r.string("type", required: true) else { return nil }
        switch type {
        case "none": return IntegrationAuth.none
        case "static_secret": return .staticSecret
        case "oauth2": break
        default:
            sink.invalid(r.at("type"), "auth.type must be \"oauth2\", \"static_secret\" or \"none\" (got \"\(type)\")")
            return nil
        }
        let providerKey = r.string("providerKey", required: true, nonEmpty: true, missingSeverity: .changesRequired) ?? ""
        if !providerKey.isEmpty, !providerKey.unicodeScalars.contains(where: { CharacterSet.alphanumerics.contains($0) }) {
            sink.changes(r.at("providerKey"), "auth.providerKey needs at least one letter or digit")
        }
        let identity = r.string("identity", required: true, missingSeverity: .changesRequired)
        if let identity, identity != "triggering_user" {
            sink.changes(r.at("identity"), "auth.identity must be \"triggering_user\" (got \"\(identity)\")")
        }
        let authorizationUrl = httpsURL(r, "authorizationUrl")
        let tokenUrl = httpsURL(r, "tokenUrl")
        var scopes: [String] = []
        if let raw = r.array("scopes") {
            for (i, s) in raw.enumerated() {
                if case .string(let v) = s, !v.trimmingCharacters(in: .whitespaces).isEmpty { scopes.append(v) }
                else { sink.invalid(Pointer.child(r.at("scopes"), i), "each scope must be a non-empty string") }
            }
            if raw.isEmpty { sink.changes(r.at("scopes"), "auth.scopes must list at least one scope") }
        } else if !r.has("scopes") {
            sink.changes(r.at("scopes"), "auth.scopes is required: list at least one scope")
        }
        var method = TokenAuthMethod.clientSecretPost
        if let m = r.string("tokenAuthMethod") {
            if let parsed = TokenAuthMethod(rawValue: m) { method = parsed }
            else { sink.changes(r.at("tokenAuthMethod"), "auth.tokenAuthMethod must be one of client_secret_post, client_secret_basic, none") }
        }
        if let placement = r.objectField("accessTokenPlacement"),
           placement["type"] != .string("bearer_authorization_header") {
            sink.changes(Pointer.child(r.at("accessTokenPlacement"), "type"), "accessTokenPlacement.type must be \"bearer_authorization_header\"")
        }
        return .oauth2(OAuth2Config(providerKey: providerKey, identity: identity ?? "", authorizationUrl: authorizationUrl,
                                    tokenUrl: tokenUrl, scopes: scopes, tokenAuthMethod: method,
                                    authorizationParams: r.stringMap("authorizationParams"), tokenParams: r.stringMap("tokenParams")))
    }

    private static func httpsURL(_ r: FieldReader, _ key: String) -> String {
        guard let s = r.string(key, required: true, nonEmpty: true, missingSeverity: .changesRequired) else { return "" }
        guard let c = URLComponents(string: s), c.scheme?.lowercased() == "https", let host = c.host, !host.isEmpty else {
            r.sink.changes(r.at(key), "auth.\(key) must be an https:// URL")
            return s
        }
        return s
    }
}
