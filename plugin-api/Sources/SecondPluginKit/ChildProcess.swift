import Foundation
import SecondPluginAPI

/// What to run. The host builds the environment ONLY from `env` plus its own allowlist.
public struct ProcessSpec: Encodable, Sendable {
    public var v = 1
    public var argv: [String]
    public var env: [String: String]
    public var cwd: String?
    /// "pipe" to keep stdin open for `write`, "null" to close it at once.
    public var stdin: String
    public var timeoutMs: UInt64?
    public var killGraceMs: UInt64?
    public var maxLineBytes: Int?
    public var lines: Bool

    public init(argv: [String], env: [String: String] = [:], cwd: String? = nil, stdin: String = "null",
                timeoutMs: UInt64? = nil, killGraceMs: UInt64? = nil, maxLineBytes: Int? = nil, lines: Bool = true) {
        self.argv = argv; self.env = env; self.cwd = cwd; self.stdin = stdin
        self.timeoutMs = timeoutMs; self.killGraceMs = killGraceMs; self.maxLineBytes = maxLineBytes; self.lines = lines
    }
}

public enum ProcessStream: Int32, Sendable { case stdout = 1, stderr = 2 }

/// A child process spawned and supervised by the host (process group, pipes, timeouts, kill at
/// shutdown). Callbacks run on a host reader thread of this process, never concurrently.
public final class ChildProcess: @unchecked Sendable {
    private final class Callbacks {
        let onOutput: @Sendable (ProcessStream, [UInt8]) -> Void
        let onExit: @Sendable (Int32, Int32) -> Void
        init(_ o: @escaping @Sendable (ProcessStream, [UInt8]) -> Void, _ e: @escaping @Sendable (Int32, Int32) -> Void) {
            onOutput = o; onExit = e
        }
    }

    private let raw: OpaquePointer
    private let lock = NSLock()
    private var released = false

    private init(raw: OpaquePointer) { self.raw = raw }

    /// Spawns through the host. `onExit(code, signal)` is called exactly once (code -1 when killed by a signal).
    public static func spawn(_ spec: ProcessSpec, context: InstanceContext,
                             onOutput: @escaping @Sendable (ProcessStream, [UInt8]) -> Void,
                             onExit: @escaping @Sendable (Int32, Int32) -> Void) throws -> ChildProcess {
        guard let api = Host.api, let spawn = api.spawn else { throw PluginError.unavailable("host offers no process spawning") }
        let json = try PluginJSON.encodeString(spec)
        let box = Unmanaged.passRetained(Callbacks(onOutput, onExit))
        var callbacks = second_process_callbacks(
            struct_size: UInt32(MemoryLayout<second_process_callbacks>.size),
            on_output: { ctx, stream, data in
                guard let ctx else { return }
                let cb = Unmanaged<Callbacks>.fromOpaque(ctx).takeUnretainedValue()
                cb.onOutput(ProcessStream(rawValue: stream) ?? .stdout, [UInt8](data))
            },
            on_exit: { ctx, code, signal in
                guard let ctx else { return }
                let cb = Unmanaged<Callbacks>.fromOpaque(ctx).takeRetainedValue()  // last call: release
                cb.onExit(code, signal)
            },
            ctx: box.toOpaque())
        var handle: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let status = withSecondStr(json) { j in
            message.withUnsafeMutableBufferPointer { spawn(context.raw, j, &callbacks, &handle, $0.baseAddress, $0.count) }
        }
        guard status == PluginStatus.ok.c, let handle else {
            box.release()
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PluginError(status == PluginStatus.ok.c ? .internal : PluginStatus(c: status), text.isEmpty ? "spawn failed" : text)
        }
        return ChildProcess(raw: handle)
    }

    /// The handle while not released (the host must never see a released handle).
    private var live: OpaquePointer? { lock.lock(); defer { lock.unlock() }; return released ? nil : raw }

    /// The child's pid, or -1 after it was reaped or the handle was released.
    public var pid: Int64 { live.flatMap { Host.api?.process_pid?($0) } ?? -1 }

    /// Signals the whole process group (2 SIGINT, 15 SIGTERM, 9 SIGKILL). No-op after release.
    public func kill(_ signal: Int32) { if let h = live { _ = Host.api?.process_kill?(h, signal) } }

    public func write(_ bytes: [UInt8]) throws {
        guard let h = live, let w = Host.api?.process_write else { throw PluginError.unavailable("process handle released") }
        let s = withSecondStr(bytes: bytes) { w(h, $0) }
        if s != PluginStatus.ok.c { throw PluginError(PluginStatus(c: s), "stdin is closed") }
    }

    public func closeStdin() { if let h = live { Host.api?.process_close_stdin?(h) } }

    /// Releases the handle (kills the child if it still runs). Idempotent.
    public func release() {
        lock.lock(); defer { lock.unlock() }
        if released { return }
        released = true
        Host.api?.process_release?(raw)
    }

    deinit { release() }
}
