import Foundation

/// Removes secrets from text before it reaches a message, a log or an event.
public enum Redactor {
    private static let patterns: [NSRegularExpression] = [
        #"sk-[A-Za-z0-9_\-]{6,}"#,                       // OpenAI / Anthropic style keys
        #"AKIA[0-9A-Z]{12,}"#,                             // AWS access key ids
        #"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{6,}"#,   // Authorization values
        #"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{4,}(\.[A-Za-z0-9_\-]*)?"#, // JWTs
        #"(gh[pousr]_|github_pat_|xox[abpsr]-|glpat-|AIza)[A-Za-z0-9_\-]{8,}"#,
        #"(?i)((api[_-]?key|token|secret|password|passwd|authorization|x-api-key)["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// Redacts well-known token shapes plus every string in `secrets` (exact matches, ≥ 4 chars).
    public static func redact(_ text: String, secrets: [String] = []) -> String {
        var s = text
        for secret in secrets where secret.count >= 4 { s = s.replacingOccurrences(of: secret, with: "[REDACTED]") }
        for (i, re) in patterns.enumerated() {
            let range = NSRange(s.startIndex..., in: s)
            // The key=value pattern keeps its key part (group 1).
            s = re.stringByReplacingMatches(in: s, range: range, withTemplate: i == patterns.count - 1 ? "$1[REDACTED]" : "[REDACTED]")
        }
        return s
    }

    /// Redacts, then truncates to `limit` characters (with an ellipsis).
    public static func clip(_ text: String, limit: Int = 800, secrets: [String] = []) -> String {
        let r = redact(text, secrets: secrets)
        return r.count <= limit ? r : String(r.prefix(limit)) + "…"
    }
}

/// The last N stderr lines of a child, redacted on the way in.
public struct StderrTail: Sendable {
    private var lines: [String] = []
    public let capacity: Int
    public let secrets: [String]
    public init(capacity: Int = 20, secrets: [String] = []) { self.capacity = capacity; self.secrets = secrets }
    public mutating func append(_ line: String) {
        let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { return }
        lines.append(Redactor.clip(t, limit: 400, secrets: secrets))
        if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
    }
    public var text: String { lines.joined(separator: "\n") }
    public var isEmpty: Bool { lines.isEmpty }
}
