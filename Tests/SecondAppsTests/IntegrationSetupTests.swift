import Testing
import SecondCore
@testable import SecondApps

let setupFixture = #"""
{ "integrations": [
  { "name": "Google Gmail", "domain": "googleapis.com", "keySlug": "gmail-read", "keyName": "Google OAuth client for this app",
    "capabilityLabel": "Gmail metadata search", "why": "Search mail",
    "auth": { "type": "oauth2", "providerKey": "google", "identity": "triggering_user",
      "authorizationUrl": "https://accounts.google.com/o/oauth2/v2/auth", "tokenUrl": "https://oauth2.googleapis.com/token",
      "scopes": ["https://www.googleapis.com/auth/gmail.metadata"] },
    "permissionGroups": [{ "name": "Read-only", "permissions": ["https://www.googleapis.com/auth/gmail.metadata"] }],
    "secrets": [{ "name": "SHOULD_NOT_APPEAR", "description": "x" }],
    "setupInstructions": { "overview": "Create a customer-owned OAuth app.",
      "steps": [{ "title": "Create OAuth client", "description": "..." }, { "title": "Add redirect URI", "description": "/api/oauth/callback" }] } },
  { "name": "Slack", "domain": "HTTPS://www.Slack.com/api/chat.postMessage", "keySlug": " Bot Token!! ",
    "why": "Post messages",
    "permissionGroups": [{ "name": "Messaging", "permissions": ["chat:write"] }, { "name": "History", "permissions": ["channels:history"] }],
    "secrets": [{ "name": "SLACK_BOT_TOKEN", "description": "Bot token", "required": true, "value": "xoxb-LEAKED" }],
    "overview": "Legacy overview", "steps": [{ "title": "Create app", "description": "..." }], "faviconUrl": "https://slack.com/favicon.ico" }
] }
"""#

@Suite struct IntegrationSetupTests {
    @Test func normalization() {
        #expect(GrantKey.normalizeDomain("HTTPS://www.Slack.com:443/api?x=1") == "slack.com")
        #expect(GrantKey.normalizeDomain("api.github.com") == "api.github.com")
        #expect(GrantKey.normalizeDomain("  WWW.Example.COM. ") == "example.com")
        #expect(GrantKey.normalizeKeySlug(" Bot Token!! ") == "bot-token")
        #expect(GrantKey.normalizeKeySlug("gmail_read") == "gmail-read")
        #expect(GrantKey.normalizeKeySlug("--") == "default")
        #expect(GrantKey.normalizeKeySlug(nil) == "default")
    }

    @Test func parsesDrafts() throws {
        let setup = try IntegrationSetup.parse(text: setupFixture)
        #expect(setup.skipped.isEmpty)
        #expect(setup.expectedKeys == [GrantKey(domain: "googleapis.com", keySlug: "gmail-read"), GrantKey(domain: "slack.com", keySlug: "bot-token")])
        let gmail = setup.grants[0], slack = setup.grants[1]
        #expect(gmail.auth.isOAuth && gmail.secretRequirements.isEmpty, "OAuth grants get no secret requirements")
        #expect(gmail.accessLevel == .read)
        #expect(gmail.setupInstructions.steps.map(\.title) == ["Create OAuth client", "Add redirect URI"])
        #expect(gmail.keyName == "Google OAuth client for this app" && gmail.capabilityLabel == "Gmail metadata search")
        #expect(slack.domain == "slack.com" && slack.keySlug == "bot-token")
        #expect(slack.accessLevel == .mixed, "a write group and a read group")
        #expect(slack.secretRequirements == [SecretRequirement(name: "SLACK_BOT_TOKEN", label: nil, description: "Bot token", required: true)])
        #expect(slack.setupInstructions.overview == "Legacy overview" && slack.setupInstructions.steps.count == 1)
        #expect(slack.keyName == "Slack key" && slack.capabilityLabel == "Slack" && slack.faviconUrl == "https://slack.com/favicon.ico")
        #expect(setup.oauthProviderKeys == ["google"])
        for g in setup.grants {
            #expect(!g.document.text.contains("xoxb-LEAKED") && !g.document.text.contains("SHOULD_NOT_APPEAR"), "never secret values")
        }
    }

    @Test func accessLevels() {
        func level(_ perms: [String], _ label: String? = nil) -> AccessLevel {
            AccessLevel.infer(groups: perms.map { PermissionGroup(name: "g", description: nil, permissions: [$0]) }, capabilityLabel: label)
        }
        #expect(level(["channels:read"]) == .read)
        #expect(level(["chat:write"]) == .write)
        #expect(level(["admin.users:delete"]) == .deleteAdmin)
        #expect(level(["repo:status", "chat:write"]) == .write, "unrecognised groups do not make it mixed")
        #expect(level(["channels:read", "chat:write"]) == .mixed)
        #expect(level([]) == .unknown)
        #expect(level([], "Read calendar") == .read)
    }

    @Test func invalidItemsAreSkippedWithReasons() throws {
        let text = #"""
        { "integrations": [
          { "name": "No domain" },
          { "name": "Bad OAuth", "domain": "example.com", "auth": { "type": "oauth2", "providerKey": "ex", "identity": "triggering_user",
              "authorizationUrl": "http://example.com/auth", "tokenUrl": "https://example.com/token", "scopes": [] } },
          "string item",
          { "name": "Fine", "domain": "fine.io" },
          { "name": "Fine again", "domain": "www.fine.io" }
        ] }
        """#
        let setup = try IntegrationSetup.parse(text: text)
        #expect(setup.grants.map(\.domain) == ["fine.io"])
        #expect(setup.skipped.map(\.index) == [0, 1, 2, 4])
        #expect(setup.skipped[0].reasons.map(\.pointer) == ["/integrations/0/domain"])
        #expect(Set(setup.skipped[1].reasons.map(\.pointer)) == ["/integrations/1/auth/authorizationUrl", "/integrations/1/auth/scopes"])
        #expect(setup.skipped[1].key == GrantKey(domain: "example.com", keySlug: nil))
        #expect(setup.skipped[2].reasons.map(\.pointer) == ["/integrations/2"])
        #expect(setup.skipped[3].reasons[0].message.contains("duplicate of /integrations/3"))
    }

    @Test func fatalErrors() {
        #expect(throws: IntegrationSetupError.self) { try IntegrationSetup.parse(text: "{") }
        #expect(throws: IntegrationSetupError.self) { try IntegrationSetup.parse(text: "{}") }
        #expect(throws: IntegrationSetupError.self) { try IntegrationSetup.parse(text: "[]") }
        do { _ = try IntegrationSetup.parse(text: "{\n \"integrations\": [,]}"); Issue.record("accepted") } catch {
            #expect(error.location?.line == 2 && error.location?.column == 19, "points at the stray comma")
        }
    }

    @Test func syncIsIdempotentAndDeletesRemoved() throws {
        let setup = try IntegrationSetup.parse(text: setupFixture)
        // First sync into an app holding one stale grant.
        let stale = ExistingGrant(key: GrantKey(domain: "posthog.com", keySlug: "default"), fingerprint: "old")
        let first = setup.syncPlan(existing: [stale])
        #expect(first.create.map(\.key) == setup.expectedKeys)
        #expect(first.delete == [stale.key] && first.update.isEmpty)
        // Store what the plan wrote; the second sync of the same file changes nothing.
        let stored = first.upserts.map { ExistingGrant(key: $0.key, fingerprint: $0.fingerprint) }
        let second = try IntegrationSetup.parse(text: setupFixture).syncPlan(existing: stored)
        #expect(second.isNoop)
        #expect(second.unchanged == setup.expectedKeys)
        // Removing an item deletes its grant; editing one updates only that one.
        var root = parsed(setupFixture)
        let items = root["integrations"]!.array!
        root = setting(root, ["integrations"], [setting(items[1], ["why"], "Post and read")])
        let third = try IntegrationSetup.parse(json: root).syncPlan(existing: stored)
        #expect(third.delete == [GrantKey(domain: "googleapis.com", keySlug: "gmail-read")])
        #expect(third.update.map(\.key) == [GrantKey(domain: "slack.com", keySlug: "bot-token")] && third.create.isEmpty)
    }

    @Test func skippedItemKeepsItsGrant() throws {
        let stored = [ExistingGrant(key: GrantKey(domain: "googleapis.com", keySlug: "gmail-read"), fingerprint: "x")]
        let broken = setting(parsed(setupFixture), ["integrations", "0", "auth", "tokenUrl"], "http://insecure")
        let setup = try IntegrationSetup.parse(json: broken)
        #expect(setup.skipped.count == 1)
        let plan = setup.syncPlan(existing: stored)
        #expect(plan.delete.isEmpty && plan.retained == [stored[0].key])
        // Key-only form: everything desired is written.
        #expect(IntegrationSetup.sync(existing: setup.expectedKeys, desired: setup.grants).update.count == 1)
    }
}
