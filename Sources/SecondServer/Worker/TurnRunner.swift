import Foundation
import SecondCore
import SecondPluginHost

/// One turn of a runtime: builds the driver's spec, starts the session through the host (which
/// spawns the CLI), and pumps the driver's normalized events to `onEvent` on a dedicated thread
/// (EventStream reads block; they must not sit on Swift's cooperative pool).
final class TurnRunner: @unchecked Sendable {
    struct Request: Sendable {
        var key: String
        var runtimeId: String
        var prompt: String
        var systemPrompt: String?
        var model: String?
        var params: JSON
        var allowedTools: [String]
        var maxTurns: Int?
        var resume: String?
        var cwd: String
        var home: String
        var timeoutMs: UInt64
        var mcp: (url: String, token: String)?
    }

    struct Outcome: Sendable, Equatable {
        enum Status: String, Sendable { case completed, failed, cancelled }
        var status: Status
        var error: String?
        /// The runtime's own session id (from system/init), for resume.
        var runtimeSessionId: String?
        var resultText: String?
        var usage: JSON?
    }

    private let lock = NSLock()
    private var session: RuntimeSession?
    private var cancelled = false

    /// Builds the spec JSON the driver receives (the contract in second_plugin.h, runtime driver).
    static func spec(_ r: Request) -> JSON {
        var o: [String: JSON] = ["v": 1, "session_id": .string(r.key), "prompt": .string(r.prompt), "cwd": .string(r.cwd),
                                 "home": .string(r.home), "tmp": .string(r.home + "/tmp"), "env": [:], "params": r.params,
                                 "timeout_ms": .int(Int64(r.timeoutMs)), "allowed_tools": .array(r.allowedTools.map(JSON.string))]
        o["system_prompt"] = r.systemPrompt.map(JSON.string) ?? .null
        o["model"] = r.model.map(JSON.string) ?? .null
        o["resume"] = r.resume.map(JSON.string) ?? .null
        o["max_turns"] = r.maxTurns.map { .int(Int64($0)) } ?? .null
        if let m = r.mcp {
            o["mcp"] = ["url": .string(m.url), "token": .string(m.token), "servers": ["second", "app_tools", "app_data"]]
        } else {
            o["mcp"] = .null
        }
        return .object(o)
    }

    /// Asks the running turn to stop (SIGINT, then the driver's escalation). Safe before start.
    func cancel() {
        lock.lock(); cancelled = true; let s = session; lock.unlock()
        s?.cancel()
    }

    var wasCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Runs the turn to its end. `onEvent` gets each normalized event (a JSON object text) in order.
    func run(_ r: Request, instance: ComponentInstance, onEvent: @escaping @Sendable (String) -> Void) async -> Outcome {
        await withCheckedContinuation { (c: CheckedContinuation<Outcome, Never>) in
            let t = Thread { c.resume(returning: self.runBlocking(r, instance: instance, onEvent: onEvent)) }
            t.name = "turn-\(r.key.prefix(40))"
            t.start()
        }
    }

    private func runBlocking(_ r: Request, instance: ComponentInstance, onEvent: @escaping @Sendable (String) -> Void) -> Outcome {
        do {
            try RunDirectories.ensure(r.cwd)
            try RunDirectories.ensure(r.home)
            try RunDirectories.ensure(r.home + "/tmp")
        } catch {
            return Outcome(status: .failed, error: "cannot prepare the run's private directories: \(error.localizedDescription)")
        }
        let stream = EventStream(capacity: 4096)
        let s: RuntimeSession
        do { s = try instance.startSession(specJSON: Self.spec(r).text, stream: stream) } catch {
            return Outcome(status: .failed, error: "runtime \(r.runtimeId) could not start: \(error.message)")
        }
        lock.lock(); session = s; let early = cancelled; lock.unlock()
        if early { s.cancel() }
        defer { s.close() }

        var outcome = Outcome(status: .completed)
        // The driver enforces the wall clock through the host; this is the backstop if it never says EXIT.
        let deadline = Date(timeIntervalSinceNow: Double(r.timeoutMs) / 1000 + 30)
        while true {
            guard let item = stream.next(timeout: 1) else {
                if Date() > deadline {
                    s.cancel()
                    outcome = Outcome(status: .failed, error: "the runtime did not finish within its wall-clock limit")
                    break
                }
                continue
            }
            switch item.kind {
            case .event:
                // Events are relayed as the driver wrote them; only the few the worker reads itself are
                // parsed (a full parse per event would dominate the relay's cost).
                guard Self.looksLikeEvent(item.data) else { continue }
                if Self.contains(item.data, Self.interesting), let parsed = try? JSON.parse(Data(item.data)), case .object(let o) = parsed {
                    let type = o["type"]?.string
                    if type == "system", o["subtype"]?.string == "init", let sid = o["session_id"]?.string { outcome.runtimeSessionId = sid }
                    if type == "result" { outcome.usage = Self.usage(o) }
                    if type == "assistant", let text = Self.text(of: o) { outcome.resultText = text }
                }
                onEvent(item.text)
            case .exit:
                let exit = (try? JSON.parse(Data(item.data)))?.object ?? [:]
                if let error = exit["error"]?.string {
                    outcome.status = (wasCancelled || error == "cancelled") ? .cancelled : .failed
                    outcome.error = outcome.status == .cancelled ? "Agent run cancelled" : error
                }
                return outcome
            case .stdout, .stderr, .status:
                continue
            }
        }
        return outcome
    }

    static let interesting: [[UInt8]] = [#""type":"system""#, #""type":"result""#, #""type":"assistant""#].map { Array($0.utf8) }
    static let typeKey = Array(#""type":""#.utf8)

    /// A JSON object with a "type" member, by its shape (drivers emit one compact object per event).
    static func looksLikeEvent(_ b: [UInt8]) -> Bool {
        b.first == UInt8(ascii: "{") && b.last == UInt8(ascii: "}") && contains(b, [typeKey])
    }

    static func contains(_ haystack: [UInt8], _ needles: [[UInt8]]) -> Bool {
        haystack.withUnsafeBufferPointer { h in
            needles.contains { n in
                guard n.count <= h.count, let first = n.first else { return false }
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// The usage summary of a normalized `result` event (spec §9 usage shape).
    static func usage(_ o: [String: JSON]) -> JSON {
        var u: [String: JSON] = ["totalCostUsd": o["total_cost_usd"] ?? .null]
        var input: Int64 = 0, output: Int64 = 0, cacheRead: Int64 = 0, cacheCreate: Int64 = 0
        for (_, m) in o["modelUsage"]?.object ?? [:] {
            input += m["inputTokens"]?.int ?? 0
            output += m["outputTokens"]?.int ?? 0
            cacheRead += m["cacheReadInputTokens"]?.int ?? 0
            cacheCreate += m["cacheCreationInputTokens"]?.int ?? 0
        }
        u["totalInputTokens"] = .int(input); u["totalOutputTokens"] = .int(output)
        u["totalCacheReadTokens"] = .int(cacheRead); u["totalCacheCreationTokens"] = .int(cacheCreate)
        u["byModel"] = o["modelUsage"] ?? [:]
        if o["unpriced"]?.bool == true { u["unpriced"] = true }
        return .object(u)
    }

    /// The text blocks of an assistant message, joined.
    static func text(of o: [String: JSON]) -> String? {
        let parts = (o["message"]?["content"]?.array ?? []).compactMap { b -> String? in b["type"]?.string == "text" ? b["text"]?.string : nil }
        return parts.isEmpty ? nil : parts.joined()
    }
}
