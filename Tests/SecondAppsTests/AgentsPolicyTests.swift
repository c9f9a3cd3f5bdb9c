import Testing
import SecondCore
@testable import SecondApps

@Suite struct AgentsPolicyTests {
    func issues(_ text: String) -> [PolicyIssue] { AgentsPolicy.validate(text: text).issues }
    func pointers(_ text: String) -> [String] { issues(text).map(\.pointer) }

    @Test func specExampleIsPresented() throws {
        let v = AgentsPolicy.validate(text: specAgentsJSON)
        #expect(v.status == .presented, "\(v.issues)")
        let policy = try #require(v.policy)
        #expect(policy.appTools.map(\.name) == ["posthog_events_page"])
        let agent = try #require(policy.agent(id: "inbox-triage"))
        #expect(agent.name == "Inbox Triage" && agent.systemPrompt == "You triage mail." && agent.dataCollections == ["leads"])
        #expect(agent.tools.map(\.name) == ["WebSearch", "slack_post", "gmail_search_messages"])
        let gmail = try #require(agent.customTools.last)
        #expect(gmail.isOAuth)
        #expect(gmail.integration.grantKey == GrantKey(domain: "googleapis.com", keySlug: "gmail-read"))
        #expect(gmail.endpoint.method == .GET && gmail.endpoint.queryParams["maxResults"] == "10")
        guard case .oauth2(let c)? = gmail.integration.auth else { Issue.record("no oauth"); return }
        #expect(c.tokenAuthMethod == .clientSecretPost && c.scopes.count == 1 && c.authorizationParams["prompt"] == "consent")
        let slack = agent.customTools[0]
        #expect(slack.endpoint.method == .POST && slack.mockData.count == 3 && slack.integration.keySlug == "default")
        #expect(v.resultJSON["ok"] == .bool(true) && v.resultJSON["status"] == "presented")
    }

    @Test func missingEndpointURLPointsAtIt() {
        let v = AgentsPolicy.validate(text: specWith(["agents", "0", "tools", "1", "endpoint", "url"], nil))
        #expect(v.status == .changesRequired)
        #expect(v.issues.map(\.pointer) == ["/agents/0/tools/1/endpoint/url"])
        #expect(v.issues[0].message.contains("url is required"))
    }

    @Test(arguments: [
        (["agents", "0", "tools", "1", "integration", "name"], "/agents/0/tools/1/integration/name"),
        (["agents", "0", "tools", "1", "integration", "domain"], "/agents/0/tools/1/integration/domain"),
        (["agents", "0", "tools", "2", "endpoint", "method"], "/agents/0/tools/2/endpoint/method"),
        (["appTools", "0", "endpoint"], "/appTools/0/endpoint"),
        (["appTools", "0", "integration"], "/appTools/0/integration"),
    ])
    func missingCustomToolFieldsAreChangesRequired(path: [String], pointer: String) {
        let v = AgentsPolicy.validate(text: specWith(path, nil))
        #expect(v.status == .changesRequired)
        #expect(v.issues.map(\.pointer) == [pointer])
    }

    @Test(arguments: [
        (["agents", "0", "id"], JSON.string("Inbox Triage"), "/agents/0/id"),
        (["agents", "0", "id"], JSON.null, "/agents/0/id"),
        (["agents", "0", "name"], JSON.int(3), "/agents/0/name"),
        (["agents", "0", "systemPrompt"], JSON.null, "/agents/0/systemPrompt"),
        (["agents", "0", "tools", "0", "name"], JSON.string("Shell"), "/agents/0/tools/0/name"),
        (["agents", "0", "tools", "0", "type"], JSON.string("plugin"), "/agents/0/tools/0/type"),
        (["agents", "0", "tools", "1", "enabled"], JSON.null, "/agents/0/tools/1/enabled"),
        (["agents", "0", "tools", "1", "enabled"], JSON.string("yes"), "/agents/0/tools/1/enabled"),
        (["agents", "0", "tools", "1", "name"], JSON.string("slack post"), "/agents/0/tools/1/name"),
        (["agents", "0", "tools", "1", "endpoint", "headers"], JSON.array([]), "/agents/0/tools/1/endpoint/headers"),
        (["agents", "0", "tools", "1", "endpoint", "headers", "X-Count"], JSON.int(1), "/agents/0/tools/1/endpoint/headers/X-Count"),
        (["agents", "0", "dataCollections", "0"], JSON.string("bad name"), "/agents/0/dataCollections/0"),
        (["agents", "0", "tools", "2", "integration", "auth", "type"], JSON.string("basic"), "/agents/0/tools/2/integration/auth/type"),
        (["appTools", "0", "type"], JSON.string("builtin"), "/appTools/0/type"),
    ])
    func schemaErrorsAreInvalid(path: [String], value: JSON, pointer: String) {
        let v = AgentsPolicy.validate(text: specWith(path, value))
        #expect(v.status == .invalid)
        #expect(v.policy == nil)
        #expect(v.issues.contains { $0.pointer == pointer && $0.severity == .invalid }, "\(v.issues)")
    }

