import Foundation
import SecondCore

/// The tools of the broker's namespaces for one run (spec §18): `app_tools` = one tool per enabled
/// approved custom tool + `report_tool_call_failed`; `app_data` = read/update when the agent lists
/// collections; `second` = the builder's tools, none of which an app agent may use.
enum BrokerTools {
    struct Refusal: Error { let message: String }

    static let inputSchema: JSON = ["type": "object", "properties": ["input": ["type": "string", "description": "Optional input parameters as a JSON string"]]]

    static let reportTool: JSON = [
        "name": "report_tool_call_failed",
        "description": "Report that an app tool failed or returned something unusable, so the app's builder can repair it.",
        "inputSchema": ["type": "object", "required": ["description"], "properties": [
            "description": ["type": "string"], "attemptedTask": ["type": "string"], "toolName": ["type": "string"]]],
    ]

    static let readData: JSON = [
        "name": "read_app_data",
        "description": "Read documents of one of the app's data collections (all of them, or one by docId).",
        "inputSchema": ["type": "object", "required": ["collection"], "properties": [
            "collection": ["type": "string"], "docId": ["type": "string"]]],
    ]

    static let updateData: JSON = [
        "name": "update_app_data",
        "description": "Insert, update, upsert or delete a document in one of the app's data collections.",
        "inputSchema": ["type": "object", "required": ["collection", "operation"], "properties": [
            "collection": ["type": "string"], "operation": ["enum": ["insert", "update", "upsert", "delete"]],
            "filter": ["type": "object"], "data": ["type": "object"]]],
    ]

    static func allowed(_ server: MCPBroker.Namespace, _ tool: String, _ scope: BrokerScope) -> Bool {
        scope.allowedTools.contains("mcp__\(server.rawValue)__\(tool)")
    }

    static func list(_ server: MCPBroker.Namespace, _ scope: BrokerScope) -> [JSON] {
        var all: [JSON] = []
        switch server {
        case .second: break
        case .appTools:
            for name in scope.customTools.keys.sorted() {
                let t = scope.customTools[name]!
                let description = t["description"]?.string ?? t["displayName"]?.string ?? "App tool \(name)"
                all.append(["name": .string(name), "description": .string(description), "inputSchema": inputSchema])
            }
            all.append(reportTool)
        case .appData:
            if !scope.dataCollections.isEmpty { all += [readData, updateData] }
        }
        return all.filter { allowed(server, $0["name"]?.string ?? "", scope) }
    }

    /// Runs one tool; returns the text for the model and whether it is an error result.
    static func call(_ server: MCPBroker.Namespace, name: String, arguments: [String: JSON], session: BrokerSessions.Session,
                     web: WebCallback) async throws -> (String, Bool) {
        let scope = session.scope
        guard allowed(server, name, scope) else { throw Refusal(message: "tool_not_allowed_for_session: mcp__\(server.rawValue)__\(name)") }
        let base: [String: JSON] = ["workspaceId": .string(scope.workspaceId), "appId": .string(scope.appId), "runId": .string(scope.runId),
                                    "agentId": .string(scope.agentId), "sourceVersion": .string(scope.sourceVersion)]
        switch server {
        case .second:
            throw Refusal(message: "unknown_tool: \(name)")
        case .appTools:
            if name == "report_tool_call_failed" {
                var body = base
                body["description"] = .string(String((arguments["description"]?.string ?? "").prefix(4000)))
                body["attemptedTask"] = arguments["attemptedTask"].map { .string(String(($0.string ?? "").prefix(2000))) }
                body["requestedToolName"] = arguments["toolName"]
                let (status, answer) = try await web.post("tool-failure-report", .object(body))
                return status == 200 ? ("Reported. The app's builder will look at this failure.", false) : (errorText(answer, status), true)
            }
            guard let spec = scope.customTools[name] else { throw Refusal(message: "unknown_custom_tool: \(name)") }
            var input: JSON = [:]
            if let raw = arguments["input"]?.string, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let parsed = try? JSON.parse(raw), case .object = parsed else {
                    return ("The input must be a JSON object encoded as a string, e.g. {\"query\":\"…\"}.", true)
                }
                input = parsed
            } else if let o = arguments["input"]?.object {
                input = .object(o)
            }
            var body = base
            body["toolName"] = .string(name)
            body["toolSpec"] = ["endpoint": spec["endpoint"] ?? .null, "integration": spec["integration"] ?? .null]
            body["toolInput"] = input
            let (status, answer) = try await web.post("tool-execute", .object(body))
            guard status == 200, answer["success"]?.bool == true else { return (errorText(answer, status), true) }
            var out: [String: JSON] = ["data": answer["data"] ?? .null]
            if answer["mock"]?.bool == true {
                out["mock"] = true
                out["note"] = .string(answer["mockReason"]?.string ?? "this is sample data, not a live call")
            }
            return (JSON.object(out).text, false)
        case .appData:
            guard let collection = arguments["collection"]?.string, scope.dataCollections.contains(collection) else {
                return ("Access denied: collection \"\(arguments["collection"]?.string ?? "")\" is not approved for agent \(scope.agentId).", true)
            }
            var body = base
            body["collection"] = .string(collection)
            let route: String
            if name == "read_app_data" {
                route = "app-data-read"
                body["docId"] = arguments["docId"]
            } else {
                route = "app-data-write"
                body["operation"] = arguments["operation"] ?? .null
                body["filter"] = arguments["filter"]
                body["data"] = arguments["data"]
            }
            let (status, answer) = try await web.post(route, .object(body))
            guard status == 200 else { return (errorText(answer, status), true) }
            return (answer.text, false)
        }
    }

    static func errorText(_ answer: JSON, _ status: Int) -> String {
        let message = answer["message"]?.string ?? answer["error"]?.string ?? "HTTP \(status)"
        return "Tool failed: \(message)"
    }
}
