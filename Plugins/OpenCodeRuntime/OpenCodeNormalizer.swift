import Foundation
import SecondPluginKit
import SecondRuntimeKit

/// `opencode run --format json` → §17 events. Pure.
///
/// The first session id seen → system/init (not when it equals the resumed id); `text` → assistant
/// text; `reasoning` → thinking; a finished `tool_use` part → assistant tool_use (normalized name)
/// + user tool_result; `step_finish` → usage/cost totals; `error` → failure "<code>: <message>"
/// (≤ 800 chars, redacted) and stop; `done` → end (rejected permissions → tool_use_summary);
/// `step_start` is dropped; unknown types and non-JSON lines → tool_use_summary; torn last line dropped.
struct OpenCodeNormalizer: StreamNormalizer {
    let model: String
    let pricing: PricingTable
    let useReportedCost: Bool
    let knownSession: String?
    let secrets: [String]
    let durationClock: @Sendable () -> Int
    private(set) var sessionId: String?
    private(set) var usage = TokenUsage()
    private(set) var reportedCost: Double = 0
    private(set) var steps = 0
    private(set) var sawStop = false
    private(set) var done = false
    private(set) var failure: String?
    private(set) var approvalStop = false
    private var torn = TornLineGuard()
    var wantsStop: Bool { approvalStop || failure != nil }

    init(model: String, pricing: PricingTable, useReportedCost: Bool = false, knownSession: String? = nil,
         secrets: [String] = [], durationClock: @escaping @Sendable () -> Int = { 0 }) {
        self.model = model; self.pricing = pricing; self.useReportedCost = useReportedCost; self.knownSession = knownSession
        self.secrets = secrets; self.durationClock = durationClock
    }

    static func sessionId(_ o: JSONValue) -> String? {
        for path in [["sessionID"], ["sessionId"], ["session_id"], ["part", "sessionID"], ["properties", "sessionID"], ["info", "sessionID"]] {
            var cur: JSONValue? = o
            for k in path { cur = cur?[k] }
            if let s = cur?.stringValue, !s.isEmpty { return s }
        }
        return nil
    }

    /// "<code>: <message>", or the message alone, or a string error as is.
    static func errorMessage(_ o: JSONValue) -> String {
        if let s = o["error"]?.stringValue { return s }
        var roots: [JSONValue] = []
        if let e = o["error"], e.objectValue != nil { roots.append(e); if let p = e["properties"] { roots.append(p) } }
        if let p = o["properties"] { roots.append(p); if let e = p["error"] { roots.append(e) } }
        roots.append(o)
        func first(_ paths: [[String]]) -> String? {
            for r in roots {
                for path in paths {
                    var cur: JSONValue? = r
                    for k in path { cur = cur?[k] }
                    if let s = cur?.stringValue, !s.isEmpty { return s }
                }
            }
            return nil
        }
        let code = first([["code"], ["data", "code"], ["name"]])
        let message = first([["message"], ["data", "message"], ["data", "error", "message"], ["error", "message"], ["data", "error"]])
        switch (code, message) {
        case let (c?, m?): return "\(c): \(m)"
        case let (nil, m?): return m
        case let (c?, nil): return c
        default: return "opencode reported an error"
        }
    }