    @Test func rootAndEmptiness() {
        #expect(pointers("[]") == [""])
        #expect(AgentsPolicy.validate(text: "{}").status == .invalid)
        #expect(pointers(#"{"agents":[],"appTools":[]}"#) == ["/agents"])
        #expect(pointers(#"{"agents":{}}"#).contains("/agents"))
        let appOnly = setting(parsed(specAgentsJSON), ["agents"], nil).text
        #expect(AgentsPolicy.validate(text: appOnly).status == .presented)
    }

    @Test func duplicateAgentIdsAndToolNames() {
        let spec = parsed(specAgentsJSON)
        let agent = spec["agents"]!.array![0]
        let twice = setting(spec, ["agents"], [agent, agent]).text
        let v = AgentsPolicy.validate(text: twice)
        #expect(v.status == .invalid)
        #expect(v.issues.map(\.pointer) == ["/agents/1/id"])
        let tools = agent["tools"]!.array!
        let dupTools = setting(spec, ["agents", "0", "tools"], .array(tools + [tools[1]])).text
        #expect(pointers(dupTools) == ["/agents/0/tools/3/name"])
    }

    @Test func reservedName() {
        let v = AgentsPolicy.validate(text: specWith(["agents", "0", "tools", "1", "name"], "report_tool_call_failed"))
        #expect(v.status == .changesRequired)
        #expect(v.issues.map(\.pointer) == ["/agents/0/tools/1/name"])
    }

    @Test func invalidJSONGivesLineAndColumn() throws {
        let v = AgentsPolicy.validate(text: "{\n  \"agents\": [\n    { \"id\" \"x\" }\n  ]\n}")
        #expect(v.status == .invalid)
        let loc = try #require(v.parseErrorLocation)
        #expect(loc.line == 3 && loc.column == 12, "\(loc)")
        #expect(v.issues.first?.message.contains("line 3, column 12") == true)
        #expect(v.issues.first?.message.contains("':'") == true)
        let eof = try #require(AgentsPolicy.validate(text: "{\"agents\": [").parseErrorLocation)
        #expect(eof.line == 1 && eof.offset == 12)
        let trailing = try #require(AgentsPolicy.validate(text: "{} x").parseErrorLocation)
        #expect(trailing.column == 4)
        let unicode = try #require(AgentsPolicy.validate(text: "{\"é\": tru}").parseErrorLocation)
        #expect(unicode.column == 7, "columns count characters")
    }

    // MARK: static-secret placeholder rules

    @Test func secretLookingPlaceholderOutsideSecrets() {
        let v = AgentsPolicy.validate(text: specWith(["agents", "0", "tools", "1", "endpoint", "body", "token"], "{{ slack_token }}"))
        #expect(v.status == .changesRequired)
        #expect(v.issues.map(\.pointer) == ["/agents/0/tools/1/endpoint/body"])
        #expect(v.issues[0].message.contains("{{secrets.SLACK_TOKEN}}"))
        for name in ["apiKey", "api_key", "API-KEY", "password", "auth", "my.secret", "bearer_value", "key"] {
            let q = specWith(["appTools", "0", "endpoint", "queryParams", "x"], .string("{{\(name)}}"))
            #expect(pointers(q) == ["/appTools/0/endpoint/queryParams/x"], "\(name)")
        }
        for name in ["query", "keyword", "tokens", "author", "monkey", "secrets.API_KEY", "channel_id"] {
            let q = specWith(["appTools", "0", "endpoint", "queryParams", "x"], .string("{{\(name)}}"))
            #expect(pointers(q).isEmpty, "\(name)")
        }
    }

