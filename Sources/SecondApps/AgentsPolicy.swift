import Foundation
import SecondCore

/// The outcome of reading an `agents.json`, shaped like the §11 `present_agents` result.
public struct AgentsValidation: Sendable, Equatable {
    public enum Status: String, Sendable { case presented, changesRequired = "changes_required", invalid }

    public let status: Status
    /// Typed policy; nil only when `status == .invalid`.
    public let policy: AgentsPolicy?
    /// The parsed document (nil when the text is not JSON).
    public let document: JSON?
    public let issues: [PolicyIssue]
    /// Where unparsable text first goes wrong.
    public let parseErrorLocation: TextLocation?

    public var ok: Bool { status == .presented }

    /// One line for the builder.
    public var message: String {
        switch status {
        case .presented:
            return "agents.json defines \(policy?.agents.count ?? 0) agent(s) and \(policy?.appTools.count ?? 0) app tool(s)."
        case .changesRequired:
            return "agents.json needs changes (\(issues.count) issue(s)): " + issues.map(\.description).joined(separator: "; ")
        case .invalid:
            let hard = issues.filter { $0.severity == .invalid }
            return "agents.json is invalid: " + hard.map(\.description).joined(separator: "; ")
        }
    }

    /// `{ok, status, source, agents, appTools, validationIssues?, message}` (agent and tool names only).
    public var resultJSON: JSON {
        var o: [String: JSON] = ["ok": .bool(ok), "status": .string(status.rawValue), "source": "agents.json", "message": .string(message)]
        o["agents"] = .array((policy?.agents ?? []).map { a in
            .object(["id": .string(a.id), "name": .string(a.name), "tools": .array(a.tools.map { .string($0.name) })])
        })
        o["appTools"] = .array((policy?.appTools ?? []).map { .string($0.name) })
        if !issues.isEmpty { o["validationIssues"] = .array(issues.map(\.json)) }
        return .object(o)
    }
}

extension AgentsPolicy {
    /// Parses and validates `agents.json` text. Never throws: every problem is an issue with a JSON pointer.
    public static func validate(text: String) -> AgentsValidation {
        switch LocatedJSON.parse(text) {
        case .success(let json): return validate(json: json)
        case .failure(let f):
            return AgentsValidation(status: .invalid, policy: nil, document: nil,
                                    issues: [PolicyIssue(pointer: "", message: f.message, severity: .invalid)], parseErrorLocation: f.location)
        }
    }

    /// Validates an already-parsed document (e.g. a stored approved payload).
    public static func validate(json: JSON) -> AgentsValidation {
        let sink = IssueSink()
        let policy = AgentsReader(sink: sink).read(json)
        let status: AgentsValidation.Status = sink.hasInvalid || policy == nil ? .invalid : sink.issues.isEmpty ? .presented : .changesRequired
        return AgentsValidation(status: status, policy: status == .invalid ? nil : policy, document: json,
                                issues: sink.issues, parseErrorLocation: nil)
    }

    static func isValidAgentId(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...64).contains(u.count), isLowerAlnum(u[0]) else { return false }
        return u.allSatisfy { isLowerAlnum($0) || $0 == 95 || $0 == 45 }
    }

    /// `^[a-zA-Z0-9_-]{1,64}$`: custom tool names and data collection names.
    static func isValidName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return (1...64).contains(u.count) && u.allSatisfy { isLowerAlnum($0) || (65...90).contains($0) || $0 == 95 || $0 == 45 }
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (97...122).contains(c) || (48...57).contains(c) }
}

/// Schema reading: wrong shapes are `invalid`; the §11 rules are applied per custom tool.
private struct AgentsReader {
    let sink: IssueSink

