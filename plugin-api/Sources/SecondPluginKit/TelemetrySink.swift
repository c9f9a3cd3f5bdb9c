/// One batch of anonymized telemetry (the host already applied its allowlist and anonymizer).
public struct TelemetryBatch: Decodable, Sendable {
    public struct Event: Codable, Sendable {
        public var name: String
        public var timestamp: String?
        public var distinctId: String?
        public var properties: [String: JSONValue]?
    }
    public struct ErrorReport: Codable, Sendable {
        public var message: String
        public var type: String?
        public var timestamp: String?
        public var stack: [JSONValue]?
        public var tags: [String: String]?
    }
    public var events: [Event]
    public var errors: [ErrorReport]

    enum CodingKeys: String, CodingKey { case events, errors }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        events = try c.decodeIfPresent([Event].self, forKey: .events) ?? []
        errors = try c.decodeIfPresent([ErrorReport].self, forKey: .errors) ?? []
    }
}

/// A telemetry sink (kind "telemetry").
public protocol TelemetrySink: PluginComponent {
    /// Accept a batch. Throw `PluginError(.backpressure, ...)` to refuse it when full.
    func submit(_ batch: TelemetryBatch) async throws
    /// Deliver what is buffered within the deadline.
    func flush(deadlineMilliseconds: UInt32) async throws
}

extension TelemetrySink {
    public func flush(deadlineMilliseconds: UInt32) async throws {}
}
