import Foundation
import Testing

/// External mode with the oidc plugin enabled in YAML: a JWT (RS256, key and JWKS made with the
/// openssl CLI) signs the user in, and they land in the workspace their org claim maps to with
/// the role their claims give.
@Suite struct OIDCSignInTests {
    static func b64(_ d: Data) -> String {
        d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func sh(_ script: String, _ args: [String] = []) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script, "sh"] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }

    @Test func signInLandsInTheMappedWorkspaceWithTheRightRole() async throws {
        let dir = NSTemporaryDirectory() + "oidc-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try Self.sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out \"$1/key.pem\" 2>/dev/null", [dir])
        let modulusHex = String(decoding: try Self.sh("openssl rsa -in \"$1/key.pem\" -noout -modulus", [dir]), as: UTF8.self)
            .replacingOccurrences(of: "Modulus=", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        var modulus = Data()
        var i = modulusHex.startIndex
        while i < modulusHex.endIndex {
            let j = modulusHex.index(i, offsetBy: 2)
            modulus.append(UInt8(modulusHex[i..<j], radix: 16)!)
            i = j
        }
        let jwks = #"{"keys":[{"kty":"RSA","kid":"k1","use":"sig","n":"\#(Self.b64(modulus))","e":"AQAB"}]}"#
        FileManager.default.createFile(atPath: dir + "/jwks.json", contents: Data(jwks.utf8))

        func token(sub: String, org: String, role: String) throws -> String {
            let now = Int(Date().timeIntervalSince1970)
            let header = Self.b64(Data(#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#.utf8))
            let payload = Self.b64(Data(#"{"iss":"https://idp.test","aud":"second","sub":"\#(sub)","email":"\#(sub)@\#(org).example","org_id":"\#(org)","groups_role":"\#(role)","exp":\#(now + 300)}"#.utf8))
            let sig = try Self.sh("printf '%s' \"$1\" | openssl dgst -sha256 -sign \"$2/key.pem\"", ["\(header).\(payload)", dir])
            return "\(header).\(payload).\(Self.b64(sig))"
        }

        let config = """
            auth: {mode: external}
            plugins: {load: [second-auth-oidc]}
            components:
              auth:
                oidc/corp:
                  issuer: https://idp.test
                  audiences: [second]
                  jwks_file: \(dir)/jwks.json
                  claims: {role: groups_role}
                  role_map: {Admins: admin, Staff: member}
            """
        try config.write(toFile: dir + "/deploy.yaml", atomically: true, encoding: .utf8)
        let s = try ServerProcess("serve", env: [:], config: dir + "/deploy.yaml")
        #expect(s.waitReady(), "\(s.log)")
        defer { _ = s.stop() }

        let admin = ["Authorization": "Bearer \(try token(sub: "ada", org: "acme", role: "Admins"))"]
        let list = try await send(s.webPort, "GET", "/api/workspaces", admin)
        #expect(list.0 == 200 && list.1 == #"{"workspaces":[{"_id":"acme","name":"acme","role":"admin"}]}"#, "\(list.1)")
        #expect(try await send(s.webPort, "GET", "/api/workspaces/acme/audit-events", admin).0 == 200)
        let staff = ["Authorization": "Bearer \(try token(sub: "bob", org: "acme", role: "Staff"))"]
        #expect(try await send(s.webPort, "GET", "/api/workspaces/acme", staff).1.contains(#""role":"member""#))
        #expect(try await send(s.webPort, "GET", "/api/workspaces/acme/audit-events", staff).0 == 403)
        let forged = admin["Authorization"]!.dropLast(4) + "AAAA"
        #expect(try await send(s.webPort, "GET", "/api/workspaces", ["Authorization": String(forged)]).0 == 401)
        #expect(try await send(s.webPort, "GET", "/api/workspaces", [:]).0 == 401)
    }
}
