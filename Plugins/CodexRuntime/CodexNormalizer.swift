import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// `codex exec --json` → §17 events. Pure.
///
/// thread.started → system/init; items → assistant text/thinking/tool_use + user tool_result
/// (mcp_tool_call → mcp__<server>__<tool>, command_execution → Bash, file_change → Write/Edit,
/// web_search → WebSearch); item.updated of a command → tool_output_delta; turn.completed → result
/// priced from config; turn.failed → failure. Top-level `error` lines are retry noise (kept for the
/// failure message only). todo_list/plan/error items and unknown types → tool_use_summary;
/// turn.started is dropped; a non-JSON line → tool_use_summary; a torn last line is dropped.
struct CodexNormalizer: StreamNormalizer {
    let model: String
    let pricing: PricingTable
    let secrets: [String]
    let durationClock: @Sendable () -> Int
    private(set) var threadId: String?
    private(set) var usage = TokenUsage()
    private(set) var turns = 0
    private(set) var completed = false
    private(set) var failure: String?
    private(set) var lastError: String?
    private(set) var stopped = false
    private var announced: Set<String> = []
    private var names: [String: String] = [:]
    private var outputs: [String: String] = [:]
    private var torn = TornLineGuard()
    var wantsStop: Bool { stopped }

    init(model: String, pricing: PricingTable, secrets: [String] = [], durationClock: @escaping @Sendable () -> Int = { 0 }) {
        self.model = model; self.pricing = pricing; self.secrets = secrets; self.durationClock = durationClock
    }

    mutating func feed(line: String) -> [JSONValue] {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        guard let obj = JSONValue.parseObject(line: line) else {
            if let prev = torn.hold(line), !stopped { return [summary("codex output: " + prev)] }
            return []
        }
        var out: [JSONValue] = []
        if let prev = torn.release(), !stopped { out.append(summary("codex output: " + prev)) }
        if stopped { return out }
        switch obj["type"]?.stringValue ?? "" {
        case "thread.started":
            if let id = obj["thread_id"]?.stringValue {
                threadId = id
                out.append(NormalizedEvent.systemInit(sessionId: id, runtimeId: "codex", format: "codex-session", model: model))
            }
        case "turn.started":
            break
        case "item.started":
            if let item = obj["item"]?.objectValue { out += started(item) }
        case "item.updated":
            if let item = obj["item"]?.objectValue { out += updated(item) }
        case "item.completed":
            if let item = obj["item"]?.objectValue { out += completedItem(item) }
        case "turn.completed":
            turns += 1
            completed = true
            let u = obj["usage"]
            let input = u?["input_tokens"]?.intValue ?? 0
            let cached = u?["cached_input_tokens"]?.intValue ?? 0
            let write = u?["cache_write_input_tokens"]?.intValue ?? 0
            usage += TokenUsage(input: max(0, input - cached - write), cacheRead: cached, cacheWrite: write,
                                output: u?["output_tokens"]?.intValue ?? 0, reasoning: u?["reasoning_output_tokens"]?.intValue ?? 0)
        case "turn.failed":
            let m = JSONValue.object(obj).at("error", "message")?.stringValue ?? obj["error"]?.stringValue ?? lastError ?? "turn failed"
            failure = Redactor.clip("codex turn failed: " + m, limit: 800, secrets: secrets)
        case "error":
            lastError = obj["message"]?.stringValue.map { Redactor.clip($0, limit: 800, secrets: secrets) }
        default:
            out.append(summary("codex event: " + (obj["type"]?.stringValue ?? "(no type)")))
        }
        return out
    }

    private func summary(_ s: String) -> JSONValue { NormalizedEvent.summary(Redactor.clip(s, limit: 800, secrets: secrets)) }

    /// (canonical name, input) of a tool-like item, or nil.
    private func tool(_ item: [String: JSONValue]) -> (String, JSONValue)? {
        switch item["type"]?.stringValue {
        case "mcp_tool_call":
            let server = item["server"]?.stringValue ?? "unknown"
            let name = item["tool"]?.stringValue ?? "unknown"
            return ("mcp__\(server)__\(name)", item["arguments"] ?? .object([:]))
        case "command_execution":
            return ("Bash", ["command": item["command"] ?? .null])
        case "file_change":
            let changes = item["changes"]?.arrayValue ?? []
            let allAdds = !changes.isEmpty && changes.allSatisfy { $0["kind"]?.stringValue == "add" }
            return (allAdds ? "Write" : "Edit", ["changes": .array(changes)])
        case "web_search":
            return ("WebSearch", ["query": item["query"] ?? .null])
        default: return nil
        }
    }

