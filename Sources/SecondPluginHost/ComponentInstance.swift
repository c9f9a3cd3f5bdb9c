import Foundation
import SecondPluginAPI
import SecondCore

/// Why an instance could not be created or started; names plugin, component, instance and cause.
public struct InstanceError: Error, Sendable, CustomStringConvertible, Equatable {
    public let plugin: String
    public let instanceId: String
    public let stage: String
    public let status: Status
    public let message: String
    public var description: String {
        "plugin \"\(plugin)\" component \(instanceId.split(separator: "/").first ?? "") instance \"\(instanceId)\": \(stage) failed (\(status)): \(message)"
    }
}

/// One configured instance of a component ("auth.static_tokens/main"): its lifecycle and its calls.
/// Lifecycle methods run on the control thread; hot-path calls may come from any thread, and are
/// serialised per instance when the component did not declare THREADSAFE_INSTANCE.
public final class ComponentInstance: @unchecked Sendable {
    public let component: ComponentInfo
    public let name: String
    /// The normalized config JSON (defaults filled) given to create.
    public let configJSON: String
    let context: InstanceContext
    private var lifecycle = Lifecycle()
    private var instance: UnsafeMutableRawPointer?
    private let stateLock = NSLock()
    private let serial: NSLock?
    /// Open runtime sessions, closed before destroy (weak: closed sessions drop out).
    private var sessions: [WeakSession] = []
    private struct WeakSession { weak var session: RuntimeSession? }

    public init(component: ComponentInfo, name: String, configJSON: String, secrets: SecretStore? = nil) {
        self.component = component
        self.name = name
        self.configJSON = configJSON
        self.context = InstanceContext(plugin: component.pluginName, kind: component.kind, type: component.type, name: name,
                                       isValidation: false, mayspawn: component.needsSpawn, secrets: secrets)
        self.serial = component.isThreadSafe ? nil : NSLock()
    }

    public var id: String { "\(component.id)/\(name)" }
    public var state: Lifecycle.State { stateLock.lock(); defer { stateLock.unlock() }; return lifecycle.state }

    private func error(_ stage: String, _ status: Status, _ slot: ErrorSlot) -> InstanceError {
        InstanceError(plugin: component.pluginName, instanceId: id, stage: stage, status: status,
                      message: slot.message.isEmpty ? "no message" : slot.message)
    }

    /// Dry run of the plugin's own validate (no instance). Returns nil when valid or not implemented.
    public static func validate(component: ComponentInfo, name: String, configJSON: String) -> InstanceError? {
        guard let validate = component.vtable.pointee.validate else { return nil }
        let ctx = InstanceContext(plugin: component.pluginName, kind: component.kind, type: component.type, name: name,
                                  isValidation: true, mayspawn: false, secrets: nil)
        let slot = ErrorSlot()
        let status = withExtendedLifetime(ctx) { Status(c: withSecondStr(configJSON) { validate(ctx.pointer, $0, slot.pointer) }) }
        guard status != .ok else { return nil }
        return InstanceError(plugin: component.pluginName, instanceId: "\(component.id)/\(name)", stage: "validate", status: status,
                             message: slot.message.isEmpty ? "no message" : slot.message)
    }

    public func create() throws(InstanceError) {
        guard let create = component.vtable.pointee.create else { throw InstanceError(plugin: component.pluginName, instanceId: id, stage: "create", status: .internal, message: "no create function") }
        let slot = ErrorSlot()
        var out: UnsafeMutableRawPointer?
        let status = Status(c: withSecondStr(configJSON) { create(context.pointer, $0, &out, slot.pointer) })
        stateLock.lock()
        instance = out
        lifecycle.created(ok: status == .ok, instanceStored: out != nil)
        stateLock.unlock()
        if status != .ok { throw error("create", status, slot) }
        if out == nil { throw InstanceError(plugin: component.pluginName, instanceId: id, stage: "create", status: .internal, message: "create returned OK without an instance") }
    }

    public func start() throws(InstanceError) {
        stateLock.lock(); let may = lifecycle.mayStart; stateLock.unlock()
        guard may, let start = component.vtable.pointee.start else { return }
        let slot = ErrorSlot()
        let status = Status(c: start(instance, slot.pointer))
        stateLock.lock(); lifecycle.started(ok: status == .ok); stateLock.unlock()
        if status != .ok { throw error("start", status, slot) }
    }

