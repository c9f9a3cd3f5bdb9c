/// The agent-run state machine (spec §9.2, W15) as a plain value: pending → streaming →
/// completed | failed. Every store write that moves a run is a compare-and-set on the state this
/// machine allows, so two relays (or a relay and the watchdog) can never both win.
public enum RunStatus: String, Sendable, CaseIterable {
    case pending, streaming, completed, failed
    public var isTerminal: Bool { self == .completed || self == .failed }
}

public enum RunEvent: Sendable, Equatable {
    /// A relay takes the run to stream it (atomic claim).
    case claim
    /// The runtime finished; `stopped` when a viewer stopped it, `failureCode` when it failed.
    case finish(succeeded: Bool)
    /// The watchdog found the relay silent for too long.
    case staleRecovered
    /// Starting it on the worker failed before any event.
    case startFailed
}

public struct RunStateMachine: Sendable, Equatable {
    public private(set) var status: RunStatus
    public init(_ status: RunStatus = .pending) { self.status = status }

    public struct Rejected: Error, Sendable, Equatable, CustomStringConvertible {
        public let from: RunStatus
        public let event: RunEvent
        public init(from: RunStatus, event: RunEvent) { self.from = from; self.event = event }
        public var description: String { "a \(from.rawValue) run cannot take \(event)" }
    }

    /// The next status, or Rejected (the caller answers 409 or ignores a late event).
    public func next(_ e: RunEvent) -> Result<RunStatus, Rejected> {
        switch (status, e) {
        case (.pending, .claim): return .success(.streaming)
        case (.pending, .startFailed), (.streaming, .startFailed): return .success(.failed)
        case (.streaming, .finish(let ok)): return .success(ok ? .completed : .failed)
        case (.streaming, .staleRecovered), (.pending, .staleRecovered): return .success(.failed)
        default: return .failure(Rejected(from: status, event: e))
        }
    }

    public mutating func apply(_ e: RunEvent) throws(Rejected) {
        switch next(e) { case .success(let s): status = s; case .failure(let r): throw r }
    }

    /// W15: a streaming run whose relay has not beaten for `staleAfterMs`, or a pending run never
    /// claimed within it, is stale. Terminal runs never are.
    public static func isStale(status: RunStatus, lastBeatMs: Int64, nowMs: Int64, staleAfterMs: Int64) -> Bool {
        guard !status.isTerminal else { return false }
        return nowMs - lastBeatMs > staleAfterMs
    }
}
