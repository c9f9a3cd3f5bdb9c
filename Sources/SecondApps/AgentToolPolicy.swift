import SecondCore

/// What one approved agent may call (§11 "Use", §21 reviewed permissions). Build it only from
/// an approved payload: draft → payload whose hash equals the approval; published → the published payload.
public struct AgentToolPolicy: Sendable, Equatable {
    public static let customToolPrefix = "mcp__app_tools__"
    public static let reportFailureTool = "mcp__app_tools__report_tool_call_failed"
    public static let readAppDataTool = "mcp__app_data__read_app_data"
    public static let updateAppDataTool = "mcp__app_data__update_app_data"
    /// The pseudo-agent id under which `appTools` (app actions) are checked.
    public static let appToolsAgentId = "app-tools"

    public let agent: Agent

    public init(agent: Agent) { self.agent = agent }

    /// The agent with this id, or nil (→ 404 `agent_not_found`).
    public init?(policy: AgentsPolicy, agentId: String) {
        guard let agent = policy.agent(id: agentId) else { return nil }
        self.agent = agent
    }

    /// App actions (`appTools`) as the pseudo-agent `app-tools` "Backend functions"; no builtins, no data collections.
    public static func appActions(_ policy: AgentsPolicy) -> AgentToolPolicy {
        AgentToolPolicy(agent: Agent(id: appToolsAgentId, name: "Backend functions", systemPrompt: "",
                                     tools: policy.appTools.map { .custom($0) }))
    }

    /// Enabled builtin tool names, file order.
    public var builtinTools: [String] { agent.builtinTools.filter(\.enabled).map(\.name.rawValue) }

    /// `mcp__app_tools__<enabled custom>` …, `mcp__app_tools__report_tool_call_failed`, and with
    /// data collections `mcp__app_data__read_app_data`, `mcp__app_data__update_app_data`.
    public var mcpTools: [String] {
        var out = agent.customTools.filter(\.enabled).map { Self.customToolPrefix + $0.name }
        out.append(Self.reportFailureTool)
        if !agent.dataCollections.isEmpty { out += [Self.readAppDataTool, Self.updateAppDataTool] }
        return out
    }

    /// The effective allowlist: `base` (runtime defaults, if any), enabled builtins, then the MCP tools; no duplicates.
    public func allowedTools(base: [String] = []) -> [String] {
        var seen: Set<String> = []
        return (base + builtinTools + mcpTools).filter { seen.insert($0).inserted }
    }

    /// The enabled custom tool called `name` (bare, or with the `mcp__app_tools__` prefix).
    public func customTool(named name: String) -> CustomTool? {
        let bare = name.hasPrefix(Self.customToolPrefix) ? String(name.dropFirst(Self.customToolPrefix.count)) : name
        return agent.customTools.first { $0.enabled && $0.name == bare }
    }

    /// Whether app-data tools may touch `collection` for this agent (exact, case-sensitive).
    public func allowsCollection(_ collection: String) -> Bool { agent.dataCollections.contains(collection) }

    /// The approved tool for a live call, or nil when the name is unknown/disabled or the requested
    /// spec differs (→ 403 `draft_agents_config_unapproved` / `published_agents_config_missing_tool`).
    public func authorizeToolCall(toolName: String, toolSpec: JSON) -> CustomTool? {
        guard let tool = customTool(named: toolName), Self.toolSpecMatches(approved: tool, requested: toolSpec) else { return nil }
        return tool
    }

    /// §23 item 41: the requested `toolSpec{endpoint, integration, …}` must equal the approved tool by
    /// endpoint (canonical JSON) and by normalized integration `{name?, domain?, keySlug, auth?}`.
    /// Other fields (mockData, description) are not part of the check.
    public static func toolSpecMatches(approved: CustomTool, requested: JSON) -> Bool {
        guard case .object(let spec) = requested, let endpoint = spec["endpoint"], let approvedEndpoint = approved.raw["endpoint"] else { return false }
        guard CanonicalJSON.equal(endpoint, approvedEndpoint) else { return false }
        return CanonicalJSON.equal(normalizedIntegration(spec["integration"]), normalizedIntegration(approved.raw["integration"]))
    }

    /// Keeps only what selects the grant and the credential: name and domain if present,
    /// the normalized domain/keySlug (so spelling variants of one grant agree), and auth.
    static func normalizedIntegration(_ value: JSON?) -> JSON {
        guard case .object(let o)? = value else { return .null }
        var out: [String: JSON] = ["keySlug": .string(GrantKey.normalizeKeySlug(o["keySlug"]?.string))]
        if let name = o["name"]?.string { out["name"] = .string(name) }
        if let domain = o["domain"]?.string { out["domain"] = .string(GrantKey.normalizeDomain(domain)) }
        if let auth = o["auth"], auth != .null { out["auth"] = auth }
        return .object(out)
    }
}
