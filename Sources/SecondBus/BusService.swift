import SecondCore

/// Runs a bus under the server's `ServiceGroup` lifecycle.
public final class CoordinationBusService: Service {
    public let bus: any CoordinationBus
    public var name: String { "coordination-bus (\(bus.kind))" }
    public init(bus: any CoordinationBus) { self.bus = bus }
    public func start() async throws { try await bus.start() }
    public func stop(deadlineMs: UInt32) async { await bus.stop() }
}
