import Testing
import SecondCore
@testable import SecondApps

@Suite struct AgentToolPolicyTests {
    let policy = AgentsPolicy.validate(text: specAgentsJSON).policy!

    @Test func allowlistDerivation() throws {
        let p = try #require(AgentToolPolicy(policy: policy, agentId: "inbox-triage"))
        #expect(p.builtinTools == ["WebSearch"])
        #expect(p.mcpTools == [
            "mcp__app_tools__slack_post", "mcp__app_tools__gmail_search_messages", "mcp__app_tools__report_tool_call_failed",
            "mcp__app_data__read_app_data", "mcp__app_data__update_app_data",
        ])
        #expect(p.allowedTools(base: ["Skill", "WebSearch"]) == [
            "Skill", "WebSearch", "mcp__app_tools__slack_post", "mcp__app_tools__gmail_search_messages",
            "mcp__app_tools__report_tool_call_failed", "mcp__app_data__read_app_data", "mcp__app_data__update_app_data",
        ])
        #expect(AgentToolPolicy(policy: policy, agentId: "nobody") == nil)
    }

    @Test func disabledToolsAndNoCollections() throws {
        var text = specWith(["agents", "0", "tools", "1", "enabled"], false)
        text = setting(parsed(text), ["agents", "0", "tools", "0", "enabled"], false).text
        text = setting(parsed(text), ["agents", "0", "dataCollections"], nil).text
        let edited = try #require(AgentsPolicy.validate(text: text).policy)
        let p = try #require(AgentToolPolicy(policy: edited, agentId: "inbox-triage"))
        #expect(p.allowedTools() == ["mcp__app_tools__gmail_search_messages", "mcp__app_tools__report_tool_call_failed"])
        #expect(p.customTool(named: "slack_post") == nil, "disabled tools cannot be called")
        #expect(!p.allowsCollection("leads"))
    }

    @Test func lookupAndCollections() throws {
        let p = try #require(AgentToolPolicy(policy: policy, agentId: "inbox-triage"))
        #expect(p.customTool(named: "slack_post")?.integration.domain == "slack.com")
        #expect(p.customTool(named: "mcp__app_tools__slack_post")?.name == "slack_post")
        #expect(p.customTool(named: "posthog_events_page") == nil, "app tools are not agent tools")
        #expect(p.allowsCollection("leads"))
        #expect(!p.allowsCollection("Leads") && !p.allowsCollection("contacts"))
        let app = AgentToolPolicy.appActions(policy)
        #expect(app.agent.id == "app-tools")
        #expect(app.customTool(named: "posthog_events_page") != nil)
        #expect(!app.allowsCollection("leads"))
    }

    @Test func toolSpecMustMatchApproved() throws {
        let p = try #require(AgentToolPolicy(policy: policy, agentId: "inbox-triage"))
        let slack = try #require(p.customTool(named: "slack_post"))
        let raw = slack.raw
        let spec: JSON = ["endpoint": raw["endpoint"]!, "integration": raw["integration"]!, "mockData": raw["mockData"]!]
        #expect(AgentToolPolicy.toolSpecMatches(approved: slack, requested: spec))
        #expect(p.authorizeToolCall(toolName: "slack_post", toolSpec: spec) != nil)
        // Reordered keys, omitted default keySlug, spelling variants of the same domain, different mocks: same spec.
        let equivalent: JSON = ["integration": ["domain": "https://www.Slack.com/", "name": "Slack"],
                                "endpoint": parsed(raw["endpoint"]!.text), "mockData": []]
        #expect(AgentToolPolicy.toolSpecMatches(approved: slack, requested: equivalent))
        // Any endpoint or grant difference is denied.
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: setting(spec, ["endpoint", "url"], "https://slack.com/api/admin.users.remove")))
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: setting(spec, ["endpoint", "headers", "X-Extra"], "1")))
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: setting(spec, ["integration", "keySlug"], "admin")))
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: setting(spec, ["integration", "domain"], "evil.com")))
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: setting(spec, ["integration", "auth"], ["type": "none"])))
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: setting(spec, ["endpoint"], nil)))
        #expect(!AgentToolPolicy.toolSpecMatches(approved: slack, requested: "nope"))
        #expect(p.authorizeToolCall(toolName: "gmail_search_messages", toolSpec: spec) == nil, "spec of another tool")
    }
}
