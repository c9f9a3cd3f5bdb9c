import SecondCore

/// The typed content of an `agents.json` (§11). Values come only from `AgentsPolicy.validate`.
public struct AgentsPolicy: Sendable, Equatable {
    /// Actions the app UI may call (validated as the pseudo-agent `app-tools`).
    public var appTools: [CustomTool]
    public var agents: [Agent]

    public init(appTools: [CustomTool], agents: [Agent]) { self.appTools = appTools; self.agents = agents }

    public func agent(id: String) -> Agent? { agents.first { $0.id == id } }
}

/// One app agent.
public struct Agent: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var systemPrompt: String
    /// Collections this agent may read/update through the app-data tools (deduplicated, file order).
    public var dataCollections: [String]
    public var tools: [AgentTool]

    public init(id: String, name: String, description: String? = nil, systemPrompt: String,
                dataCollections: [String] = [], tools: [AgentTool] = []) {
        self.id = id; self.name = name; self.description = description; self.systemPrompt = systemPrompt
        self.dataCollections = dataCollections; self.tools = tools
    }

    public var customTools: [CustomTool] { tools.compactMap { if case .custom(let t) = $0 { return t }; return nil } }
    public var builtinTools: [BuiltinTool] { tools.compactMap { if case .builtin(let t) = $0 { return t }; return nil } }
}

public enum AgentTool: Sendable, Equatable {
    case builtin(BuiltinTool)
    case custom(CustomTool)

    public var name: String { switch self { case .builtin(let t): t.name.rawValue; case .custom(let t): t.name } }
    public var enabled: Bool { switch self { case .builtin(let t): t.enabled; case .custom(let t): t.enabled } }
}

/// Runtime tools an agent may be granted by name.
public enum BuiltinToolName: String, Sendable, CaseIterable {
    case skill = "Skill", read = "Read", write = "Write", edit = "Edit", bash = "Bash", glob = "Glob", grep = "Grep"
    case webSearch = "WebSearch", webFetch = "WebFetch"
}

public struct BuiltinTool: Sendable, Equatable {
    public var name: BuiltinToolName
    public var enabled: Bool
    public var recommended: Bool?
    public init(name: BuiltinToolName, enabled: Bool, recommended: Bool? = nil) { self.name = name; self.enabled = enabled; self.recommended = recommended }
}

/// An HTTP action executed by the server against an app-scoped grant.
public struct CustomTool: Sendable, Equatable {
    /// MCP tool name (the worker exposes it as `mcp__app_tools__<name>`).
    public var name: String
    public var displayName: String?
    public var description: String?
    public var enabled: Bool
    public var recommended: Bool?
    public var integration: ToolIntegration
    public var endpoint: ToolEndpoint
    public var responseSchema: JSON?
    public var mockData: [JSON]
    /// The tool exactly as written; `toolSpecMatches` compares against it.
    public var raw: JSON

    public var isOAuth: Bool { integration.auth?.isOAuth ?? false }
}

public struct ToolIntegration: Sendable, Equatable {
    public var name: String
    public var domain: String
    /// As written; `grantKey` holds the normalized form. Defaults to "default".
    public var keySlug: String
    public var setupSearchQuery: String?
    public var auth: IntegrationAuth?

    /// The grant this tool uses (normalized domain and key slug).
    public var grantKey: GrantKey { GrantKey(domain: domain, keySlug: keySlug) }
}

public enum HTTPMethod: String, Sendable, CaseIterable { case GET, POST, PUT, PATCH, DELETE }

public struct ToolEndpoint: Sendable, Equatable {
    /// Uppercased; nil when missing or not one of GET/POST/PUT/PATCH/DELETE (a reported issue).
    public var method: HTTPMethod?
    /// May contain `{{placeholders}}`; empty when missing (a reported issue).
    public var url: String
    public var headers: [String: String]
    public var queryParams: [String: String]
    public var body: JSON?
}
