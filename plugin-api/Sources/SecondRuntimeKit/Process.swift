import Foundation
import SecondPluginKit

/// Escalating cancel for a process group: `first` signal (SIGINT by default), then SIGTERM after
/// the grace period, then SIGKILL after another grace period — each only while the child lives.
public final class CancelEscalator: @unchecked Sendable {
    private let kill: @Sendable (Int32) -> Void
    private let alive: @Sendable () -> Bool
    private let graceMs: UInt64
    private let first: Int32
    private let lock = NSLock()
    private var started = false

    public init(graceMs: UInt64, first: Int32 = 2, kill: @escaping @Sendable (Int32) -> Void, alive: @escaping @Sendable () -> Bool) {
        self.graceMs = graceMs; self.first = first; self.kill = kill; self.alive = alive
    }
    public convenience init(child: ChildProcess, graceMs: UInt64, first: Int32 = 2) {
        self.init(graceMs: graceMs, first: first, kill: { child.kill($0) }, alive: { child.pid > 0 })
    }

    /// The signal sequence this escalator sends (for tests and docs).
    public var sequence: [Int32] { first == 2 ? [2, 15, 9] : first == 15 ? [15, 9] : [first, 15, 9] }

    /// Idempotent: only the first call starts the sequence.
    public func start() {
        lock.lock(); if started { lock.unlock(); return }; started = true; lock.unlock()
        var steps = sequence
        kill(steps.removeFirst())
        schedule(steps)
    }

    private func schedule(_ steps: [Int32]) {
        guard let next = steps.first else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(graceMs))) { [self] in
            guard alive() else { return }
            kill(next)
            schedule(Array(steps.dropFirst()))
        }
    }
}

/// Runs a short probe (`cli --version`, `cli run --help`) through the host and waits for it.
public enum ProbeRunner {
    public struct Result: Sendable {
        public var exitCode: Int32?
        public var signal: Int32
        public var stdout: String
        public var stderr: String
        public var timedOut: Bool
        public var firstLine: String? {
            (stdout + "\n" + stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        }
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var out = "", err = ""
        var code: Int32?
        var signal: Int32 = 0
    }

    public static func run(argv: [String], env: [String: String], cwd: String? = nil, timeoutMs: UInt32,
                           context: InstanceContext) throws -> Result {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let child = try ChildProcess.spawn(
            ProcessSpec(argv: argv, env: env, cwd: cwd, stdin: "null", timeoutMs: UInt64(max(timeoutMs, 100)), killGraceMs: 200),
            context: context,
            onOutput: { stream, bytes in
                box.lock.lock(); defer { box.lock.unlock() }
                let s = String(decoding: bytes, as: UTF8.self) + "\n"
                if stream == .stdout { if box.out.utf8.count < 65536 { box.out += s } } else if box.err.utf8.count < 65536 { box.err += s }
            },
            onExit: { code, signal in
                box.lock.lock(); box.code = code; box.signal = signal; box.lock.unlock()
                done.signal()
            })
        let finished = done.wait(timeout: .now() + .milliseconds(Int(timeoutMs) + 500)) == .success
        if !finished { child.kill(9) }
        child.release()
        box.lock.lock(); defer { box.lock.unlock() }
        return Result(exitCode: box.code, signal: box.signal, stdout: box.out, stderr: box.err,
                      timedOut: !finished || (box.code == -1 && box.signal != 0))
    }

    /// `cli --version` → first line, or nil.
    public static func version(executable: String, env: [String: String], timeoutMs: UInt32, context: InstanceContext) -> (version: String?, error: String?) {
        do {
            let r = try run(argv: [executable, "--version"], env: env, timeoutMs: timeoutMs, context: context)
            if r.timedOut { return (nil, "version probe timed out") }
            guard r.exitCode == 0 else { return (nil, "version probe exited with \(r.exitCode.map(String.init) ?? "signal \(r.signal)")") }
            return (r.firstLine.map { Redactor.clip($0, limit: 120) }, nil)
        } catch let e as PluginError {
            return (nil, Redactor.clip(e.message, limit: 300))
        } catch {
            return (nil, "version probe failed")
        }
    }
}