    /// Stops (once) and destroys (once). Safe in any state, any number of times.
    public func shutdown(deadlineMs: UInt32 = 5000) {
        stateLock.lock()
        let doStop = lifecycle.takeStop()
        stateLock.unlock()
        if doStop { component.vtable.pointee.stop?(instance, deadlineMs) }
        // Every session is closed before its instance is destroyed (second_plugin.h §6).
        // stop cancelled them; give their EXIT until the deadline, then close (a missing EXIT is added).
        stateLock.lock(); let open = sessions.compactMap(\.session); sessions = []; stateLock.unlock()
        let deadline = Date(timeIntervalSinceNow: Double(deadlineMs) / 1000)
        for s in open { _ = s.stream.waitForExit(timeout: max(0, deadline.timeIntervalSinceNow)) }
        open.forEach { $0.close() }
        stateLock.lock()
        let doDestroy = lifecycle.takeDestroy()
        let ptr = instance
        if doDestroy { instance = nil }
        stateLock.unlock()
        if doDestroy { component.vtable.pointee.destroy?(ptr) }
    }

    /// The instance pointer when serving is allowed.
    private func serving() -> UnsafeMutableRawPointer? {
        stateLock.lock(); defer { stateLock.unlock() }
        return lifecycle.mayServe ? instance : nil
    }

    private func notServing() -> CallResult {
        CallResult(status: .unavailable, message: "instance \(id) is not started (state \(state))")
    }

    func table<T>(_ type: T.Type) -> T { UnsafeRawPointer(component.vtable).assumingMemoryBound(to: T.self).pointee }

    /// Counts a plugin call and its outcome (second_plugin_calls_total / second_plugin_call_errors_total).
    func count(_ call: String, _ status: Status) {
        let labels = [("component", component.id), ("plugin", component.pluginName), ("call", call)]
        Metrics.shared.increment("second_plugin_calls_total", "Calls into plugin components", labels: labels)
        if status != .ok && status != .notHandled && status != .denied {
            Metrics.shared.increment("second_plugin_call_errors_total", "Plugin calls that failed, by status",
                                     labels: labels + [("status", status.description)])
        }
    }

    /// Runs a synchronous hot-path call, serialised if the component asked for it.
    func hot<R>(_ body: () -> R) -> R {
        serial?.lock(); defer { serial?.unlock() }
        return body()
    }

    /// Runs a completion-based hot-path call.
    func hotAsync(timeoutMs: UInt32?, _ body: @escaping (second_completion) -> Void) async -> CallResult {
        if let serial {
            // Serialise without blocking a cooperative thread for long: the call itself returns fast.
            return await Completions.await(timeoutMs: timeoutMs) { c in serial.lock(); body(c); serial.unlock() }
        }
        return await Completions.await(timeoutMs: timeoutMs, body)
    }

    /// A synchronous call that writes its result into a second_out.
    func outCall(_ body: (OpaquePointer, OpaquePointer) -> second_status) -> CallResult {
        let out = OutBuffer(), slot = ErrorSlot()
        let status = Status(c: hot { body(out.pointer, slot.pointer) })
        return status == .ok ? CallResult(status: .ok, payload: out.string)
            : CallResult(status: status, message: slot.message, details: slot.details)
    }
}

// MARK: - Kind-specific calls

extension ComponentInstance {
    /// Auth: resolve the actor of a request (request JSON of second_auth_provider_vtable.authenticate).
    public func authenticate(requestJSON: String, timeoutMs: UInt32 = 10_000) async -> CallResult {
        guard component.kind == .auth, let inst = serving() else { return notServing() }
        let fn = table(second_auth_provider_vtable.self).authenticate
        let r = await hotAsync(timeoutMs: timeoutMs) { done in withSecondStr(requestJSON) { fn?(inst, $0, done) } }
        count("authenticate", r.status)
        return r
    }

    public func authControl(requestJSON: String, timeoutMs: UInt32 = 30_000) async -> CallResult {
        guard component.kind == .auth, let inst = serving() else { return notServing() }
        guard let fn = table(second_auth_provider_vtable.self).control else {
            return CallResult(status: .notSupported, message: "\(component.id) has no control operations")
        }
        return await hotAsync(timeoutMs: timeoutMs) { done in withSecondStr(requestJSON) { fn(inst, $0, done) } }
    }

    /// OAuth: the provider definition JSON.
    public func describeOAuth() -> CallResult {
        guard component.kind == .oauth, let inst = serving() else { return notServing() }
        let fn = table(second_oauth_provider_vtable.self).describe
        let r = outCall { out, err in fn?(inst, out, err) ?? Status.internal.c }
        count("describe", r.status)
        return r
    }

