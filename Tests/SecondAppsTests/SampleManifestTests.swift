import Foundation
import Testing
import SecondCore
@testable import SecondApps

/// The example manifests in samples/app stay valid: the agents.json is presentable and approvable,
/// and the setup file yields one grant per integration with no secret values.
@Suite struct SampleManifestTests {
    @Test func sampleAgentsJSONIsApprovable() throws {
        let text = try SampleManifests.text("agents.json")
        let v = AgentsPolicy.validate(text: text)
        #expect(v.status == .presented, "\(v.issues)")
        let a = try AgentsApproval.make(text: text)
        #expect(a.hash.hasPrefix("v1:"))
        let tools = try #require(AgentToolPolicy(policy: a.policy, agentId: "inbox-triage"))
        #expect(tools.allowedTools() == ["WebSearch", "mcp__app_tools__slack_post", "mcp__app_tools__report_tool_call_failed",
                                         "mcp__app_data__read_app_data", "mcp__app_data__update_app_data"])
    }

    @Test func sampleSetupYieldsOneGrantPerIntegration() throws {
        let setup = try IntegrationSetup.parse(text: try SampleManifests.text("integration-setup.json"))
        #expect(setup.skipped.isEmpty)
        #expect(setup.grants.map(\.key.description).sorted() == ["posthog.com/default", "slack.com/default"])
        #expect(setup.grants.first { $0.domain == "slack.com" }?.secretRequirements.map(\.name) == ["SLACK_BOT_TOKEN"])
    }
}