    func read(_ json: JSON) -> AgentsPolicy? {
        guard case .object(let root) = json else { sink.invalid("", "agents.json must be a JSON object"); return nil }
        let r = FieldReader(object: root, pointer: "", sink: sink)
        var appTools: [CustomTool] = []
        if let raw = r.array("appTools") {
            var seen: [String: Int] = [:]
            for (i, t) in raw.enumerated() {
                let p = Pointer.child("/appTools", i)
                guard case .object(let o) = t else { sink.invalid(p, "each app tool must be an object"); continue }
                guard o["type"] == .string("custom") else {
                    sink.invalid(Pointer.child(p, "type"), "app tools must have type \"custom\""); continue
                }
                guard let tool = customTool(o, at: p) else { continue }
                if let first = seen[tool.name] {
                    sink.invalid(Pointer.child(p, "name"), "tool name \"\(tool.name)\" is used more than once (also at /appTools/\(first))")
                } else { seen[tool.name] = i }
                appTools.append(tool)
            }
        }
        var agents: [Agent] = []
        if let raw = r.array("agents") {
            var seen: [String: Int] = [:]
            for (i, a) in raw.enumerated() {
                let p = Pointer.child("/agents", i)
                guard case .object(let o) = a else { sink.invalid(p, "each agent must be an object"); continue }
                guard let agent = agent(o, at: p) else { continue }
                if let first = seen[agent.id] {
                    sink.invalid(Pointer.child(p, "id"), "duplicate agent id \"\(agent.id)\" (also at /agents/\(first))")
                } else { seen[agent.id] = i }
                agents.append(agent)
            }
        }
        let hasAgents = !(root["agents"]?.array ?? []).isEmpty, hasAppTools = !(root["appTools"]?.array ?? []).isEmpty
        if !hasAgents && !hasAppTools {
            sink.invalid("/agents", "agents.json must define at least one agent or app tool")
        }
        return AgentsPolicy(appTools: appTools, agents: agents)
    }

    private func agent(_ o: [String: JSON], at p: String) -> Agent? {
        let r = FieldReader(object: o, pointer: p, sink: sink)
        let id = r.string("id", required: true)
        if let id, !AgentsPolicy.isValidAgentId(id) {
            sink.invalid(r.at("id"), "agent id \"\(id)\" must match ^[a-z0-9][a-z0-9_-]{0,63}$")
        }
        let name = r.string("name", required: true, nonEmpty: true)
        let prompt = r.string("systemPrompt", required: true, nonEmpty: true)
        let description = r.string("description")
        var collections: [String] = []
        for (i, c) in (r.array("dataCollections") ?? []).enumerated() {
            let cp = Pointer.child(r.at("dataCollections"), i)
            guard case .string(let s) = c else { sink.invalid(cp, "data collection names must be strings"); continue }
            guard AgentsPolicy.isValidName(s) else { sink.invalid(cp, "data collection \"\(s)\" must match ^[a-zA-Z0-9_-]{1,64}$"); continue }
            if !collections.contains(s) { collections.append(s) }
        }
        var tools: [AgentTool] = []
        var customNames: [String: Int] = [:]
        for (i, t) in (r.array("tools") ?? []).enumerated() {
            let tp = Pointer.child(r.at("tools"), i)
            guard case .object(let to) = t else { sink.invalid(tp, "each tool must be an object"); continue }
            let tr = FieldReader(object: to, pointer: tp, sink: sink)
            switch tr.string("type", required: true) {
            case "builtin"?:
                if let b = builtin(to, at: tp) { tools.append(.builtin(b)) }
            case "custom"?:
                guard let c = customTool(to, at: tp) else { continue }
                if let first = customNames[c.name] {
                    sink.invalid(Pointer.child(tp, "name"), "tool name \"\(c.name)\" is used more than once (also at \(r.at("tools"))/\(first))")
                } else { customNames[c.name] = i }
                tools.append(.custom(c))
            case let other?:
                sink.invalid(tr.at("type"), "tool type must be \"builtin\" or \"custom\" (got \"\(other)\")")
            case nil: break
            }
        }
        guard let id, let name, let prompt else { return nil }
        return Agent(id: id, name: name, description: description, systemPrompt: prompt, dataCollections: collections, tools: tools)
    }

