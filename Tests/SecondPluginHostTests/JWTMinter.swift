import Foundation
import COpenSSL

/// Test-side token issuer: keys from `openssl genpkey`, signatures from libcrypto, JWKS from the keys.
final class JWTMinter: @unchecked Sendable {
    let kid: String
    let alg: String
    let pkey: OpaquePointer

    init(alg: String, kid: String) throws {
        self.alg = alg; self.kid = kid
        let file = NSTemporaryDirectory() + "jwt-\(kid)-\(getpid()).pem"
        let args = alg == "RS256" ? ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file]
                                  : ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]
        let r = try Shell.run(["openssl"] + args)
        guard r.status == 0, let pem = FileManager.default.contents(atPath: file) else { throw Fixture.FixtureError(message: "openssl genpkey: \(r.output)") }
        let bytes = [UInt8](pem)
        pkey = try bytes.withUnsafeBufferPointer { buf in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count)) else { throw Fixture.FixtureError(message: "BIO") }
            defer { BIO_free(bio) }
            guard let k = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw Fixture.FixtureError(message: "PEM") }
            return k
        }
    }

    static func b64(_ b: [UInt8]) -> String {
        Data(b).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The public JWK of this key.
    var jwk: [String: Any] {
        if alg == "RS256" {
            func bn(_ name: String) -> [UInt8] {
                var b: OpaquePointer? = nil
                EVP_PKEY_get_bn_param(pkey, name, &b)
                defer { BN_free(b) }
                var out = [UInt8](repeating: 0, count: Int((BN_num_bits(b) + 7) / 8))
                BN_bn2bin(b, &out)
                return out
            }
            return ["kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": Self.b64(bn("n")), "e": Self.b64(bn("e"))]
        }
        var pub = [UInt8](repeating: 0, count: 65)
        var len = 0
        EVP_PKEY_get_octet_string_param(pkey, "pub", &pub, 65, &len)
        return ["kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "x": Self.b64(Array(pub[1...32])), "y": Self.b64(Array(pub[33...64]))]
    }

    static func jwks(_ keys: [JWTMinter]) -> Data {
        try! JSONSerialization.data(withJSONObject: ["keys": keys.map(\.jwk)])
    }

    /// A signed token. `header` overrides header fields (e.g. alg, kid).
    func token(_ claims: [String: Any], header: [String: Any] = [:]) -> String {
        var h: [String: Any] = ["alg": alg, "typ": "JWT", "kid": kid]
        for (k, v) in header { h[k] = v }
        let input = Self.b64(Array(try! JSONSerialization.data(withJSONObject: h))) + "." + Self.b64(Array(try! JSONSerialization.data(withJSONObject: claims)))
        return input + "." + Self.b64(sign(Array(input.utf8)))
    }

    func sign(_ message: [UInt8]) -> [UInt8] {
        let ctx = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(ctx) }
        EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, pkey)
        var len = 0
        EVP_DigestSign(ctx, nil, &len, message, message.count)
        var sig = [UInt8](repeating: 0, count: len)
        EVP_DigestSign(ctx, &sig, &len, message, message.count)
        sig = Array(sig.prefix(len))
        return alg == "ES256" ? Self.rawECDSA(sig) : sig
    }

    /// DER ECDSA-Sig-Value → JWS r||s (32 bytes each).
    static func rawECDSA(_ der: [UInt8]) -> [UInt8] {
        var i = 2
        if der[1] & 0x80 != 0 { i += Int(der[1] & 0x7F) }
        func int() -> [UInt8] {
            let len = Int(der[i + 1]); let v = Array(der[(i + 2)..<(i + 2 + len)]); i += 2 + len
            let trimmed = Array(v.drop { $0 == 0 })
            return [UInt8](repeating: 0, count: 32 - trimmed.count) + trimmed
        }
        return int() + int()
    }
}
