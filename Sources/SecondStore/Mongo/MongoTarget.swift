import CMongoc
import Foundation

/// What a MONGODB_URI points at, described without credentials: hosts for messages, the database name, and the
/// secrets to scrub from any text that leaves this module (errors are built from libmongoc messages).
struct MongoTarget: Sendable {
    let hosts: String
    let database: String
    private let secrets: [String]

    /// Parses with libmongoc; a bad URI is `.invalid` with the libmongoc reason, scrubbed.
    init(uri raw: String, database override: String?) throws(StoreError) {
        var secrets = Self.userInfoSecrets(raw)
        MongocLog.shared.register(secrets + [raw])
        _ = mongocInitialised
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(raw, &error) else {
            throw .invalid("MONGODB_URI is not a valid MongoDB URI: \(Self.scrub(error.text, secrets + [raw]))")
        }
        defer { mongoc_uri_destroy(uri) }
        if let p = mongoc_uri_get_password(uri) {
            secrets.append(String(cString: p))
            MongocLog.shared.register([String(cString: p)])
        }
        secrets.append(raw)
        var hostList: [String] = []
        var node = mongoc_uri_get_hosts(uri)
        while let h = node {
            hostList.append(withUnsafeBytes(of: h.pointee.host_and_port) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
            node = UnsafePointer(h.pointee.next)
        }
        if hostList.isEmpty, let srv = mongoc_uri_get_srv_hostname(uri) { hostList.append(String(cString: srv)) }
        hosts = hostList.isEmpty ? "(no host)" : hostList.joined(separator: ",")
        let fromURI = mongoc_uri_get_database(uri).map { String(cString: $0) }
        if let d = fromURI, !d.isEmpty { database = override ?? d } else { database = override ?? "second" }
        self.secrets = secrets.filter { $0.count >= 1 }.sorted { $0.count > $1.count }
    }

    func scrub(_ text: String) -> String { Self.scrub(text, secrets) }

    static func scrub(_ text: String, _ secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
            .reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }

    /// user and password from "scheme://user:pass@host…", raw and percent-decoded, found without libmongoc so they
    /// can be scrubbed even from the error about an unparsable URI.
    static func userInfoSecrets(_ raw: String) -> [String] {
        guard let scheme = raw.range(of: "://") else { return [] }
        let rest = raw[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return [] }
        let userInfo = String(authority[..<at])
        var out = [userInfo]
        let parts = userInfo.split(separator: ":", maxSplits: 1).map(String.init)
        for p in parts where p.count >= 3 {   // short user names would scrub unrelated text; passwords are longer
            out.append(p)
            if let decoded = p.removingPercentEncoding, decoded != p { out.append(decoded) }
        }
        return out
    }
}
