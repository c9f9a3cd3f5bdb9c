/// The one lifecycle protocol for long-running pieces (HTTP listener, stores, bus connections,
/// plugin runtime, flushers). A `ServiceGroup` starts services in order and stops them in reverse,
/// each within its deadline.
public protocol Service: AnyObject, Sendable {
    var name: String { get }
    func start() async throws
    /// Must be safe without start and when called twice; returns within `deadlineMs` as far as it can.
    func stop(deadlineMs: UInt32) async
}
