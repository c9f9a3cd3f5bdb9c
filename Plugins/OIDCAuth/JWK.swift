import Foundation
import COpenSSL

/// Public keys from a JWKS, as OpenSSL EVP_PKEYs. Keys are built from the JWK fields as a DER
/// SubjectPublicKeyInfo (RSA n/e, or EC P-256 x/y) and read with d2i_PUBKEY: no deprecated APIs.
final class PublicKey: @unchecked Sendable {
    enum Kind: Sendable { case rsa, ecP256 }
    let kind: Kind
    let pkey: OpaquePointer

    private init(kind: Kind, pkey: OpaquePointer) { self.kind = kind; self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    static func fromJWK(_ jwk: [String: Any]) -> PublicKey? {
        switch jwk["kty"] as? String {
        case "RSA":
            guard let n = (jwk["n"] as? String).flatMap(b64url), let e = (jwk["e"] as? String).flatMap(b64url), n.count >= 256 else { return nil }
            let rsaKey = DER.sequence(DER.integer(n) + DER.integer(e))
            let spki = DER.sequence(DER.sequence(DER.oid([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]) + [0x05, 0x00]) + DER.bitString(rsaKey))
            return parse(spki).map { PublicKey(kind: .rsa, pkey: $0) }
        case "EC":
            guard jwk["crv"] as? String == "P-256", let x = (jwk["x"] as? String).flatMap(b64url), let y = (jwk["y"] as? String).flatMap(b64url),
                  x.count == 32, y.count == 32 else { return nil }
            let spki = DER.sequence(DER.sequence(DER.oid([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]) + DER.oid([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]))
                                    + DER.bitString([0x04] + x + y))
            return parse(spki).map { PublicKey(kind: .ecP256, pkey: $0) }
        default:
            return nil
        }
    }

    private static func parse(_ der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buf -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_PUBKEY(nil, &p, buf.count)
        }
    }

    /// Verifies a JWS signature over `message` (RS256: PKCS#1 v1.5; ES256: raw r||s, converted to DER).
    func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        var sig = signature
        if kind == .ecP256 {
            guard signature.count == 64 else { return false }
            sig = DER.sequence(DER.integer(Array(signature[0..<32])) + DER.integer(Array(signature[32..<64])))
        }
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 else { return false }
        return sig.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in EVP_DigestVerify(ctx, s.baseAddress, s.count, m.baseAddress, m.count) == 1 }
        }
    }
}

/// Minimal DER encoding for public-key structures.
enum DER {
    static func length(_ n: Int) -> [UInt8] {
        if n < 128 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 { bytes.insert(UInt8(v & 0xFF), at: 0); v >>= 8 }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] { [tag] + length(content.count) + content }
    static func sequence(_ c: [UInt8]) -> [UInt8] { tlv(0x30, c) }
    static func oid(_ c: [UInt8]) -> [UInt8] { tlv(0x06, c) }
    static func bitString(_ c: [UInt8]) -> [UInt8] { tlv(0x03, [0x00] + c) }
    /// A non-negative INTEGER from big-endian bytes (leading zeros stripped, 0x00 added if the top bit is set).
    static func integer(_ bytes: [UInt8]) -> [UInt8] {
        var b = Array(bytes.drop { $0 == 0 })
        if b.isEmpty { b = [0] }
        if b[0] & 0x80 != 0 { b.insert(0, at: 0) }
        return tlv(0x02, b)
    }
}

/// base64url without padding (padding tolerated), nil on bad input.
func b64url(_ s: String) -> [UInt8]? {
    var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    t = t.trimmingCharacters(in: CharacterSet(charactersIn: "="))
    guard t.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" }), t.count % 4 != 1 else { return nil }
    while t.count % 4 != 0 { t += "=" }
    return Data(base64Encoded: t).map { [UInt8]($0) }
}
