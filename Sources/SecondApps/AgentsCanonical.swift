import SecondCore
import SecondCrypto

/// The approval hash of `agents.json` (§11): a version-prefixed SHA-256 of the normalized,
/// canonical payload. Cosmetic edits (key order, empty lists) keep an approval; any effective
/// change invalidates it.
public enum AgentsCanonical {
    /// The normalizer used for new approvals.
    public static let currentVersion = 1

    /// Drops what does not change behaviour. v1: top-level `appTools: []` / `agents: []` and
    /// per-agent `tools: []` / `dataCollections: []`. Other versions fall back to the current one.
    public static func normalize(_ json: JSON, version: Int = currentVersion) -> JSON {
        switch version {
        default: return normalizeV1(json)
        }
    }

    /// `"v1:" + hex(sha256(canonical(normalize(json))))`.
    public static func approvalHash(_ json: JSON) -> String { approvalHash(json, version: currentVersion) }

    /// The hash under the normalizer `version` selects (unknown versions use the current normalizer and prefix).
    public static func approvalHash(_ json: JSON, version: Int) -> String {
        let v = isKnown(version) ? version : currentVersion
        return "v\(v):" + CanonicalJSON.sha256Hex(normalize(json, version: v))
    }

    /// The version named by a stored hash's `v(\d+):` prefix; missing or unknown → the current version.
    public static func version(ofHash hash: String) -> Int {
        guard hash.hasPrefix("v"), let colon = hash.firstIndex(of: ":") else { return currentVersion }
        let digits = hash[hash.index(after: hash.startIndex)..<colon]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let v = Int(digits), isKnown(v) else { return currentVersion }
        return v
    }

    /// Recomputes with the stored hash's normalizer and compares in constant time.
    public static func matches(_ json: JSON, approvalHash stored: String) -> Bool {
        ConstantTime.equals(approvalHash(json, version: version(ofHash: stored)), stored)
    }

    /// §11 draft check: no file → no approval needed; unparsable or empty → invalid; else the
    /// recomputed hash must equal the stored approval hash.
    public static func isApproved(draftText: String?, approvalHash stored: String?) -> DraftApproval {
        guard let draftText else { return DraftApproval(requiresApproval: false, approved: true, invalid: false, currentHash: nil) }
        guard case .success(let json) = LocatedJSON.parse(draftText), hasContent(json) else {
            return DraftApproval(requiresApproval: true, approved: false, invalid: true, currentHash: nil)
        }
        let version = stored.map { self.version(ofHash: $0) } ?? currentVersion
        let current = approvalHash(json, version: version)
        let approved = stored.map { ConstantTime.equals(current, $0) } ?? false
        return DraftApproval(requiresApproval: true, approved: approved, invalid: false, currentHash: current)
    }

    /// An object whose normalized form has a non-empty `agents` or `appTools` array.
    static func hasContent(_ json: JSON) -> Bool {
        guard case .object(let o) = normalize(json) else { return false }
        return !(o["agents"]?.array ?? []).isEmpty || !(o["appTools"]?.array ?? []).isEmpty
    }

    private static func isKnown(_ version: Int) -> Bool { version == 1 }

    private static func normalizeV1(_ json: JSON) -> JSON {
        guard case .object(var root) = json else { return json }
        for key in ["appTools", "agents"] where root[key] == .array([]) { root[key] = nil }
        if case .array(let agents)? = root["agents"] {
            root["agents"] = .array(agents.map { agent in
                guard case .object(var a) = agent else { return agent }
                for key in ["tools", "dataCollections"] where a[key] == .array([]) { a[key] = nil }
                return .object(a)
            })
        }
        return .object(root)
    }
}

/// Result of the draft approval check.
public struct DraftApproval: Sendable, Equatable {
    /// False only when the draft has no `agents.json`.
    public let requiresApproval: Bool
    public let approved: Bool
    /// The file exists but is not JSON, or has no agents and no app tools.
    public let invalid: Bool
    /// The draft's current hash (nil when there is no file or it is invalid).
    public let currentHash: String?
}

/// What an approval stores on the app (`agentsJsonApprovalHash`, `agentsJsonApprovedPayload`).
public struct AgentsApproval: Sendable, Equatable {
    public let hash: String
    /// The normalized payload; runs under this approval read their policy from here.
    public let payload: JSON
    public let policy: AgentsPolicy

    /// Validates `text` and returns the record to store. Schema errors always refuse; policy issues
    /// (`changes_required`) refuse unless `allowPolicyIssues`.
    public static func make(text: String, allowPolicyIssues: Bool = false) throws(AgentsApprovalError) -> AgentsApproval {
        let validation = AgentsPolicy.validate(text: text)
        guard let policy = validation.policy, let document = validation.document,
              validation.status == .presented || (allowPolicyIssues && validation.status == .changesRequired) else {
            throw AgentsApprovalError(validation: validation)
        }
        return AgentsApproval(hash: AgentsCanonical.approvalHash(document), payload: AgentsCanonical.normalize(document), policy: policy)
    }
}

/// Why `agents.json` could not be approved (maps to 400 `invalid_agents_json`).
public struct AgentsApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    public let validation: AgentsValidation
    public var code: String { "invalid_agents_json" }
    public var description: String { validation.message }
}
