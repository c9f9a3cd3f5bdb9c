import Foundation
import SecondPluginKit

/// How a CLI stream ended, as decided by a normalizer.
public struct StreamOutcome: Sendable, Equatable {
    /// Final normalized events (e.g. a synthetic `result`).
    public var events: [JSONValue]
    /// nil on success, else a clear (redacted) failure message.
    public var error: String?
    public init(events: [JSONValue] = [], error: String? = nil) { self.events = events; self.error = error }
}

/// A pure, I/O-free converter from one CLI's stdout lines to §17 events.
public protocol StreamNormalizer: Sendable {
    /// One stdout line (without "\n") → normalized events.
    mutating func feed(line: String) -> [JSONValue]
    /// The process ended. `cancelled`: the host asked to cancel (the session reports "cancelled").
    mutating func finish(exitCode: Int32, signal: Int32, cancelled: Bool, stderrTail: String) -> StreamOutcome
    /// True once the process should be stopped (approval stop, fatal error event).
    var wantsStop: Bool { get }
}

/// Runs one CLI turn: feeds stdout lines to a normalizer, keeps a redacted stderr tail, escalates
/// cancel, and emits EXIT exactly once.
public final class DriverSession<N: StreamNormalizer>: RuntimeSession, @unchecked Sendable {
    private let events: EventSink
    private let graceMs: UInt64
    private let cancelSignal: Int32
    private let secrets: [String]
    private let timeoutMs: UInt64?
    private let started = DispatchTime.now()
    private let lock = NSLock()
    private var normalizer: N
    private var child: ChildProcess?
    private var escalator: CancelEscalator?
    private var stopper: CancelEscalator?
    private var cancelled = false
    private var stderr: StderrTail
    private var finished = false
    private var cleanup: [@Sendable () -> Void] = []

    public init(events: EventSink, normalizer: N, graceMs: UInt64, cancelSignal: Int32 = 2, timeoutMs: UInt64?, secrets: [String]) {
        self.events = events; self.normalizer = normalizer; self.graceMs = graceMs; self.cancelSignal = cancelSignal
        self.timeoutMs = timeoutMs; self.secrets = secrets.filter { !$0.isEmpty }
        self.stderr = StderrTail(capacity: 20, secrets: self.secrets)
    }

    /// The common start of a turn: a session over `normalizer`, its CLI spawned through the host with
    /// stdin closed, the turn's wall-clock limit and long JSON lines allowed, registered in `list` so
    /// the instance's stop cancels it.
    public static func launch(argv: [String], env: [String: String], cwd: String?, events: EventSink, normalizer: N,
                              timeoutMs: UInt64, graceMs: UInt64, cancelSignal: Int32, secrets: [String],
                              context: InstanceContext, list: SessionList) throws -> DriverSession<N> {
        let session = DriverSession(events: events, normalizer: normalizer, graceMs: graceMs, cancelSignal: cancelSignal,
                                    timeoutMs: timeoutMs, secrets: secrets)
        try session.spawn(ProcessSpec(argv: argv, env: env, cwd: cwd, stdin: "null", timeoutMs: timeoutMs,
                                      killGraceMs: graceMs, maxLineBytes: 16 << 20), context: context)
        list.add(session)
        return session
    }

    /// Registers work to run after the process ended (e.g. removing a per-turn file).
    public func onFinish(_ f: @escaping @Sendable () -> Void) { lock.lock(); cleanup.append(f); lock.unlock() }

    /// Spawns `spec` through the host and wires the callbacks. On error nothing was emitted.
    public func spawn(_ spec: ProcessSpec, context: InstanceContext) throws {
        let c = try ChildProcess.spawn(spec, context: context,
                                       onOutput: { [weak self] s, b in self?.output(s, b) },
                                       onExit: { [weak self] code, sig in self?.exited(code: code, signal: sig) })
        lock.lock()
        child = c
        escalator = CancelEscalator(child: c, graceMs: graceMs, first: cancelSignal)
        let cancelNow = cancelled
        lock.unlock()
        events.status("running")
        if cancelNow { escalator?.start() }
    }

    private func output(_ stream: ProcessStream, _ bytes: [UInt8]) {
        let line = String(decoding: bytes, as: UTF8.self)
        if stream == .stderr {
            lock.lock(); stderr.append(line); lock.unlock()
            return
        }
        lock.lock()
        let out = normalizer.feed(line: line)
        var stopNow = false
        if normalizer.wantsStop, stopper == nil, let c = child {
            stopper = CancelEscalator(child: c, graceMs: graceMs, first: 15)
            stopNow = true
        }
        let s = stopper
        lock.unlock()
        for e in out { if !events.event(e.serialized) { break } }
        if stopNow { s?.start() }
    }

    private func exited(code: Int32, signal: Int32) {
        lock.lock()
        if finished { lock.unlock(); return }
        finished = true
        let wasCancelled = cancelled
        let outcome = normalizer.finish(exitCode: code, signal: signal, cancelled: wasCancelled, stderrTail: stderr.text)
        let jobs = cleanup
        lock.unlock()
        for e in outcome.events { events.event(e.serialized) }
        jobs.forEach { $0() }
        var error = outcome.error
        if wasCancelled { error = "cancelled" }
        else if error != nil, signal != 0, let t = timeoutMs {
            let elapsed = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
            if elapsed + 250 >= t { error = "timed out after \(t) ms" }
        }
        events.exit(code: code, signal: signal, error: error.map { Redactor.clip($0, limit: 2000, secrets: secrets) })
    }

    public func cancel() {
        lock.lock()
        if cancelled || finished { lock.unlock(); return }
        cancelled = true
        let e = escalator
        lock.unlock()
        e?.start()
    }

    public func close() {
        lock.lock(); let c = child; child = nil; lock.unlock()
        c?.release()
    }
}

/// A driver instance's running sessions, weakly held, for cancel-all at stop.
public final class SessionList: @unchecked Sendable {
    private struct Weak { weak var session: (any RuntimeSession)? }
    private let lock = NSLock()
    private var list: [Weak] = []
    public init() {}
    public func add(_ s: any RuntimeSession) { lock.lock(); list = list.filter { $0.session != nil } + [Weak(session: s)]; lock.unlock() }
    public func cancelAll() {
        lock.lock(); let all = list.compactMap(\.session); list = []; lock.unlock()
        all.forEach { $0.cancel() }
    }
}
