import Testing
import SecondCore
import SecondCrypto
@testable import SecondApps

@Suite struct AgentsCanonicalTests {
    let spec = parsed(specAgentsJSON)

    @Test func sha256KnownVector() {
        #expect(Crypto.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Crypto.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hashFormat() {
        let h = AgentsCanonical.approvalHash(spec)
        #expect(h.hasPrefix("v1:"))
        let hex = h.dropFirst(3)
        #expect(hex.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func canonicalTextIsSortedAndCompact() {
        let j: JSON = ["b": [3, ["z": 1, "a": .double(2.0)]], "a": "x", "c": .double(0.1), "d": .double(1e21), "e": nil]
        #expect(CanonicalJSON.text(j) == #"{"a":"x","b":[3,{"a":2,"z":1}],"c":0.1,"d":1e+21,"e":null}"#)
    }

    @Test func hashIgnoresKeyOrderAndWhitespace() {
        let reordered = #"""
        {"agents":[{"tools":[{"enabled":true,"name":"WebSearch","type":"builtin"},
          {"mockData":[{"ok":true},{"ts":"1","ok":true},{"error":"channel_not_found","ok":false}],
           "endpoint":{"body":{"text":"{{text}}","channel":"{{channel}}"},"headers":{"Authorization":"Bearer {{secrets.SLACK_BOT_TOKEN}}"},
             "url":"https://slack.com/api/chat.postMessage","method":"POST"},
           "integration":{"keySlug":"default","domain":"slack.com","name":"Slack"},"enabled":true,"name":"slack_post","type":"custom"},
          {"mockData":[{"messages":[]}],"endpoint":{"queryParams":{"maxResults":"10","q":"{{query}}"},"url":"https://gmail.googleapis.com/gmail/v1/users/me/messages","method":"GET"},
           "integration":{"auth":{"authorizationParams":{"prompt":"consent","access_type":"offline"},"scopes":["https://www.googleapis.com/auth/gmail.metadata"],
             "tokenUrl":"https://oauth2.googleapis.com/token","authorizationUrl":"https://accounts.google.com/o/oauth2/v2/auth","identity":"triggering_user",
             "providerKey":"google","type":"oauth2"},"keySlug":"gmail-read","domain":"googleapis.com","name":"Google Gmail"},
           "enabled":true,"name":"gmail_search_messages","type":"custom"}],
          "dataCollections":["leads"],"systemPrompt":"You triage mail.","name":"Inbox Triage","id":"inbox-triage"}],
         "appTools":[{"mockData":[{"next":null,"results":[]}],"endpoint":{"queryParams":{"limit":"{{limit}}","after":"{{after}}"},
           "headers":{"Authorization":"Bearer {{secrets.POSTHOG_PERSONAL_API_KEY}}"},"url":"https://app.posthog.com/api/projects/{{projectId}}/events/","method":"GET"},
           "integration":{"keySlug":"default","domain":"posthog.com","name":"PostHog"},"enabled":true,"name":"posthog_events_page","type":"custom"}]}
        """#
        #expect(AgentsCanonical.approvalHash(parsed(reordered)) == AgentsCanonical.approvalHash(spec))
    }

    @Test func hashIgnoresEmptyArrays() {
        let base = AgentsCanonical.approvalHash(spec)
        let noAppTools = setting(spec, ["appTools"], nil)
        #expect(AgentsCanonical.approvalHash(setting(noAppTools, ["appTools"], [])) == AgentsCanonical.approvalHash(noAppTools))
        let noCollections = setting(spec, ["agents", "0", "dataCollections"], nil)
        #expect(AgentsCanonical.approvalHash(setting(spec, ["agents", "0", "dataCollections"], [])) == AgentsCanonical.approvalHash(noCollections))
        #expect(AgentsCanonical.approvalHash(noCollections) != base, "removing a real collection is an effective change")
        let agentOnly: JSON = ["agents": [["id": "a", "name": "A", "systemPrompt": "p"]]]
        let withEmpties: JSON = ["appTools": [], "agents": [["id": "a", "name": "A", "systemPrompt": "p", "tools": [], "dataCollections": []]]]
        #expect(AgentsCanonical.approvalHash(agentOnly) == AgentsCanonical.approvalHash(withEmpties))
        let toolsOnly: JSON = ["agents": [], "appTools": spec["appTools"]!]
        #expect(AgentsCanonical.approvalHash(toolsOnly) == AgentsCanonical.approvalHash(setting(toolsOnly, ["agents"], nil)))
    }

    @Test(arguments: [
        (["agents", "0", "tools", "1", "enabled"], JSON.bool(false)),
        (["agents", "0", "tools", "1", "endpoint", "url"], JSON.string("https://slack.com/api/chat.postEphemeral")),
        (["agents", "0", "tools", "0", "name"], JSON.string("WebFetch")),
        (["agents", "0", "systemPrompt"], JSON.string("You triage mail!")),
        (["agents", "0", "dataCollections"], JSON.array(["leads", "notes"])),
        (["agents", "0", "tools", "2", "integration", "auth", "scopes"], JSON.array(["https://mail.google.com/"])),
        (["appTools", "0", "mockData"], JSON.array([])),
        (["agents", "0", "tools", "1", "integration", "keySlug"], JSON.string("other")),
        (["agents", "0", "tools", "1", "description"], JSON.string("new field")),
        (["appTools", "0", "endpoint", "queryParams", "limit"], JSON.string("50")),
    ])
    func anyOtherChangeChangesHash(path: [String], value: JSON) {
        #expect(AgentsCanonical.approvalHash(setting(spec, path, value)) != AgentsCanonical.approvalHash(spec), "\(path)")
    }

    @Test func toolOrderMatters() {
        let tools = spec["agents"]!.array![0]["tools"]!.array!
        let swapped = setting(spec, ["agents", "0", "tools"], .array([tools[1], tools[0], tools[2]]))
        #expect(AgentsCanonical.approvalHash(swapped) != AgentsCanonical.approvalHash(spec))
    }

    @Test func versionPrefix() {
        #expect(AgentsCanonical.version(ofHash: "v1:abc") == 1)
        #expect(AgentsCanonical.version(ofHash: "v9:abc") == 1, "unknown versions fall back to the current normalizer")
        #expect(AgentsCanonical.version(ofHash: "abc") == 1)
        #expect(AgentsCanonical.approvalHash(spec, version: 42) == AgentsCanonical.approvalHash(spec))
        let h = AgentsCanonical.approvalHash(spec)
        #expect(AgentsCanonical.matches(spec, approvalHash: h))
        #expect(!AgentsCanonical.matches(spec, approvalHash: "v9:" + h.dropFirst(3)))
    }

    @Test func draftCheck() {
        let h = AgentsCanonical.approvalHash(spec)
        #expect(AgentsCanonical.isApproved(draftText: nil, approvalHash: nil) == DraftApproval(requiresApproval: false, approved: true, invalid: false, currentHash: nil))
        let broken = AgentsCanonical.isApproved(draftText: "{ nope", approvalHash: h)
        #expect(broken.invalid && !broken.approved && broken.requiresApproval)
        #expect(AgentsCanonical.isApproved(draftText: #"{"agents":[]}"#, approvalHash: h).invalid)
        let ok = AgentsCanonical.isApproved(draftText: specAgentsJSON, approvalHash: h)
        #expect(ok.approved && !ok.invalid && ok.currentHash == h)
        // Reformatting keeps the approval; an effective edit makes it stale.
        #expect(AgentsCanonical.isApproved(draftText: spec.text, approvalHash: h).approved)
        #expect(!AgentsCanonical.isApproved(draftText: specWith(["agents", "0", "tools", "1", "enabled"], false), approvalHash: h).approved)
        #expect(!AgentsCanonical.isApproved(draftText: specAgentsJSON, approvalHash: nil).approved, "never approved")
    }

    @Test func approvalRecord() throws {
        let approval = try AgentsApproval.make(text: specAgentsJSON)
        #expect(approval.hash == AgentsCanonical.approvalHash(spec))
        #expect(approval.policy.agents.map(\.id) == ["inbox-triage"])
        #expect(AgentsCanonical.approvalHash(approval.payload) == approval.hash, "the stored payload re-hashes to the stored hash")
        #expect(throws: AgentsApprovalError.self) { try AgentsApproval.make(text: "[]") }
        let policyIssue = specWith(["agents", "0", "tools", "1", "endpoint", "headers", "Authorization"], "Bearer {{token}}")
        #expect(throws: AgentsApprovalError.self) { try AgentsApproval.make(text: policyIssue) }
        #expect((try? AgentsApproval.make(text: policyIssue, allowPolicyIssues: true)) != nil)
    }
}
