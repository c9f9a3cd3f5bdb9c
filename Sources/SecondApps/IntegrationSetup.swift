import SecondCore

/// `integration-setup.json` (§12): setup metadata that becomes app-scoped grant drafts. It is not
/// runtime policy; `agents.json` decides what runs. Bad items are skipped with a reason so one
/// typo does not block the rest.
public struct IntegrationSetup: Sendable, Equatable {
    public var grants: [GrantDraft]
    public var skipped: [SkippedIntegration]
    /// Non-fatal problems inside kept items (e.g. a malformed step that was dropped).
    public var warnings: [PolicyIssue]

    /// Every `(domain, keySlug)` the sync must produce.
    public var expectedKeys: [GrantKey] { grants.map(\.key) }

    /// OAuth provider keys needing an (unconfigured) provider-config shell, deduplicated.
    public var oauthProviderKeys: [String] {
        var seen: Set<String> = []
        return grants.compactMap { g -> String? in
            if case .oauth2(let c) = g.auth, seen.insert(c.normalizedProviderKey).inserted { return c.normalizedProviderKey }
            return nil
        }
    }

    /// Parses the file. Throws only when nothing can be synced (not JSON, not an object, no `integrations` array).
    public static func parse(text: String) throws(IntegrationSetupError) -> IntegrationSetup {
        switch LocatedJSON.parse(text) {
        case .success(let json): return try parse(json: json)
        case .failure(let f): throw IntegrationSetupError(issues: [PolicyIssue(pointer: "", message: f.message, severity: .invalid)], location: f.location)
        }
    }

    public static func parse(json: JSON) throws(IntegrationSetupError) -> IntegrationSetup {
        guard case .object(let root) = json else {
            throw IntegrationSetupError(issues: [PolicyIssue(pointer: "", message: "integration-setup.json must be a JSON object", severity: .invalid)], location: nil)
        }
        guard case .array(let items)? = root["integrations"] else {
            throw IntegrationSetupError(issues: [PolicyIssue(pointer: "/integrations", message: "integrations must be an array", severity: .invalid)], location: nil)
        }
        var setup = IntegrationSetup(grants: [], skipped: [], warnings: [])
        var seen: [GrantKey: Int] = [:]
        for (i, item) in items.enumerated() {
            let p = Pointer.child("/integrations", i)
            let sink = IssueSink()
            // Schema errors and any auth problem skip the item; lesser problems only drop the bad part.
            let draft = SetupItemReader(sink: sink).read(item, at: p)
            let hard = sink.issues.filter { $0.severity == .invalid || $0.pointer.hasPrefix(Pointer.child(p, "auth")) }
            if let draft, hard.isEmpty {
                if let first = seen[draft.key] {
                    setup.skipped.append(SkippedIntegration(index: i, pointer: p, key: draft.key,
                                                            reasons: [PolicyIssue(pointer: p, message: "duplicate of /integrations/\(first) (same domain and keySlug \(draft.key))", severity: .invalid)]))
                    continue
                }
                seen[draft.key] = i
                setup.grants.append(draft)
                setup.warnings += sink.issues
            } else {
                let key = (item["domain"]?.string).map { GrantKey(domain: $0, keySlug: item["keySlug"]?.string) }
                setup.skipped.append(SkippedIntegration(index: i, pointer: p, key: key?.domain.isEmpty == false ? key : nil,
                                                        reasons: hard.isEmpty ? sink.issues : hard))
            }
        }
        return setup
    }
}

/// An item that was not turned into a grant, and why.
public struct SkippedIntegration: Sendable, Equatable {
    public let index: Int
    public let pointer: String
    /// The grant it would have named, when its domain was readable (its existing grant is kept, not deleted).
    public let key: GrantKey?
    public let reasons: [PolicyIssue]
}

/// The file cannot be synced at all (the worker reports "not synced"; existing grants stay).
public struct IntegrationSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public let issues: [PolicyIssue]
    public let location: TextLocation?
    public var description: String { "integration-setup.json: " + issues.map(\.description).joined(separator: "; ") }
}

/// Reads one item; a missing/empty domain or an invalid `auth` makes it skipped (§12).
private struct SetupItemReader {
    let sink: IssueSink

