import Foundation
import SecondCore
import SecondHTTP

/// The MCP broker at `POST /mcp/:sessionId?server=second|app_tools|app_data` (spec §18): JSON-RPC 2.0
/// over one HTTP POST, request or batch. Every request needs the run's scoped bearer token; tools are
/// listed and called only when `mcp__<server>__<tool>` is in the run's allowlist. App tools go to the
/// web's tool-execute, app data to app-data-read/-write — each re-checked there against the approved policy.
struct MCPBroker: Sendable {
    let sessions: BrokerSessions
    let web: WebCallback

    static let unauthorizedHeaders = [("WWW-Authenticate", #"Bearer realm="second-mcp""#)]

    func handle(_ req: HTTPRequest) async -> HTTPResponse {
        let id = req.params["sessionId"] ?? ""
        switch req.method {
        case "GET": return HTTPResponse(status: 405, headers: [("Allow", "POST, DELETE")] + jsonType, body: .bytes(Array(#"{"error":"method_not_allowed","message":"this MCP endpoint has no SSE stream; use POST"}"#.utf8)))
        case "DELETE": return .json(["ok": true])
        default: break
        }
        let session: BrokerSessions.Session
        switch sessions.authorize(id: id, token: req.bearerToken) {
        case .success(let s): session = s
        case .failure(let d):
            let message = d == .invalidToken ? "invalid_tool_broker_token" : "unknown_or_expired_tool_broker_session"
            return HTTPResponse(status: 401, headers: Self.unauthorizedHeaders + jsonType,
                                body: .bytes(rpcError(id: .null, code: -32000, message).encodedBytes))
        }
        let server = Namespace(req.query["server"])
        let parsed: JSON
        do { parsed = try JSON.parse(Data(req.body)) } catch {
            return .error(400, "invalid_json_rpc_body", "the body is not JSON: \(error)")
        }
        switch parsed {
        case .array(let batch):
            guard !batch.isEmpty else { return .json(rpcError(id: .null, code: -32600, "empty batch"), status: 400) }
            var answers: [JSON] = []
            for m in batch { if let a = await answer(m, server: server, session: session) { answers.append(a) } }
            return answers.isEmpty ? HTTPResponse(status: 202) : .json(.array(answers))
        case .object:
            guard let a = await answer(parsed, server: server, session: session) else { return HTTPResponse(status: 202) }
            return .json(a)
        default:
            return .error(400, "invalid_json_rpc_body", "expected a JSON-RPC object or a batch array")
        }
    }

    private var jsonType: [(String, String)] { [("Content-Type", "application/json")] }

    enum Namespace: String, Sendable {
        case second, appTools = "app_tools", appData = "app_data"
        init(_ raw: String?) { self = Namespace(rawValue: raw ?? "") ?? .second }
    }

    /// One message's answer; nil for notifications (no id).
    func answer(_ m: JSON, server: Namespace, session: BrokerSessions.Session) async -> JSON? {
        guard case .object(let o) = m, o["jsonrpc"]?.string == "2.0", let method = o["method"]?.string else {
            return rpcError(id: m["id"] ?? .null, code: -32600, "invalid JSON-RPC 2.0 request (needs jsonrpc \"2.0\" and a method)")
        }
        let id = o["id"]
        if id == nil || method.hasPrefix("notifications/") { return id.map { rpcResult(id: $0, [:]) } }
        let rid = id ?? .null
        let params = o["params"]?.object ?? [:]
        switch method {
        case "initialize":
            let version = params["protocolVersion"]?.string ?? "2024-11-05"
            return rpcResult(id: rid, ["protocolVersion": .string(version), "capabilities": ["tools": [:]],
                                       "serverInfo": ["name": .string(server.rawValue), "version": "1.0.0"]])
        case "ping": return rpcResult(id: rid, [:])
        case "tools/list": return rpcResult(id: rid, ["tools": .array(BrokerTools.list(server, session.scope))])
        case "resources/list": return rpcResult(id: rid, ["resources": []])
        case "resources/templates/list": return rpcResult(id: rid, ["resourceTemplates": []])
        case "prompts/list": return rpcResult(id: rid, ["prompts": []])
        case "tools/call":
            guard let name = params["name"]?.string else { return rpcError(id: rid, code: -32602, "tools/call needs params.name") }
            let args = params["arguments"]?.object ?? [:]
            do {
                let (text, isError) = try await BrokerTools.call(server, name: name, arguments: args, session: session, web: web)
                return rpcResult(id: rid, ["content": [["type": "text", "text": .string(text)]], "isError": .bool(isError)])
            } catch let e as BrokerTools.Refusal {
                return rpcError(id: rid, code: -32000, e.message)
            } catch {
                return rpcError(id: rid, code: -32000, "\(error)")
            }
        default:
            return rpcError(id: rid, code: -32601, "method not found: \(method)")
        }
    }

    func rpcResult(id: JSON, _ result: [String: JSON]) -> JSON { ["jsonrpc": "2.0", "id": id, "result": .object(result)] }
    func rpcError(id: JSON, code: Int64, _ message: String) -> JSON {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]]
    }
}

extension JSON {
    var encodedBytes: [UInt8] { bytes() }
}
