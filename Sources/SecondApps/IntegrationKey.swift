/// Grant identity within one app: `(domain, keySlug)`, both normalized (§12) so that
/// "https://www.Slack.com/api" and "slack.com" name the same grant.
public struct GrantKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let domain: String
    public let keySlug: String

    /// Normalizes both parts; use this for every key built from user-written text.
    public init(domain: String, keySlug: String?) {
        self.domain = GrantKey.normalizeDomain(domain)
        self.keySlug = GrantKey.normalizeKeySlug(keySlug)
    }

    public var description: String { "\(domain)/\(keySlug)" }
    public static func < (a: GrantKey, b: GrantKey) -> Bool { (a.domain, a.keySlug) < (b.domain, b.keySlug) }

    /// Lowercase; strip scheme, userinfo, path/query/fragment, port, trailing dot and a leading `www.`.
    public static func normalizeDomain(_ raw: String) -> String {
        var s = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
        if let r = s.range(of: "://") { s = s[r.upperBound...] }
        if let cut = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { s = s[..<cut] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if let colon = s.lastIndex(of: ":"), !s.hasPrefix("[") { s = s[..<colon] }
        while s.hasSuffix(".") { s = s.dropLast() }
        if s.hasPrefix("www.") { s = s.dropFirst(4) }
        return String(s)
    }

    /// Lowercase, runs of `[^a-z0-9]` become `-`, trim `-`; empty or missing → `default`.
    public static func normalizeKeySlug(_ raw: String?) -> String {
        var out = ""
        var pendingDash = false
        for ch in (raw ?? "").lowercased().unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(ch)
            } else {
                pendingDash = true
            }
        }
        return out.isEmpty ? "default" : out
    }
}
