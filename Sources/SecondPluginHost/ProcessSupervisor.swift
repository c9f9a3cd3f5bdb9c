import Foundation
import SecondPluginAPI
import CSecondSys
#if canImport(Glibc)
import Glibc
#endif

/// Spawns and supervises runtime processes for plugins (host->spawn). One process group per child;
/// the environment is built only from the spec plus the configured allowlist; every live child is
/// killed at shutdown.
public final class ProcessSupervisor: @unchecked Sendable {
    public static let shared = ProcessSupervisor()

    private let lock = NSLock()
    private var live: [Int32: SupervisedProcess] = [:]
    /// Names copied from the server's environment into every child (values read at spawn time).
    private var allowlist: [String] = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM"]

    public func setEnvironmentAllowlist(_ names: [String]) { lock.lock(); allowlist = names; lock.unlock() }
    public var environmentAllowlist: [String] { lock.lock(); defer { lock.unlock() }; return allowlist }

    public var liveCount: Int { lock.lock(); defer { lock.unlock() }; return live.count }

    /// Builds the child environment: allowlisted names from the server env, then the spec's own values.
    func childEnvironment(spec: ProcessSpec, serverEnv: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var env: [String: String] = [:]
        for name in environmentAllowlist { if let v = serverEnv[name] { env[name] = v } }
        for (k, v) in spec.env { env[k] = v }
        return env
    }

    /// Resolves argv[0] against the child's PATH.
    static func resolveExecutable(_ name: String, path: String?) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        for dir in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    func spawn(spec: ProcessSpec, callbacks: second_process_callbacks, owner: String) throws -> SupervisedProcess {
        let env = childEnvironment(spec: spec)
        guard let exe = Self.resolveExecutable(spec.argv[0], path: env["PATH"]) else {
            throw ProcessSpec.Invalid(message: "executable \"\(spec.argv[0])\" not found (PATH of the child: \(env["PATH"] ?? "unset"))")
        }
        if let cwd = spec.cwd {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: cwd, isDirectory: &isDir), isDir.boolValue else {
                throw ProcessSpec.Invalid(message: "working directory \"\(cwd)\" does not exist")
            }
        }
        let p = try SupervisedProcess.launch(executable: exe, spec: spec, env: env, callbacks: callbacks, owner: owner) { [weak self] pid in
            self?.lock.lock(); self?.live[pid] = nil; self?.lock.unlock()
        }
        lock.lock(); live[p.pid] = p; lock.unlock()
        return p
    }

    /// Kills the process groups of live children (shutdown): those spawned by the given instance ids,
    /// or every child when `owners` is nil.
    public func killAll(owners: Set<String>? = nil, signal: Int32 = SIGKILL) {
        lock.lock(); let all = Array(live.values); lock.unlock()
        for p in all where owners?.contains(p.owner) ?? true { p.kill(signal) }
    }
}

/// One child process and its reader thread.
final class SupervisedProcess: @unchecked Sendable {
    let pid: Int32
    private let lock = NSLock()
    private var stdinFD: Int32
    private var reaped = false
    private var released = false
    let owner: String

    private init(pid: Int32, stdinFD: Int32, owner: String) { self.pid = pid; self.stdinFD = stdinFD; self.owner = owner }

    /// Plugin-held handles (released by process_release).
    static let handles = HandleTable<SupervisedProcess>()
    static func from(_ p: OpaquePointer?) -> SupervisedProcess? { handles.get(p) }

