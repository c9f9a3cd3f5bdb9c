import Foundation
import SecondPluginKit

/// USD per million tokens for one model (from driver config; W17: no prices in code).
public struct ModelPrice: Decodable, Sendable, Equatable {
    public var input: Double
    public var cachedInput: Double?
    public var cacheWrite: Double?
    public var output: Double
    public init(input: Double, cachedInput: Double? = nil, cacheWrite: Double? = nil, output: Double) {
        self.input = input; self.cachedInput = cachedInput; self.cacheWrite = cacheWrite; self.output = output
    }
    enum CodingKeys: String, CodingKey { case input, cachedInput, cacheWrite, output }
}

/// Token counts of a run. `input` EXCLUDES cache reads and cache writes.
public struct TokenUsage: Sendable, Equatable {
    public var input: Int = 0
    public var cacheRead: Int = 0
    public var cacheWrite: Int = 0
    public var output: Int = 0
    public var reasoning: Int = 0
    public init(input: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, output: Int = 0, reasoning: Int = 0) {
        self.input = input; self.cacheRead = cacheRead; self.cacheWrite = cacheWrite; self.output = output; self.reasoning = reasoning
    }
    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(input: a.input + b.input, cacheRead: a.cacheRead + b.cacheRead, cacheWrite: a.cacheWrite + b.cacheWrite,
                   output: a.output + b.output, reasoning: a.reasoning + b.reasoning)
    }
    public static func += (a: inout TokenUsage, b: TokenUsage) { a = a + b }
}

/// Per-model prices. Keys are model ids; a key ending in "*" is a prefix pattern; a "provider/model"
/// id also matches a key for the bare model.
public struct PricingTable: Sendable, Equatable {
    public var prices: [String: ModelPrice]
    public init(_ prices: [String: ModelPrice] = [:]) { self.prices = prices }

    public func price(for model: String) -> ModelPrice? {
        if let p = prices[model] { return p }
        if let slash = model.lastIndex(of: "/"), let p = prices[String(model[model.index(after: slash)...])] { return p }
        let prefixes = prices.keys.filter { $0.hasSuffix("*") }.sorted { $0.count > $1.count }
        for k in prefixes where model.hasPrefix(String(k.dropLast())) { return prices[k] }
        return nil
    }

    /// Cost in USD, or nil when the model is unpriced. Cache reads fall back to the input price
    /// when no cached_input price is set; cache writes likewise.
    public func cost(model: String, usage u: TokenUsage) -> Double? {
        guard let p = price(for: model) else { return nil }
        let micro = Double(u.input) * p.input + Double(u.cacheRead) * (p.cachedInput ?? p.input)
            + Double(u.cacheWrite) * (p.cacheWrite ?? p.input) + Double(u.output) * p.output
        return (micro / 1_000_000 * 1e9).rounded() / 1e9
    }
}

/// Builds the §17 `result` event (cost from config; "unpriced":true when the model has no price).
public enum ResultBuilder {
    public static func result(model: String, usage: TokenUsage, pricing: PricingTable, durationMs: Int,
                              durationApiMs: Int? = nil, numTurns: Int, isError: Bool = false,
                              reportedCostUsd: Double? = nil, useReportedCost: Bool = false,
                              extra: [String: JSONValue] = [:]) -> JSONValue {
        var cost = pricing.cost(model: model, usage: usage)
        if cost == nil, useReportedCost, let r = reportedCostUsd { cost = r }
        var f: [String: JSONValue] = [
            "subtype": .string(isError ? "error" : "success"),
            "is_error": .bool(isError),
            "total_cost_usd": .num(cost),
            "duration_ms": .int(durationMs),
            "num_turns": .int(numTurns),
            "usage": ["input_tokens": .int(usage.input), "output_tokens": .int(usage.output),
                      "cache_read_input_tokens": .int(usage.cacheRead), "cache_creation_input_tokens": .int(usage.cacheWrite)],
            "modelUsage": .object([model: ["inputTokens": .int(usage.input), "outputTokens": .int(usage.output),
                                           "cacheReadInputTokens": .int(usage.cacheRead),
                                           "cacheCreationInputTokens": .int(usage.cacheWrite), "costUSD": .num(cost)]]),
        ]
        if let d = durationApiMs { f["duration_api_ms"] = .int(d) }
        if cost == nil { f["unpriced"] = true }
        if let r = reportedCostUsd { f["cli_reported_cost_usd"] = .number(r) }
        for (k, v) in extra { f[k] = v }
        return NormalizedEvent.make("result", f)
    }
}
