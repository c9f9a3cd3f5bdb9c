import Foundation
import SecondPluginKit

/// runtime.command — runs a configured command per turn through the host's spawn and streams its
/// output as normalized events: a stdout line holding a JSON object becomes {"type":"json"}, any
/// other line {"type":"text"}; stderr lines go to the sink as STDERR. The prompt is passed as the
/// last argument or on stdin.
final class CommandRuntime: RuntimeDriver {
    struct Config: Decodable, Sendable {
        var command: [String]
        var env: [String: String]?
        var promptVia: String
        var timeoutMs: UInt64
        var cancelGraceMs: UInt64
        var versionArgs: [String]?
    }

    static let type = "command"
    static let summary = "Runs a configured command per turn and streams its output lines as events"
    static let stability = Stability.beta
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,"required":["command"],
     "properties":{
       "command":{"type":"array","minItems":1,"items":{"type":"string","minLength":1}},
       "env":{"type":"object","additionalProperties":{"type":"string"}},
       "prompt_via":{"enum":["argument","stdin","none"],"default":"argument"},
       "timeout_ms":{"type":"integer","minimum":1,"default":600000},
       "cancel_grace_ms":{"type":"integer","minimum":0,"default":2000},
       "version_args":{"type":"array","items":{"type":"string"}}}}
    """

    let config: Config
    let context: InstanceContext
    private let sessions = SessionRegistry()

    init(config: Config, context: InstanceContext) throws {
        self.config = config
        self.context = context
    }

    /// The host is shutting the instance down: cancel every running turn.
    func stop(deadlineMilliseconds: UInt32) { sessions.cancelAll() }

    func detect(timeoutMilliseconds: UInt32) throws -> RuntimeAvailability {
        guard let args = config.versionArgs else {
            return RuntimeAvailability(available: true, features: ["json_output": true, "resume": false, "stdin": config.promptVia == "stdin"])
        }
        let done = DispatchSemaphore(value: 0)
        let output = LockedBuffer()
        let spec = ProcessSpec(argv: [config.command[0]] + args, env: config.env ?? [:], timeoutMs: UInt64(timeoutMilliseconds))
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(spec, context: context, onOutput: { s, line in if s == .stdout { output.append(line) } },
                                           onExit: { code, _ in output.setExit(code); done.signal() })
        } catch let e as PluginError {
            return RuntimeAvailability(available: false, reason: e.message)
        }
        _ = done.wait(timeout: .now() + .milliseconds(Int(timeoutMilliseconds) + 500))
        child.release()
        let (text, code) = output.snapshot()
        return RuntimeAvailability(available: code == 0, version: text.split(separator: "\n").first.map(String.init),
                                   features: ["json_output": true, "resume": false, "stdin": config.promptVia == "stdin"],
                                   reason: code == 0 ? nil : "version probe exited with \(code.map(String.init) ?? "no exit")")
    }

    func startSession(_ spec: SessionSpec, events: EventSink) throws -> any RuntimeSession {
        var argv = config.command
        if config.promptVia == "argument", let p = spec.prompt { argv.append(p) }
        var env = config.env ?? [:]
        for (k, v) in spec.env ?? [:] { env[k] = v }
        if let home = spec.home { env["HOME"] = home }
        let session = CommandSession(events: events, graceMs: config.cancelGraceMs)
        let child = try ChildProcess.spawn(
            ProcessSpec(argv: argv, env: env, cwd: spec.cwd, stdin: config.promptVia == "stdin" ? "pipe" : "null",
                        timeoutMs: spec.timeoutMs ?? config.timeoutMs, killGraceMs: config.cancelGraceMs),
            context: context,
            onOutput: { [weak session] stream, line in session?.output(stream, line) },
            onExit: { [weak session] code, signal in session?.exited(code: code, signal: signal) })
        session.attach(child)
        sessions.add(session)
        events.status("running")
        if config.promptVia == "stdin" {
            try? child.write(Array((spec.prompt ?? "").utf8) + [10])
            child.closeStdin()
        }
        return session
    }
}

/// One running command. Output callbacks come from the host's reader thread.
final class CommandSession: RuntimeSession, @unchecked Sendable {
    private let events: EventSink
    private let graceMs: UInt64
    private let lock = NSLock()
    private var child: ChildProcess?
    private var cancelled = false
    private var sequence = 0

    init(events: EventSink, graceMs: UInt64) { self.events = events; self.graceMs = graceMs }

    func attach(_ c: ChildProcess) { lock.lock(); child = c; lock.unlock() }

    func output(_ stream: ProcessStream, _ line: [UInt8]) {
        guard stream == .stdout else { events.emit(.stderr, line); return }
        lock.lock(); sequence += 1; let seq = sequence; lock.unlock()
        let text = String(decoding: line, as: UTF8.self)
        if text.first == "{", (try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any] {
            events.event(#"{"v":1,"type":"json","seq":\#(seq),"data":\#(text)}"#)
        } else {
            events.event(#"{"v":1,"type":"text","seq":\#(seq),"text":\#(jsonQuoted(text))}"#)
        }
    }

    func exited(code: Int32, signal: Int32) {
        lock.lock(); let wasCancelled = cancelled; lock.unlock()
        let error: String? = wasCancelled ? "cancelled" : (code == 0 ? nil : signal != 0 ? "killed by signal \(signal)" : "exited with code \(code)")
        events.exit(code: code, signal: signal, error: error)
    }

    func writeInput(_ data: [UInt8]) throws {
        lock.lock(); let c = child; lock.unlock()
        guard let c else { throw PluginError.unavailable("process not running") }
        try c.write(data)
    }

    /// SIGINT, then SIGTERM and SIGKILL after the grace period (whole process group).
    func cancel() {
        lock.lock()
        if cancelled { lock.unlock(); return }
        cancelled = true
        let c = child
        lock.unlock()
        guard let c else { return }
        c.kill(2)
        let grace = graceMs
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(grace))) {
            guard c.pid > 0 else { return }
            c.kill(15)
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(grace))) { if c.pid > 0 { c.kill(9) } }
        }
    }

    func close() {
        lock.lock(); let c = child; child = nil; lock.unlock()
        c?.release()
    }
}

/// The instance's running sessions (weakly held: closed sessions drop out by themselves).
final class SessionRegistry: @unchecked Sendable {
    private struct Weak { weak var session: CommandSession? }
    private let lock = NSLock()
    private var list: [Weak] = []
    func add(_ s: CommandSession) { lock.lock(); list = list.filter { $0.session != nil } + [Weak(session: s)]; lock.unlock() }
    func cancelAll() {
        lock.lock(); let all = list.compactMap(\.session); list = []; lock.unlock()
        all.forEach { $0.cancel() }
    }
}

/// Collects probe output across threads.
final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    private var code: Int32?
    func append(_ line: [UInt8]) { lock.lock(); text += String(decoding: line, as: UTF8.self) + "\n"; lock.unlock() }
    func setExit(_ c: Int32) { lock.lock(); code = c; lock.unlock() }
    func snapshot() -> (String, Int32?) { lock.lock(); defer { lock.unlock() }; return (text, code) }
}

let plugin = SecondPlugin(name: "command-runtime", version: "1.0.0",
                          summary: "Runtime driver for any command-line program", components: [.runtime(CommandRuntime.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