    func read(_ item: JSON, at p: String) -> GrantDraft? {
        guard case .object(let o) = item else { sink.invalid(p, "each integration must be an object"); return nil }
        let r = FieldReader(object: o, pointer: p, sink: sink)
        let rawDomain = r.string("domain", required: true, nonEmpty: true, missingSeverity: .invalid)
        let domain = rawDomain.map(GrantKey.normalizeDomain) ?? ""
        if rawDomain != nil, domain.isEmpty { sink.invalid(r.at("domain"), "domain \"\(rawDomain!)\" has no host name") }
        let name = r.string("name", nonEmpty: true) ?? domain
        let keySlug = GrantKey.normalizeKeySlug(r.string("keySlug"))
        var auth = IntegrationAuth.staticSecret
        if let a = o["auth"], a != .null {
            switch OAuth2Config.readAuth(a, at: r.at("auth"), sink: sink) {
            case .oauth2(let c)?: auth = .oauth2(c)
            case .staticSecret?, .none?: auth = .staticSecret
            case nil: return nil
            }
        }
        let groups = permissionGroups(r)
        let capabilityLabel = r.string("capabilityLabel", nonEmpty: true) ?? name
        let secrets = auth.isOAuth ? [] : secretRequirements(r)
        guard !domain.isEmpty else { return nil }
        return GrantDraft(name: name, domain: domain, keySlug: keySlug,
                          keyName: r.string("keyName", nonEmpty: true) ?? "\(name) key",
                          keyPurpose: r.string("why"), capabilityLabel: capabilityLabel,
                          accessLevel: AccessLevel.infer(groups: groups, capabilityLabel: capabilityLabel),
                          auth: auth, permissionGroups: groups, secretRequirements: secrets,
                          setupInstructions: instructions(r), faviconUrl: r.string("faviconUrl"), iconUrl: r.string("iconUrl"))
    }

    private func permissionGroups(_ r: FieldReader) -> [PermissionGroup] {
        (r.array("permissionGroups") ?? []).enumerated().compactMap { i, g in
            let gp = Pointer.child(r.at("permissionGroups"), i)
            guard case .object(let go) = g else { sink.changes(gp, "permission group must be an object; dropped"); return nil }
            let gr = FieldReader(object: go, pointer: gp, sink: sink)
            guard let name = gr.string("name", required: true, nonEmpty: true, missingSeverity: .changesRequired) else { return nil }
            let perms = (gr.array("permissions") ?? []).enumerated().compactMap { j, v -> String? in
                if case .string(let s) = v, !s.isEmpty { return s }
                sink.changes(Pointer.child(gr.at("permissions"), j), "permission must be a non-empty string; dropped")
                return nil
            }
            return PermissionGroup(name: name, description: gr.string("description"), permissions: perms)
        }
    }

    /// `secretRequirements`, else legacy `secrets`. Only name/label/description/required are kept:
    /// a `value` someone pasted into the file is never carried into the grant.
    private func secretRequirements(_ r: FieldReader) -> [SecretRequirement] {
        let key = r.has("secretRequirements") ? "secretRequirements" : "secrets"
        var seen: Set<String> = []
        return (r.array(key) ?? []).enumerated().compactMap { i, s in
            let sp = Pointer.child(r.at(key), i)
            guard case .object(let so) = s else { sink.changes(sp, "secret requirement must be an object; dropped"); return nil }
            let sr = FieldReader(object: so, pointer: sp, sink: sink)
            guard let name = sr.string("name", required: true, nonEmpty: true, missingSeverity: .changesRequired) else { return nil }
            guard Self.isSecretName(name) else { sink.changes(sr.at("name"), "secret name \"\(name)\" must match ^[A-Za-z0-9_.-]{1,128}$; dropped"); return nil }
            guard seen.insert(name).inserted else { sink.changes(sr.at("name"), "secret \(name) is listed twice; dropped"); return nil }
            return SecretRequirement(name: name, label: sr.string("label"), description: sr.string("description") ?? "",
                                     required: sr.bool("required") ?? true)
        }
    }

    /// `setupInstructions`, falling back to legacy top-level `overview`, `steps`, `links`.
    private func instructions(_ r: FieldReader) -> SetupInstructions {
        let nested = r.objectField("setupInstructions")
        let base = nested.map { FieldReader(object: $0, pointer: r.at("setupInstructions"), sink: sink) }
        func pick(_ key: String) -> FieldReader { base.flatMap { $0.has(key) ? $0 : nil } ?? r }
        let overview = pick("overview").string("overview") ?? ""
        let sr = pick("steps")
        let steps = (sr.array("steps") ?? []).enumerated().compactMap { i, s -> SetupInstructions.Step? in
            guard case .object(let so) = s, let title = so["title"]?.string else {
                sink.changes(Pointer.child(sr.at("steps"), i), "step needs a title; dropped"); return nil
            }
            return .init(title: title, description: so["description"]?.string ?? "", url: so["url"]?.string)
        }
        let lr = pick("links")
        let links = (lr.array("links") ?? []).enumerated().compactMap { i, l -> SetupInstructions.Link? in
            guard let label = l["label"]?.string, let url = l["url"]?.string else {
                sink.changes(Pointer.child(lr.at("links"), i), "link needs label and url; dropped"); return nil
            }
            return .init(label: label, url: url)
        }
        return SetupInstructions(overview: overview, steps: steps, links: links)
    }

    static func isSecretName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return (1...128).contains(u.count) && u.allSatisfy {
            (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 || $0 == 46 || $0 == 45
        }
    }
}
