import Foundation
import SecondCore

/// The signed local-mode session (cookie `second_no_auth_session`):
/// `base64url(JSON{v,userId,iat}) "." base64url(HMAC-SHA256(secret, payloadB64))`.
/// Verification is a pure function of the token, the secret and `now` (tested without I/O).
public struct SessionToken: Sendable, Equatable {
    public static let version = 1
    public static let lifetimeMs: Int64 = 30 * 24 * 3600 * 1000
    public static let maxClockSkewMs: Int64 = 60_000
    public static let cookieName = "second_no_auth_session"

    public let userId: String
    public let issuedAtMs: Int64

    public init(userId: String, issuedAtMs: Int64) { self.userId = userId; self.issuedAtMs = issuedAtMs }

    public enum Rejection: Error, Sendable, Equatable {
        case malformed, badSignature, wrongVersion, missingUser, badIssuedAt, issuedInFuture, expired
    }

    public func encode(secret: [UInt8]) -> String {
        let payload = Base64URL.encode(JSON.object(["v": .int(Int64(Self.version)), "userId": .string(userId), "iat": .int(issuedAtMs)]).bytes())
        return payload + "." + Base64URL.encode(Crypto.hmacSHA256(key: secret, message: Array(payload.utf8)))
    }

    /// Checks signature first (constant time), then version, user, issued-at bounds and lifetime.
    public static func verify(_ token: String, secret: [UInt8], nowMs: Int64) -> Result<SessionToken, Rejection> {
        guard token.utf8.count <= 4096 else { return .failure(.malformed) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let signature = Base64URL.decode(String(parts[1])) else { return .failure(.malformed) }
        let expected = Crypto.hmacSHA256(key: secret, message: Array(parts[0].utf8))
        guard ConstantTime.equals(signature, expected) else { return .failure(.badSignature) }
        guard let payload = Base64URL.decode(String(parts[0])), let json = try? JSON.parse(Data(payload)),
              case .object(let o) = json else { return .failure(.malformed) }
        guard o["v"]?.int == Int64(version) else { return .failure(.wrongVersion) }
        guard let user = o["userId"]?.string, !user.isEmpty else { return .failure(.missingUser) }
        guard case .int(let iat)? = o["iat"], iat > 0 else { return .failure(.badIssuedAt) }
        guard iat <= nowMs + maxClockSkewMs else { return .failure(.issuedInFuture) }
        guard nowMs - iat <= lifetimeMs else { return .failure(.expired) }
        return .success(SessionToken(userId: user, issuedAtMs: iat))
    }

    /// The Set-Cookie value: HttpOnly, SameSite=Lax, 30 days, Secure behind https.
    public func setCookie(secret: [UInt8], secure: Bool) -> String {
        "\(Self.cookieName)=\(encode(secret: secret)); HttpOnly; Path=/; SameSite=Lax; Max-Age=\(Self.lifetimeMs / 1000)" + (secure ? "; Secure" : "")
    }
}
