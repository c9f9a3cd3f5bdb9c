/// One turn of a runtime session, as the host asks for it.
public struct SessionSpec: Decodable, Sendable {
    public struct MCP: Decodable, Sendable { public var url: String; public var token: String }
    public var sessionId: String
    public var prompt: String?
    public var cwd: String?
    public var home: String?
    /// Environment the host allows for this run (already allowlisted); the driver adds nothing secret.
    public var env: [String: String]?
    public var model: String?
    /// The runtime's own session id to resume, if any.
    public var resume: String?
    public var timeoutMs: UInt64?
    public var mcp: MCP?
    public var params: JSONValue?
}

/// What `detect` reports: availability, version and boolean features only.
public struct RuntimeAvailability: Codable, Sendable, Equatable {
    public var v: Int = 1
    public var available: Bool
    public var version: String?
    public var features: [String: Bool]
    public var reason: String?
    public init(available: Bool, version: String? = nil, features: [String: Bool] = [:], reason: String? = nil) {
        self.available = available; self.version = version; self.features = features; self.reason = reason
    }
}

/// A running turn. The SDK retains it until the host closes the session.
public protocol RuntimeSession: AnyObject, Sendable {
    /// Sends input to the running process. Default: NOT_SUPPORTED.
    func writeInput(_ data: [UInt8]) throws
    /// Interrupt, then terminate after a grace period. Idempotent; EXIT is still emitted.
    func cancel()
    /// The host is done with the session: release resources, kill what still runs.
    func close()
}

extension RuntimeSession {
    public func writeInput(_ data: [UInt8]) throws { throw PluginError.notSupported("this runtime takes no input") }
}

/// A runtime driver (kind "runtime"). It describes commands; the host spawns them (`ChildProcess`).
public protocol RuntimeDriver: PluginComponent {
    func detect(timeoutMilliseconds: UInt32) throws -> RuntimeAvailability
    /// Starts a turn. Must return quickly; output flows to `events`, which ends with `exit`.
    func startSession(_ spec: SessionSpec, events: EventSink) throws -> any RuntimeSession
}
