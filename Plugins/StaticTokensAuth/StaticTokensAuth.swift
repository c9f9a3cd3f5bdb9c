import Foundation
import SecondPluginKit

/// auth.static_tokens — bearer tokens listed in config or in a JSON file, each mapped to a principal.
/// For service accounts, CI and small self-hosted setups. Tokens are compared in constant time and
/// never logged or echoed.
final class StaticTokensAuth: AuthProvider {
    struct Entry: Decodable, Sendable {
        var token: String
        var subject: String
        var email: String?
        var name: String?
        var organization: String?
        var role: String?
    }
    struct Config: Decodable, Sendable {
        var tokens: [Entry]?
        var tokensFile: String?
        /// Answer DENIED (instead of NOT_HANDLED) for a bearer token that matches no entry.
        var denyUnknown: Bool?
    }

    static let type = "static_tokens"
    static let summary = "Bearer tokens from config or a JSON file, each mapped to a user, organization and role"
    static let stability = Stability.beta
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,
     "properties":{
       "tokens":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["token","subject"],
         "properties":{"token":{"type":"string","minLength":16,"x-secret":true},
                       "subject":{"type":"string","minLength":1},"email":{"type":"string"},"name":{"type":"string"},
                       "organization":{"type":"string"},"role":{"enum":["owner","admin","member"]}}}},
       "tokens_file":{"type":"string","minLength":1,"description":"JSON file with an array of token entries"},
       "deny_unknown":{"type":"boolean","default":false}},
     "anyOf":[{"required":["tokens"]},{"required":["tokens_file"]}]}
    """

    private let entries: [(token: [UInt8], principal: Principal)]
    private let denyUnknown: Bool

    static func validate(_ config: Config, context: InstanceContext) throws {
        if config.tokens == nil && config.tokensFile == nil {
            throw PluginError.invalidConfig("set tokens or tokens_file")
        }
    }

    init(config: Config, context: InstanceContext) throws {
        var list = config.tokens ?? []
        if let file = config.tokensFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PluginError.invalidConfig("cannot read tokens_file \(file)", path: "/tokens_file")
            }
            do { list += try JSONDecoder().decode([Entry].self, from: data) }
            catch { throw PluginError.invalidConfig("tokens_file \(file) is not a JSON array of {token, subject, ...} objects", path: "/tokens_file") }
        }
        var seen = Set<String>()
        for (i, e) in list.enumerated() {
            guard e.token.utf8.count >= 16 else { throw PluginError.invalidConfig("token \(i) is shorter than 16 characters", path: "/tokens/\(i)/token") }
            guard seen.insert(e.token).inserted else { throw PluginError.invalidConfig("token \(i) is listed twice", path: "/tokens/\(i)/token") }
        }
        entries = list.map { e in
            (Array(e.token.utf8), Principal(subject: e.subject, email: e.email, name: e.name,
                                            organization: e.organization.map { Principal.Organization(id: $0) }, role: e.role))
        }
        denyUnknown = config.denyUnknown ?? false
        context.log(.info, "loaded \(entries.count) static token(s)")
    }

    func authenticate(_ request: AuthRequest) async throws -> AuthDecision {
        guard let presented = request.bearerToken else { return .notHandled }
        let bytes = Array(presented.utf8)
        var match: Principal?
        for e in entries where constantTimeEquals(e.token, bytes) { match = e.principal }   // no early exit
        if let match { return .authenticated(match) }
        return denyUnknown ? .denied(reason: "unknown token") : .notHandled
    }
}


let plugin = SecondPlugin(name: "static-tokens", version: "1.0.0",
                          summary: "Static bearer-token auth provider", components: [.auth(StaticTokensAuth.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
