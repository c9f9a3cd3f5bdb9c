/// The per-instance lifecycle rules of second_plugin.h §6 as a plain value, tested without I/O.
/// The host asks it which plugin call is allowed next; it never calls anything itself.
public struct Lifecycle: Equatable, Sendable {
    public enum State: Equatable, Sendable { case defined, created, started, stopped, destroyed, failed }

    public private(set) var state: State = .defined
    /// True while the plugin holds an instance pointer that destroy must release.
    public private(set) var holdsInstance = false
    private var stopCalled = false
    private var createSucceeded = false

    public init() {}

    /// create returned; `instanceStored` tells whether *out_instance was set (even on failure).
    public mutating func created(ok: Bool, instanceStored: Bool) {
        guard state == .defined else { return }
        holdsInstance = instanceStored
        createSucceeded = ok && instanceStored
        state = createSucceeded ? .created : .failed
    }

    public var mayStart: Bool { state == .created }

    public mutating func started(ok: Bool) {
        guard state == .created else { return }
        state = ok ? .started : .failed
    }

    /// Hot-path calls are allowed only between a successful start and stop.
    public var mayServe: Bool { state == .started }

    /// Whether stop must be called now: once, for any successfully created instance, started or not
    /// (a failed create is followed by destroy only).
    public mutating func takeStop() -> Bool {
        guard holdsInstance, createSucceeded, !stopCalled else { return false }
        stopCalled = true
        state = .stopped
        return true
    }

    /// Whether destroy must be called now: exactly once, for every instance pointer the plugin stored.
    public mutating func takeDestroy() -> Bool {
        guard holdsInstance else { return false }
        holdsInstance = false
        state = .destroyed
        return true
    }
}
