import Foundation

/// The configured instances of one deployment, started in order and stopped in reverse.
/// If any create or start fails, everything already made is stopped and destroyed (reverse order)
/// and the error names plugin, component, instance and message; the host never crashes.
public final class PluginRuntime: @unchecked Sendable {
    public let catalog: PluginCatalog
    public let instances: [ComponentInstance]
    private let lock = NSLock()
    private var running = false

    public init(catalog: PluginCatalog, instances: [ComponentInstance]) {
        self.catalog = catalog
        self.instances = instances
    }

    public func start() throws(InstanceError) {
        do {
            for i in instances { try i.create() }
            for i in instances {
                try i.start()
                let c = i.component
                Logger.shared.info("component started", ["component": i.id, "plugin": c.pluginName, "stability": c.stability.name])
                if c.stability == .deprecated {
                    Logger.shared.warn("component is deprecated and will be removed; plan a replacement", ["component": c.id])
                }
            }
        } catch {
            for i in instances.reversed() { i.shutdown(deadlineMs: 2000) }
            throw error
        }
        lock.lock(); running = true; lock.unlock()
    }

    /// Stops and destroys every instance in reverse order. Idempotent.
    public func stop(deadlineMs: UInt32 = 5000) {
        for i in instances.reversed() { i.shutdown(deadlineMs: deadlineMs) }
        // Whatever a driver left running dies with it (only this runtime's children).
        ProcessSupervisor.shared.killAll(owners: Set(instances.map(\.id)))
        lock.lock(); running = false; lock.unlock()
    }

    public func instances(kind: ComponentKind) -> [ComponentInstance] { instances.filter { $0.component.kind == kind } }
    public func instance(id: String) -> ComponentInstance? { instances.first { $0.id == id } }
}
