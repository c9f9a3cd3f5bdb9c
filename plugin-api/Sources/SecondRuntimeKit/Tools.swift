import Foundation
import SecondPluginKit

/// Approval stops (§15.6): the turn ends after the result of a blocking tool.
public enum ApprovalStop {
    public static let blockingTools: Set<String> = ["present_plan", "present_suggestions", "present_agents", "set_onboarding_context"]

    static func bare(_ name: String) -> String {
        for p in ["mcp__second__", "second_", "second__"] where name.hasPrefix(p) { return String(name.dropFirst(p.count)) }
        return name
    }

    /// True when the result of tool `name` (canonical or CLI-specific) stops the turn.
    public static func stops(toolName name: String, result: JSONValue?) -> Bool {
        let b = bare(name)
        guard name == b || name.hasPrefix("mcp__second__") || name.hasPrefix("second_") || name.hasPrefix("second__") else { return false }
        guard blockingTools.contains(b) else { return false }
        if b != "present_agents" { return true }
        guard let payload = textPayload(result), let obj = JSONValue.parseObject(line: payload) else { return false }
        return obj["ok"]?.boolValue == true && obj["status"]?.stringValue == "presented"
    }

    /// The text of a tool result: a string, `[{type:"text",text}]`, or `{content:[…]}`.
    public static func textPayload(_ v: JSONValue?) -> String? {
        switch v {
        case .string(let s)?: return s
        case .array(let a)?: return a.compactMap { $0["text"]?.stringValue }.joined()
        case .object(let o)?:
            if let c = o["content"] { return textPayload(c) }
            return JSONValue.object(o).serialized
        default: return nil
        }
    }
}

/// Canonical tool names (§17).
public enum ToolNames {
    public static let builtins = ["Read", "Write", "Edit", "Bash", "Glob", "Grep", "WebSearch", "WebFetch", "Skill"]
    public static let mcpServers = ["second", "app_tools", "app_data"]

    /// `second_present_plan` → `mcp__second__present_plan`, `bash` → `Bash`, …
    public static func fromUnderscored(_ raw: String) -> String {
        switch raw.lowercased() {
        case "bash", "shell": return "Bash"
        case "edit", "apply_patch", "patch", "multiedit": return "Edit"
        case "write": return "Write"
        case "read": return "Read"
        case "grep": return "Grep"
        case "glob", "list", "ls": return raw.lowercased() == "glob" ? "Glob" : "Glob"
        case "webfetch": return "WebFetch"
        case "websearch": return "WebSearch"
        case "skill": return "Skill"
        case "task": return "Task"
        case "todowrite": return "TodoWrite"
        case "todoread": return "TodoRead"
        default: break
        }
        if raw.hasPrefix("mcp__") { return raw }
        // Longest server name first: app_tools_x must not match a server "app".
        for s in mcpServers.sorted(by: { $0.count > $1.count }) where raw.hasPrefix(s + "_") {
            return "mcp__\(s)__\(raw.dropFirst(s.count + 1))"
        }
        return raw
    }
}