    public func normalizeTokenResponse(rawJSON: String) -> CallResult {
        guard component.kind == .oauth, let inst = serving() else { return notServing() }
        guard let fn = table(second_oauth_provider_vtable.self).normalize_token_response else {
            return CallResult(status: .notSupported, message: "\(component.id) has no token response hook")
        }
        return outCall { out, err in withSecondStr(rawJSON) { fn(inst, $0, out, err) } }
    }

    /// Runtime: availability, version and features.
    public func detect(timeoutMs: UInt32 = 10_000) -> CallResult {
        guard component.kind == .runtime, let inst = serving() else { return notServing() }
        let fn = table(second_runtime_driver_vtable.self).detect
        let r = outCall { out, err in fn?(inst, timeoutMs, out, err) ?? Status.internal.c }
        count("detect", r.status)
        return r
    }

    /// Runtime: starts a session; its items arrive in `stream`.
    public func startSession(specJSON: String, stream: EventStream) throws(InstanceError) -> RuntimeSession {
        guard component.kind == .runtime, let inst = serving() else {
            throw InstanceError(plugin: component.pluginName, instanceId: id, stage: "start_session", status: .unavailable, message: "instance is not started")
        }
        let t = table(second_runtime_driver_vtable.self)
        let slot = ErrorSlot()
        var session: UnsafeMutableRawPointer?
        let sink = EventStream.handles.insert(stream)
        let status = Status(c: hot { withSecondStr(specJSON) { t.start_session?(inst, $0, sink, &session, slot.pointer) ?? Status.internal.c } })
        count("start_session", status)
        guard status == .ok, let session else {
            _ = EventStream.handles.remove(sink)
            throw error("start_session", status == .ok ? .internal : status, slot)
        }
        let handle = RuntimeSession(owner: self, handle: session, stream: stream, sink: sink)
        stateLock.lock(); sessions = sessions.filter { $0.session != nil } + [WeakSession(session: handle)]; stateLock.unlock()
        return handle
    }

    /// Telemetry: one batch.
    public func submit(batchJSON: String, timeoutMs: UInt32 = 10_000) async -> CallResult {
        guard component.kind == .telemetry, let inst = serving() else { return notServing() }
        let fn = table(second_telemetry_sink_vtable.self).submit
        let r = await hotAsync(timeoutMs: timeoutMs) { done in withSecondStr(batchJSON) { fn?(inst, $0, done) } }
        count("submit", r.status)
        return r
    }

    public func flush(deadlineMs: UInt32 = 5000) async -> CallResult {
        guard component.kind == .telemetry, let inst = serving() else { return notServing() }
        let fn = table(second_telemetry_sink_vtable.self).flush
        return await hotAsync(timeoutMs: deadlineMs + 1000) { done in fn?(inst, deadlineMs, done) }
    }
}

/// A runtime session started through a driver. close() exactly once (deinit closes too).
public final class RuntimeSession: @unchecked Sendable {
    let owner: ComponentInstance
    private var handle: UnsafeMutableRawPointer?
    public let stream: EventStream
    private let sink: OpaquePointer
    private let lock = NSLock()

    init(owner: ComponentInstance, handle: UnsafeMutableRawPointer, stream: EventStream, sink: OpaquePointer) {
        self.owner = owner; self.handle = handle; self.stream = stream; self.sink = sink
    }

    private var t: second_runtime_driver_vtable { owner.table(second_runtime_driver_vtable.self) }

    public func write(_ text: String) -> CallResult {
        lock.lock(); let h = handle; lock.unlock()
        guard let h else { return CallResult(status: .unavailable, message: "session closed") }
        guard let fn = t.write_input else { return CallResult(status: .notSupported, message: "driver takes no input") }
        let slot = ErrorSlot()
        let s = Status(c: withSecondStr(text) { fn(h, $0, slot.pointer) })
        return CallResult(status: s, message: slot.message)
    }

    public func cancel() {
        lock.lock(); let h = handle; lock.unlock()
        if let h { t.cancel?(h) }
    }

    public func close() {
        lock.lock(); let h = handle; handle = nil; lock.unlock()
        guard let h else { return }
        t.close_session?(h)
        _ = EventStream.handles.remove(sink)   // the sink is invalid once close_session returned
        stream.terminate(reason: "session closed before the runtime exited")
    }

    deinit { close() }
}
