import SecondCore
import Synchronization

/// Runs a bus under the server's `ServiceGroup` lifecycle.
public final class CoordinationBusService: Service {
    public let bus: any CoordinationBus
    public var name: String { "coordination-bus (\(bus.kind))" }
    public init(bus: any CoordinationBus) { self.bus = bus }

    public func start() async throws { try await bus.start() }

    /// Returns when the bus has stopped or after `deadlineMs`, whichever comes first (the stop then goes on in the
    /// background; Redis stops are bounded by the connect and command timeouts anyway).
    public func stop(deadlineMs: UInt32) async {
        let bus = self.bus
        let resumed = Atomic(false)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let finish: @Sendable () -> Void = {
                if resumed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { c.resume() }
            }
            Task { await bus.stop(); finish() }
            Task { try? await Task.sleep(for: .milliseconds(Int(deadlineMs))); finish() }
        }
    }
}
