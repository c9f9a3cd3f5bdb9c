import Foundation
import SecondDeployment
import SecondPluginHost
import SecondServer

/// `second serve` (web + worker in one process), `second web`, `second worker`: load config and
/// plugins, start every service, run until SIGINT or SIGTERM, then stop in reverse order.
enum ServeCommand {
    static func run(_ args: [String], environment: [String: String], role: ServerRuntime.Role = .all) throws -> Int32 {
        let a = try Arguments(args, options: ["config"], flags: [])
        guard a.positionals.isEmpty else { throw Arguments.UsageError(message: "unexpected argument \"\(a.positionals[0])\"") }
        // Catch SIGINT/SIGTERM from the start, so a signal during startup still stops cleanly.
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        let file = a.options["config"] ?? environment["SECOND_CONFIG"]
        let deployment = Deployment.load(file: file, environment: environment)
        guard deployment.isValid else {
            SecondCLI.report(deployment.diagnostics)
            return ExitCode.failure
        }
        let config = deployment.config
        if let level = LogLevel(name: config.logLevel) { Logger.shared.level = level }
        if config.mode == .production {
            Logger.shared.info("production mode")
        } else {
            Logger.shared.warn("development mode: do not expose this server; set mode: production (SECOND_ENV=production) for deployments")
        }
        if config.authMode == .none && !config.isLoopbackBind {
            Logger.shared.warn("AUTH MODE none ON A NON-LOOPBACK ADDRESS: anyone who can reach \(config.host) gets in", ["host": config.host])
        }
        if config.mode == .production && config.internalToken == nil {
            Output.err("second: production mode requires INTERNAL_API_TOKEN (internal.token); refusing to start")
            return ExitCode.failure
        }
        let runtime = ServerRuntime(role: role, deployment: deployment)
        let startup = BlockingResult<String?>()
        Task {
            do { try await runtime.start(); startup.set(nil) } catch { startup.set("\(error)") }
        }
        if let failure = startup.wait() {
            Output.err("second \(role == .all ? "serve" : role.rawValue): \(failure)")
            return ExitCode.failure
        }
        Logger.shared.info("ready", [
            "role": role == .all ? "web+worker" : role.rawValue,
            "plugins": deployment.catalog.plugins.map { "\($0.name)@\($0.version)" }.joined(separator: ","),
            "instances": runtime.plugins.instances.map(\.id).joined(separator: ","),
            "store": runtime.store?.kind ?? "none",
            "bus": runtime.bus?.kind ?? "none",
            "web": runtime.webServer.map { "\(config.host):\($0.boundPort)" } ?? "",
            "worker": runtime.workerServer.map { "\(config.workerHost):\($0.boundPort)" } ?? "",
            "config": file ?? "(environment only)",
        ])
        let signal = signals.wait()
        Logger.shared.info("stopping", ["signal": "\(signal)"])
        let stopped = BlockingResult<Bool>()
        Task { await runtime.stop(deadlineMs: 5000); stopped.set(true) }
        _ = stopped.wait()
        Logger.shared.info("stopped")
        return ExitCode.ok
    }
}

/// Catches the given signals from construction on; `wait()` blocks until one arrives and returns it.
final class SignalWaiter: @unchecked Sendable {
    private let got = SignalBox()
    private let done = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32]) {
        for s in signals {
            Foundation.signal(s, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: s, queue: .global())
            src.setEventHandler { [got, done] in got.set(s); done.signal() }
            src.resume()
            sources.append(src)
        }
    }

    func wait() -> Int32 {
        done.wait()
        sources.forEach { $0.cancel() }
        return got.value
    }
}

final class SignalBox: @unchecked Sendable {
    private let lock = NSLock()
    private var v: Int32 = 0
    func set(_ s: Int32) { lock.lock(); v = s; lock.unlock() }
    var value: Int32 { lock.lock(); defer { lock.unlock() }; return v }
}

/// Hands one value from a task to a waiting thread.
final class BlockingResult<T: Sendable>: @unchecked Sendable {
    private let sem = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var value: T?
    func set(_ v: T) { lock.lock(); value = v; lock.unlock(); sem.signal() }
    func wait() -> T { sem.wait(); lock.lock(); defer { lock.unlock() }; return value! }
}
