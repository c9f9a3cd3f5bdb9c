import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// claude `-p --output-format stream-json` → §17 events. Pure.
///
/// Pass-through (plus "v":1): `system/*` (init gains providerSessionState), `stream_event`,
/// `assistant`, `user`; `result` is re-priced from config. Dropped: `rate_limit_event`. Any other
/// type becomes `tool_use_summary` ("claude event: <type>"); a non-JSON line becomes a redacted
/// `tool_use_summary`; a torn last line is dropped.
struct ClaudeNormalizer: StreamNormalizer {
    let model: String
    let pricing: PricingTable
    let useReportedCost: Bool
    let secrets: [String]
    private(set) var sessionId: String?
    private(set) var sawResult = false
    private(set) var resultError: String?
    private(set) var stopped = false
    private var toolNames: [String: String] = [:]
    private var torn = TornLineGuard()
    var wantsStop: Bool { stopped }

    init(model: String, pricing: PricingTable, useReportedCost: Bool = false, secrets: [String] = []) {
        self.model = model; self.pricing = pricing; self.useReportedCost = useReportedCost; self.secrets = secrets
    }

    mutating func feed(line: String) -> [JSONValue] {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        guard let obj = JSONValue.parseObject(line: line) else {
            if let prev = torn.hold(line), !stopped { return [nonJSON(prev)] }
            return []
        }
        var out: [JSONValue] = []
        if let prev = torn.release(), !stopped { out.append(nonJSON(prev)) }
        if stopped { return out }
        let type = obj["type"]?.stringValue ?? ""
        switch type {
        case "system":
            var o = obj
            if obj["subtype"]?.stringValue == "init", let sid = obj["session_id"]?.stringValue {
                sessionId = sid
                o["providerSessionState"] = ["runtimeId": "claude", "sessionId": .string(sid), "format": "claude-jsonl"]
            }
            out.append(NormalizedEvent.passthrough(o))
        case "stream_event":
            out.append(NormalizedEvent.passthrough(obj))
        case "assistant":
            for block in JSONValue.object(obj).at("message", "content")?.arrayValue ?? [] where block["type"]?.stringValue == "tool_use" {
                if let id = block["id"]?.stringValue, let name = block["name"]?.stringValue { toolNames[id] = name }
            }
            out.append(NormalizedEvent.passthrough(obj))
        case "user":
            out.append(NormalizedEvent.passthrough(obj))
            for block in JSONValue.object(obj).at("message", "content")?.arrayValue ?? [] where block["type"]?.stringValue == "tool_result" {
                if let id = block["tool_use_id"]?.stringValue, let name = toolNames[id], block["is_error"]?.boolValue != true,
                   ApprovalStop.stops(toolName: name, result: block["content"]) {
                    stopped = true
                }
            }
        case "result":
            out.append(reprice(obj))
        case "rate_limit_event":
            break
        default:
            out.append(NormalizedEvent.summary("claude event: \(Redactor.clip(type.isEmpty ? "(no type)" : type, limit: 80))"))
        }
        return out
    }

    private func nonJSON(_ line: String) -> JSONValue {
        NormalizedEvent.summary("claude output: " + Redactor.clip(line, limit: 800, secrets: secrets))
    }

    /// Re-prices `result` from config (W17) and records is_error (never branch on subtype).
    private mutating func reprice(_ obj: [String: JSONValue]) -> JSONValue {
        sawResult = true
        if obj["is_error"]?.boolValue == true {
            let reason = obj["terminal_reason"]?.stringValue
            let text = obj["result"]?.stringValue ?? (obj["errors"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "; "))
            var msg = "claude run failed"
            if let reason, !reason.isEmpty { msg += " (\(reason))" }
            if let s = obj["api_error_status"]?.intValue { msg += " [HTTP \(s)]" }
            if let text, !text.isEmpty { msg += ": " + text }
            resultError = Redactor.clip(msg, limit: 800, secrets: secrets)
        }
        var o = obj
        let reported = obj["total_cost_usd"]?.numberValue
        var total: Double? = 0
        var mu: [String: JSONValue] = [:]
        let models = obj["modelUsage"]?.objectValue ?? [:]
        if models.isEmpty {
            let u = obj["usage"]
            let usage = TokenUsage(input: u?["input_tokens"]?.intValue ?? 0, cacheRead: u?["cache_read_input_tokens"]?.intValue ?? 0,
                                   cacheWrite: u?["cache_creation_input_tokens"]?.intValue ?? 0, output: u?["output_tokens"]?.intValue ?? 0)
            total = pricing.cost(model: model, usage: usage)
            mu[model] = ["inputTokens": .int(usage.input), "outputTokens": .int(usage.output), "cacheReadInputTokens": .int(usage.cacheRead),
                         "cacheCreationInputTokens": .int(usage.cacheWrite), "costUSD": .num(total)]
        }
        for (name, m) in models {
            let usage = TokenUsage(input: m["inputTokens"]?.intValue ?? 0, cacheRead: m["cacheReadInputTokens"]?.intValue ?? 0,
                                   cacheWrite: m["cacheCreationInputTokens"]?.intValue ?? 0, output: m["outputTokens"]?.intValue ?? 0)
            let c = pricing.cost(model: name, usage: usage)
            var entry = m.objectValue ?? [:]
            entry["costUSD"] = .num(c)
            if c == nil { entry["unpriced"] = true }
            mu[name] = .object(entry)
            total = (total != nil && c != nil) ? total! + c! : nil
        }
        if total == nil, useReportedCost, let r = reported { total = r }
        o["modelUsage"] = .object(mu)
        o["total_cost_usd"] = .num(total)
        if total == nil { o["unpriced"] = true } else { o.removeValue(forKey: "unpriced") }
        if let r = reported { o["cli_reported_cost_usd"] = .number(r) }
        return NormalizedEvent.passthrough(o)
    }

    mutating func finish(exitCode: Int32, signal: Int32, cancelled: Bool, stderrTail: String) -> StreamOutcome {
        _ = torn.dropTorn()
        if stopped { return StreamOutcome(events: sawResult ? [] : [NormalizedEvent.summary("approval stop: turn ended after a blocking tool result")]) }
        if sawResult { return StreamOutcome(events: resultError.map { [NormalizedEvent.error($0)] } ?? [], error: resultError) }
        if cancelled { return StreamOutcome(error: "cancelled") }
        var msg: String
        if signal != 0 { msg = "claude was killed by signal \(signal) before a result" }
        else if exitCode != 0 { msg = "claude exited with code \(exitCode) before a result" }
        else { msg = "claude stream ended without a result" }
        if !stderrTail.isEmpty { msg += ": " + stderrTail }
        return StreamOutcome(events: [NormalizedEvent.error(Redactor.clip(msg, limit: 2000, secrets: secrets))],
                             error: Redactor.clip(msg, limit: 2000, secrets: secrets))
    }
}
