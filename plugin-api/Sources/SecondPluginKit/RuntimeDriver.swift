/// One turn of a runtime session, as the host asks for it (snake_case on the wire).
public struct SessionSpec: Decodable, Sendable {
    public struct MCP: Decodable, Sendable {
        /// The broker session URL; each server is `<url>?server=<name>`.
        public var url: String
        /// Scoped bearer token. Drivers pass it ONLY through the child env (never argv or files).
        public var token: String
        /// MCP server names behind the broker, e.g. ["second","app_tools","app_data"].
        public var servers: [String]?
        public init(url: String, token: String, servers: [String]? = nil) { self.url = url; self.token = token; self.servers = servers }
    }
    public var v: Int?
    public var sessionId: String
    public var prompt: String?
    public var systemPrompt: String?
    public var cwd: String?
    /// Private HOME (exists, stable per session key).
    public var home: String?
    /// Private temp folder (exists).
    public var tmp: String?
    /// Environment the host allows for this run (already allowlisted); the driver adds nothing secret.
    public var env: [String: String]?
    public var model: String?
    /// The runtime's own session id to resume, if any.
    public var resume: String?
    public var timeoutMs: UInt64?
    public var mcp: MCP?
    public var params: JSONValue?
    /// Tool names the turn may use (canonical: Read, Bash, mcp__second__x, …).
    public var allowedTools: [String]?
    public var maxTurns: Int?

    public init(sessionId: String, prompt: String? = nil, systemPrompt: String? = nil, cwd: String? = nil,
                home: String? = nil, tmp: String? = nil, env: [String: String]? = nil, model: String? = nil,
                resume: String? = nil, timeoutMs: UInt64? = nil, mcp: MCP? = nil, params: JSONValue? = nil,
                allowedTools: [String]? = nil, maxTurns: Int? = nil) {
        self.v = 1; self.sessionId = sessionId; self.prompt = prompt; self.systemPrompt = systemPrompt; self.cwd = cwd
        self.home = home; self.tmp = tmp; self.env = env; self.model = model; self.resume = resume
        self.timeoutMs = timeoutMs; self.mcp = mcp; self.params = params; self.allowedTools = allowedTools; self.maxTurns = maxTurns
    }
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
