/// A grant already stored for the app, as the sync sees it.
public struct ExistingGrant: Sendable, Hashable {
    public let key: GrantKey
    /// The `GrantDraft.fingerprint` it was last written from; nil forces an update.
    public let fingerprint: String?
    public init(key: GrantKey, fingerprint: String?) { self.key = key; self.fingerprint = fingerprint }
}

/// What one setup sync must write. Replacing by `(domain, keySlug)` makes it idempotent: running
/// the same file twice yields a plan with nothing to do.
public struct GrantSyncPlan: Sendable, Equatable {
    public var create: [GrantDraft] = []
    public var update: [GrantDraft] = []
    public var unchanged: [GrantKey] = []
    /// Grants of the app that the file no longer names.
    public var delete: [GrantKey] = []
    /// Grants named by a skipped item: left as they are rather than deleted over a typo.
    public var retained: [GrantKey] = []

    public var upserts: [GrantDraft] { create + update }
    public var isNoop: Bool { create.isEmpty && update.isEmpty && delete.isEmpty }
}

extension IntegrationSetup {
    /// Plans the replace of the app's grants by this file's drafts (skipped items' grants are retained).
    public func syncPlan(existing: [ExistingGrant]) -> GrantSyncPlan {
        Self.sync(existing: existing, desired: grants, retain: Set(skipped.compactMap(\.key)))
    }

    /// Upsert every desired grant whose fingerprint changed, delete existing grants not desired
    /// (unless in `retain`). Keys are compared normalized.
    public static func sync(existing: [ExistingGrant], desired: [GrantDraft], retain: Set<GrantKey> = []) -> GrantSyncPlan {
        var current: [GrantKey: String?] = [:]
        for e in existing { current[GrantKey(domain: e.key.domain, keySlug: e.key.keySlug)] = e.fingerprint }
        var plan = GrantSyncPlan()
        var wanted: Set<GrantKey> = []
        for draft in desired {
            let key = draft.key
            guard wanted.insert(key).inserted else { continue }
            switch current[key] {
            case nil: plan.create.append(draft)
            case let fp?? where fp == draft.fingerprint: plan.unchanged.append(key)
            default: plan.update.append(draft)
            }
        }
        for key in current.keys.sorted() where !wanted.contains(key) {
            if retain.contains(key) { plan.retained.append(key) } else { plan.delete.append(key) }
        }
        return plan
    }

    /// Key-only form: without fingerprints every desired grant is an update/create.
    public static func sync(existing: [GrantKey], desired: [GrantDraft], retain: Set<GrantKey> = []) -> GrantSyncPlan {
        sync(existing: existing.map { ExistingGrant(key: $0, fingerprint: nil) }, desired: desired, retain: retain)
    }
}