    @Test func authorizationHeaderNeedsSecretsPlaceholder() {
        let v = AgentsPolicy.validate(text: specWith(["agents", "0", "tools", "1", "endpoint", "headers", "Authorization"], "Bearer xoxb-literal"))
        #expect(v.status == .changesRequired)
        #expect(v.issues.map(\.pointer) == ["/agents/0/tools/1/endpoint/headers/Authorization"])
        let lower = specWith(["agents", "0", "tools", "1", "endpoint", "headers"], ["authorization": "Bearer {{channel}}"])
        #expect(pointers(lower) == ["/agents/0/tools/1/endpoint/headers/authorization"])
    }

    @Test func placeholderScanner() {
        #expect(Placeholders.names(in: "a {{x}} {{ y.z }} {{{w}}} {{bad name}} {{}} {{v-1}}") == ["x", "y.z", "w", "v-1"])
        #expect(Placeholders.names(in: ["k{{a}}": ["{{b}}", 1, ["c": "{{c}}"]]]) == ["a", "b", "c"])
    }

    // MARK: OAuth rules

    let gmail = ["agents", "0", "tools", "2"]
    func oauthIssues(_ path: [String], _ value: JSON?) -> [PolicyIssue] {
        AgentsPolicy.validate(text: specWith(gmail + path, value)).issues
    }

    @Test func oauthURLsMustBeHTTPS() {
        #expect(oauthIssues(["integration", "auth", "tokenUrl"], "http://oauth2.googleapis.com/token").map(\.pointer) == ["/agents/0/tools/2/integration/auth/tokenUrl"])
        #expect(oauthIssues(["integration", "auth", "authorizationUrl"], "accounts.google.com/auth").map(\.pointer) == ["/agents/0/tools/2/integration/auth/authorizationUrl"])
        #expect(oauthIssues(["integration", "auth", "authorizationUrl"], nil).map(\.pointer) == ["/agents/0/tools/2/integration/auth/authorizationUrl"])
    }

    @Test func oauthScopesIdentityProvider() {
        #expect(oauthIssues(["integration", "auth", "scopes"], []).map(\.pointer) == ["/agents/0/tools/2/integration/auth/scopes"])
        #expect(oauthIssues(["integration", "auth", "scopes"], nil).map(\.pointer) == ["/agents/0/tools/2/integration/auth/scopes"])
        #expect(oauthIssues(["integration", "auth", "identity"], "service_account").map(\.pointer) == ["/agents/0/tools/2/integration/auth/identity"])
        #expect(oauthIssues(["integration", "auth", "identity"], nil).map(\.pointer) == ["/agents/0/tools/2/integration/auth/identity"])
        #expect(oauthIssues(["integration", "auth", "providerKey"], "").map(\.pointer) == ["/agents/0/tools/2/integration/auth/providerKey"])
        #expect(oauthIssues(["integration", "auth", "tokenAuthMethod"], "private_key_jwt").map(\.pointer) == ["/agents/0/tools/2/integration/auth/tokenAuthMethod"])
        #expect(oauthIssues(["integration", "auth", "tokenAuthMethod"], "client_secret_basic").isEmpty)
        #expect(oauthIssues(["integration", "auth", "scopes"], ["ok", 3]).map(\.severity) == [.invalid])
    }

    @Test func oauthRejectsAuthorizationHeaderAndTokens() {
        let header = oauthIssues(["endpoint", "headers"], ["Authorization": "Bearer {{secrets.GMAIL}}"])
        #expect(header.count == 2)
        #expect(header.allSatisfy { $0.pointer == "/agents/0/tools/2/endpoint/headers/Authorization" && $0.severity == .changesRequired })
        for name in ["access_token", "refreshToken", "oauth.value", "bearer", "token", "client-secret", "secrets.X"] {
            let found = oauthIssues(["endpoint", "queryParams", "t"], .string("{{\(name)}}"))
            #expect(found.map(\.pointer) == ["/agents/0/tools/2/endpoint/queryParams/t"], "\(name)")
        }
        // "apiKey" is not token-like under the OAuth regex, only under the static one.
        #expect(oauthIssues(["endpoint", "queryParams", "t"], "{{query}}").isEmpty)
    }
}