    mutating func feed(line: String) -> [JSONValue] {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        guard case .object(let obj)? = JSONValue.parse(line: line) else {
            if let prev = torn.hold(line), !wantsStop { return [summary("opencode output: " + prev)] }
            return []
        }
        var out: [JSONValue] = []
        if let prev = torn.release(), !wantsStop { out.append(summary("opencode output: " + prev)) }
        if wantsStop { return out }
        let o = JSONValue.object(obj)
        if sessionId == nil, let sid = Self.sessionId(o) {
            sessionId = sid
            if sid != knownSession {
                out.append(NormalizedEvent.systemInit(sessionId: sid, runtimeId: "opencode", format: "opencode-session", model: model))
            }
        }
        let part = o["part"]
        switch obj["type"]?.stringValue ?? "" {
        case "step_start", "step-start":
            break
        case "text":
            if let t = part?["text"]?.stringValue ?? obj["text"]?.stringValue { out.append(NormalizedEvent.assistant([NormalizedEvent.text(t)], model: model)) }
        case "reasoning":
            if let t = part?["text"]?.stringValue { out.append(NormalizedEvent.assistant([NormalizedEvent.thinking(t)], model: model)) }
        case "tool_use", "tool":
            guard let p = part else { break }
            let raw = p["tool"]?.stringValue ?? p["name"]?.stringValue ?? "unknown"
            let name = ToolNames.fromUnderscored(raw)
            let id = p["callID"]?.stringValue ?? p["callId"]?.stringValue ?? p["id"]?.stringValue ?? "call_\(steps)_\(raw)"
            let state = p["state"]
            let status = state?["status"]?.stringValue ?? "completed"
            let exit = state?.at("metadata", "exit")?.intValue
            let isError = status == "error" || (exit != nil && exit != 0)
            let content = state?["output"] ?? state?["error"] ?? .string("")
            out.append(NormalizedEvent.assistant([NormalizedEvent.toolUse(id: id, name: name, input: state?["input"] ?? .object([:]))], model: model))
            out.append(NormalizedEvent.toolResult(toolUseId: id, content: content, isError: isError))
            if !isError, ApprovalStop.stops(toolName: name, result: content) { approvalStop = true }
        case "step_finish", "step-finish":
            steps += 1
            let t = part?["tokens"] ?? obj["tokens"]
            usage += TokenUsage(input: t?["input"]?.intValue ?? 0, cacheRead: t?.at("cache", "read")?.intValue ?? 0,
                                cacheWrite: t?.at("cache", "write")?.intValue ?? 0, output: t?["output"]?.intValue ?? 0,
                                reasoning: t?["reasoning"]?.intValue ?? 0)
            reportedCost += part?["cost"]?.numberValue ?? obj["cost"]?.numberValue ?? 0
            if (part?["reason"]?.stringValue ?? "") != "tool-calls" { sawStop = true }
        case "error", "session.error":
            failure = Redactor.clip(Self.errorMessage(o), limit: 800, secrets: secrets)
            out.append(NormalizedEvent.error(failure!))
        case "done":
            done = true
            let rejected = (obj["rejected"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["permission"]?.stringValue }
            if !rejected.isEmpty { out.append(summary("opencode rejected permissions: " + rejected.joined(separator: ", "))) }
        default:
            out.append(summary("opencode event: " + (obj["type"]?.stringValue ?? "(no type)")))
        }
        return out
    }

    private func summary(_ s: String) -> JSONValue { NormalizedEvent.summary(Redactor.clip(s, limit: 800, secrets: secrets)) }

    func result(isError: Bool) -> JSONValue {
        ResultBuilder.result(model: model, usage: usage, pricing: pricing, durationMs: durationClock(), numTurns: max(steps, 1),
                             isError: isError, reportedCostUsd: reportedCost, useReportedCost: useReportedCost,
                             extra: sessionId.map { ["session_id": .string($0)] } ?? [:])
    }

    mutating func finish(exitCode: Int32, signal: Int32, cancelled: Bool, stderrTail: String) -> StreamOutcome {
        _ = torn.dropTorn()
        let any = steps > 0 || done || approvalStop
        if let failure { return StreamOutcome(events: any ? [result(isError: true)] : [], error: failure) }
        if approvalStop { return StreamOutcome(events: [result(isError: false)]) }
        if cancelled { return StreamOutcome(events: any ? [result(isError: true)] : [], error: "cancelled") }
        var error: String?
        if signal != 0 { error = "opencode was killed by signal \(signal)" }
        else if exitCode != 0 { error = "opencode exited with code \(exitCode)" }
        else if !(done || sawStop) { error = "opencode stream ended before the session finished" }
        if var e = error {
            if !stderrTail.isEmpty { e += ": " + stderrTail }
            let m = Redactor.clip(e, limit: 2000, secrets: secrets)
            return StreamOutcome(events: (any ? [result(isError: true)] : []) + [NormalizedEvent.error(m)], error: m)
        }
        return StreamOutcome(events: [result(isError: false)])
    }
}