    private mutating func announce(_ item: [String: JSONValue]) -> [JSONValue] {
        guard let id = item["id"]?.stringValue, let (name, input) = tool(item), !announced.contains(id) else { return [] }
        announced.insert(id)
        names[id] = name
        return [NormalizedEvent.assistant([NormalizedEvent.toolUse(id: id, name: name, input: input)], model: model)]
    }

    private mutating func started(_ item: [String: JSONValue]) -> [JSONValue] { announce(item) }

    private mutating func updated(_ item: [String: JSONValue]) -> [JSONValue] {
        var out = announce(item)
        if item["type"]?.stringValue == "command_execution", let id = item["id"]?.stringValue,
           let full = item["aggregated_output"]?.stringValue {
            let prev = outputs[id] ?? ""
            let delta = full.hasPrefix(prev) ? String(full.dropFirst(prev.count)) : full
            outputs[id] = full
            if !delta.isEmpty {
                out.append(NormalizedEvent.toolOutputDelta(toolUseId: id, toolName: "Bash", delta: delta, output: full,
                                                           status: item["status"]?.stringValue ?? "in_progress"))
            }
        }
        return out
    }

    private mutating func completedItem(_ item: [String: JSONValue]) -> [JSONValue] {
        switch item["type"]?.stringValue ?? "" {
        case "agent_message":
            return [NormalizedEvent.assistant([NormalizedEvent.text(item["text"]?.stringValue ?? "")], model: model)]
        case "reasoning":
            return [NormalizedEvent.assistant([NormalizedEvent.thinking(item["text"]?.stringValue ?? "")], model: model)]
        case "mcp_tool_call", "command_execution", "file_change", "web_search":
            var out = announce(item)
            guard let id = item["id"]?.stringValue else { return out }
            let status = item["status"]?.stringValue ?? "completed"
            var isError = status == "failed" || item["error"].map { !$0.isNull } == true
            let content: JSONValue
            switch item["type"]?.stringValue {
            case "mcp_tool_call":
                if let e = JSONValue.object(item).at("error", "message")?.stringValue ?? item["error"]?.stringValue { content = .string(e); isError = true }
                else { content = JSONValue.object(item).at("result", "content") ?? item["result"] ?? .string("") }
            case "command_execution":
                if let code = item["exit_code"]?.intValue, code != 0 { isError = true }
                content = .string(item["aggregated_output"]?.stringValue ?? "")
            default:
                content = .string(status)
            }
            out.append(NormalizedEvent.toolResult(toolUseId: id, content: content, isError: isError))
            if !isError, let name = names[id], ApprovalStop.stops(toolName: name, result: content) { stopped = true }
            return out
        case "error":
            return [summary("codex warning: " + (item["message"]?.stringValue ?? ""))]
        default:
            return [summary("codex item: " + (item["type"]?.stringValue ?? "(no type)"))]
        }
    }

    mutating func finish(exitCode: Int32, signal: Int32, cancelled: Bool, stderrTail: String) -> StreamOutcome {
        _ = torn.dropTorn()
        var events: [JSONValue] = []
        if completed || turns > 0 || stopped {
            events.append(ResultBuilder.result(model: model, usage: usage, pricing: pricing, durationMs: durationClock(),
                                               numTurns: max(turns, 1), isError: failure != nil,
                                               extra: threadId.map { ["session_id": .string($0)] } ?? [:]))
        }
        if stopped { return StreamOutcome(events: events) }
        if cancelled { return StreamOutcome(events: events, error: "cancelled") }
        var error: String?
        if let failure { error = failure }
        else if !completed {
            if signal != 0 { error = "codex was killed by signal \(signal) before the turn completed" }
            else if exitCode != 0 { error = "codex exited with code \(exitCode) before the turn completed" }
            else { error = "codex stream ended without turn.completed" }
            if let e = lastError { error! += ": " + e }
            else if !stderrTail.isEmpty { error! += ": " + stderrTail }
        } else if exitCode != 0 {
            error = "codex exited with code \(exitCode)" + (stderrTail.isEmpty ? "" : ": " + stderrTail)
        }
        if let e = error {
            let m = Redactor.clip(e, limit: 2000, secrets: secrets)
            events.append(NormalizedEvent.error(m))
            return StreamOutcome(events: events, error: m)
        }
        return StreamOutcome(events: events)
    }
}