    static func launch(executable: String, spec: ProcessSpec, env: [String: String], callbacks: second_process_callbacks,
                       owner: String, onReaped: @escaping @Sendable (Int32) -> Void) throws -> SupervisedProcess {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard second_sys_pipe_cloexec(&outPipe) == 0, second_sys_pipe_cloexec(&errPipe) == 0 else {
            throw ProcessSpec.Invalid(message: "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        if spec.stdinPipe { guard second_sys_pipe_cloexec(&inPipe) == 0 else { throw ProcessSpec.Invalid(message: "cannot create stdin pipe") } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if spec.stdinPipe { posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0) }
        else { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        if let cwd = spec.cwd { second_sys_spawn_addchdir(&actions, cwd) }
        second_sys_spawn_addclosefrom(&actions, 3)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var noSignals = sigset_t(); sigemptyset(&noSignals)
        var defaults = sigset_t(); sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + spec.argv.dropFirst()).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        close(outPipe[1]); close(errPipe[1])
        if spec.stdinPipe { close(inPipe[0]) }
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0]); if spec.stdinPipe { close(inPipe[1]) }
            throw ProcessSpec.Invalid(message: "cannot start \"\(executable)\": \(String(cString: strerror(rc)))")
        }
        let p = SupervisedProcess(pid: pid, stdinFD: spec.stdinPipe ? inPipe[1] : -1, owner: owner)
        let reader = ProcessReader(process: p, out: outPipe[0], err: errPipe[0], spec: spec, callbacks: callbacks, onReaped: onReaped)
        let thread = Thread { reader.run() }
        thread.name = "second-proc-\(pid)"
        thread.start()
        return p
    }

    func kill(_ signal: Int32) {
        lock.lock(); defer { lock.unlock() }
        guard !reaped else { return }
        _ = Glibc.kill(-pid, signal)
    }

    func write(_ bytes: [UInt8]) -> Status {
        lock.lock(); let fd = stdinFD; lock.unlock()
        guard fd >= 0, !isReaped else { return .unavailable }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return .unavailable }
            offset += n
        }
        return .ok
    }

    func closeStdin() {
        lock.lock(); defer { lock.unlock() }
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    var isReaped: Bool { lock.lock(); defer { lock.unlock() }; return reaped }
    var currentPid: Int64 { isReaped ? -1 : Int64(pid) }

    func markReaped() {
        lock.lock(); reaped = true; lock.unlock()
        closeStdin()
    }

    /// The plugin is done with the handle: kill what still runs. The reader keeps its own reference.
    func release() {
        lock.lock(); let wasReleased = released; released = true; lock.unlock()
        if !wasReleased { kill(SIGKILL); closeStdin() }
    }
}

/// Reads a child's stdout/stderr with poll(), delivers output, enforces the wall-clock limit,
/// reaps the child and calls on_exit exactly once.
private final class ProcessReader: @unchecked Sendable {
    let process: SupervisedProcess
    let out: Int32, err: Int32
    let spec: ProcessSpec
    let callbacks: second_process_callbacks
    let onReaped: @Sendable (Int32) -> Void

    init(process: SupervisedProcess, out: Int32, err: Int32, spec: ProcessSpec, callbacks: second_process_callbacks,
         onReaped: @escaping @Sendable (Int32) -> Void) {
        self.process = process; self.out = out; self.err = err; self.spec = spec; self.callbacks = callbacks; self.onReaped = onReaped
    }

    func deliver(_ stream: Int32, _ bytes: [UInt8]) {
        guard let f = callbacks.on_output else { return }
        withSecondStr(bytes: bytes) { f(callbacks.ctx, stream, $0) }
    }

    func run() {
        var splitters = [LineSplitter(max: spec.maxLineBytes), LineSplitter(max: spec.maxLineBytes)]
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0), pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        let start = monotonicMilliseconds()
        var termSentAt: UInt64?
        var status: Int32 = 0
        var exitedAt: UInt64?

        while open[0] || open[1] {
            let now = monotonicMilliseconds()
            if let limit = spec.timeoutMs, now - start >= limit {
                if termSentAt == nil { process.kill(SIGTERM); termSentAt = now }
                else if now - termSentAt! >= spec.killGraceMs { process.kill(SIGKILL) }
            }
            // The child may exit while a grandchild keeps the pipes open: drain briefly, then stop reading.
            if exitedAt == nil, waitpid(process.pid, &status, WNOHANG) == process.pid { exitedAt = now; process.markReaped() }
            if let e = exitedAt, now - e > 500 { break }
            for i in 0..<2 { fds[i].fd = open[i] ? (i == 0 ? out : err) : -1 }
            let ready = poll(&fds, 2, 100)
            if ready < 0 { if errno == EINTR { continue }; break }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = read(fds[i].fd, &buffer, buffer.count)
                if n > 0 {
                    let chunk = buffer[0..<n]
                    if spec.lines { for line in splitters[i].feed(chunk) { deliver(Int32(i + 1), line) } }
                    else { deliver(Int32(i + 1), Array(chunk)) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open[i] = false
                }
            }
        }
        for i in 0..<2 { if let rest = splitters[i].finish() { deliver(Int32(i + 1), rest) } }
        close(out); close(err)
        if exitedAt == nil {
            while waitpid(process.pid, &status, 0) < 0 && errno == EINTR {}
            process.markReaped()
        }
        _ = Glibc.kill(-process.pid, SIGKILL)   // stragglers of the group
        onReaped(process.pid)
        let (code, signal): (Int32, Int32) = (status & 0x7f) == 0 ? ((status >> 8) & 0xff, 0) : (-1, status & 0x7f)
        callbacks.on_exit?(callbacks.ctx, code, signal)
    }
}

func monotonicMilliseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
}