    private func builtin(_ o: [String: JSON], at p: String) -> BuiltinTool? {
        let r = FieldReader(object: o, pointer: p, sink: sink)
        let name = r.string("name", required: true)
        let enabled = r.bool("enabled", required: true)
        let recommended = r.bool("recommended")
        guard let name else { return nil }
        guard let known = BuiltinToolName(rawValue: name) else {
            sink.invalid(r.at("name"), "unknown builtin tool \"\(name)\"; expected one of \(BuiltinToolName.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        guard let enabled else { return nil }
        return BuiltinTool(name: known, enabled: enabled, recommended: recommended)
    }

    private func customTool(_ o: [String: JSON], at p: String) -> CustomTool? {
        let r = FieldReader(object: o, pointer: p, sink: sink)
        let name = r.string("name", required: true)
        if let name {
            if !AgentsPolicy.isValidName(name) { sink.invalid(r.at("name"), "tool name \"\(name)\" must match ^[a-zA-Z0-9_-]{1,64}$") }
            else if name == CustomToolRules.reservedName { sink.changes(r.at("name"), "the tool name \(name) is reserved") }
        }
        let enabled = r.bool("enabled", required: true)
        let displayName = r.string("displayName"), description = r.string("description")
        let recommended = r.bool("recommended")
        let mockData = r.array("mockData") ?? []

        var integration = ToolIntegration(name: "", domain: "", keySlug: "default", setupSearchQuery: nil, auth: nil)
        if let io = r.objectField("integration") {
            let ir = FieldReader(object: io, pointer: r.at("integration"), sink: sink)
            integration.name = ir.string("name", required: true, nonEmpty: true, missingSeverity: .changesRequired) ?? ""
            integration.domain = ir.string("domain", required: true, nonEmpty: true, missingSeverity: .changesRequired) ?? ""
            if let slug = ir.string("keySlug"), !slug.isEmpty { integration.keySlug = slug }
            integration.setupSearchQuery = ir.string("setupSearchQuery")
            if let auth = io["auth"], auth != .null { integration.auth = OAuth2Config.readAuth(auth, at: ir.at("auth"), sink: sink) }
        } else if !r.has("integration") {
            sink.changes(r.at("integration"), "custom tool needs an integration {name, domain}")
        }

        var endpoint = ToolEndpoint(method: nil, url: "", headers: [:], queryParams: [:], body: nil)
        if let eo = r.objectField("endpoint") {
            let er = FieldReader(object: eo, pointer: r.at("endpoint"), sink: sink)
            if let m = er.string("method", required: true, missingSeverity: .changesRequired) {
                endpoint.method = HTTPMethod(rawValue: m.uppercased())
                if endpoint.method == nil { sink.changes(er.at("method"), "endpoint.method must be GET, POST, PUT, PATCH or DELETE (got \"\(m)\")") }
            }
            if let url = er.string("url", required: true, nonEmpty: true, missingSeverity: .changesRequired) {
                endpoint.url = url
                let lower = url.lowercased()
                if !lower.hasPrefix("https://") && !lower.hasPrefix("http://") {
                    sink.changes(er.at("url"), "endpoint.url must be an absolute https:// URL")
                }
            }
            endpoint.headers = er.stringMap("headers")
            endpoint.queryParams = er.stringMap("queryParams")
            if let body = eo["body"], body != .null { endpoint.body = body }
        } else if !r.has("endpoint") {
            sink.changes(r.at("endpoint"), "custom tool needs an endpoint {method, url}")
        }

        guard let name, let enabled else { return nil }
        let tool = CustomTool(name: name, displayName: displayName, description: description, enabled: enabled, recommended: recommended,
                              integration: integration, endpoint: endpoint, responseSchema: o["responseSchema"], mockData: mockData,
                              raw: .object(o))
        CustomToolRules.check(tool, at: p, sink: sink)
        return tool
    }
}
