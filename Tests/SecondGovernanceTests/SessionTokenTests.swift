import Foundation
import Testing
import SecondCore
@testable import SecondCrypto

@Suite struct SessionTokenTests {
    let secret = Array("0123456789abcdef0123456789abcdef-secret".utf8)
    let now: Int64 = 1_800_000_000_000

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2.
        let mac = Crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac.map { String(format: "%02x", $0) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func base64URLRoundTrip() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + n) & 255) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab=c") == nil)
        #expect(Base64URL.decode("ab+c") == nil)
    }

    @Test func roundTrip() throws {
        let token = SessionToken(userId: "u1", issuedAtMs: now).encode(secret: secret)
        #expect(try SessionToken.verify(token, secret: secret, nowMs: now + 1000).get() == SessionToken(userId: "u1", issuedAtMs: now))
    }

    @Test func tamperingIsRejected() {
        let token = SessionToken(userId: "u1", issuedAtMs: now).encode(secret: secret)
        let parts = token.split(separator: ".").map(String.init)
        // Another user id with the original signature.
        let forged = Base64URL.encode(JSON.object(["v": 1, "userId": "admin", "iat": .int(now)]).bytes()) + "." + parts[1]
        #expect(SessionToken.verify(forged, secret: secret, nowMs: now) == .failure(.badSignature))
        // A flipped signature byte, a wrong secret, garbage.
        var sig = Base64URL.decode(parts[1])!
        sig[0] ^= 1
        #expect(SessionToken.verify(parts[0] + "." + Base64URL.encode(sig), secret: secret, nowMs: now) == .failure(.badSignature))
        #expect(SessionToken.verify(token, secret: Array("another-secret-0123456789abcdef!!".utf8), nowMs: now) == .failure(.badSignature))
        for junk in ["", ".", "abc", "a.b.c", parts[0], token + "x", String(repeating: "A", count: 5000)] {
            if case .success = SessionToken.verify(junk, secret: secret, nowMs: now) { Issue.record("accepted \(junk.prefix(20))") }
        }
    }

    /// A correctly signed payload that breaks one rule.
    func signed(_ payload: JSON) -> String {
        let p = Base64URL.encode(payload.bytes())
        return p + "." + Base64URL.encode(Crypto.hmacSHA256(key: secret, message: Array(p.utf8)))
    }

    @Test func payloadRules() {
        #expect(SessionToken.verify(signed(["v": 2, "userId": "u", "iat": .int(now)]), secret: secret, nowMs: now) == .failure(.wrongVersion))
        #expect(SessionToken.verify(signed(["userId": "u", "iat": .int(now)]), secret: secret, nowMs: now) == .failure(.wrongVersion))
        #expect(SessionToken.verify(signed(["v": 1, "userId": "", "iat": .int(now)]), secret: secret, nowMs: now) == .failure(.missingUser))
        #expect(SessionToken.verify(signed(["v": 1, "userId": "u", "iat": 0]), secret: secret, nowMs: now) == .failure(.badIssuedAt))
        #expect(SessionToken.verify(signed(["v": 1, "userId": "u", "iat": 1.5]), secret: secret, nowMs: now) == .failure(.badIssuedAt))
        #expect(SessionToken.verify(signed(["v": 1, "userId": "u", "iat": "1"]), secret: secret, nowMs: now) == .failure(.badIssuedAt))
        #expect(SessionToken.verify(signed(["v": 1, "userId": "u", "iat": .int(now + 61_000)]), secret: secret, nowMs: now) == .failure(.issuedInFuture))
        #expect((try? SessionToken.verify(signed(["v": 1, "userId": "u", "iat": .int(now + 59_000)]), secret: secret, nowMs: now).get()) != nil, "within the clock skew")
        #expect(SessionToken.verify(signed(["v": 1, "userId": "u", "iat": .int(now - SessionToken.lifetimeMs - 1)]), secret: secret, nowMs: now) == .failure(.expired))
        #expect(SessionToken.verify(signed(.array([])), secret: secret, nowMs: now) == .failure(.malformed))
    }

    @Test func cookieAttributes() {
        let c = SessionToken(userId: "u", issuedAtMs: now).setCookie(secret: secret, secure: true)
        #expect(c.hasPrefix("second_no_auth_session="))
        #expect(c.contains("; HttpOnly") && c.contains("; SameSite=Lax") && c.contains("; Path=/") && c.contains("; Max-Age=2592000") && c.hasSuffix("; Secure"))
        #expect(!SessionToken(userId: "u", issuedAtMs: now).setCookie(secret: secret, secure: false).contains("Secure"))
    }
}
