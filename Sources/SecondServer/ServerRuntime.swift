import Foundation
import SecondCore
import SecondHTTP
import SecondPluginHost
import SecondDeployment
import SecondStore
import SecondBus

/// Builds and runs the services of one process — `serve` (web + worker), `web` or `worker` — from a
/// validated deployment. Services start in dependency order (store, bus, plugins, worker listener,
/// web listener) and stop in reverse, each with a deadline.
public final class ServerRuntime: @unchecked Sendable {
    public enum Role: String, Sendable { case all, web, worker }

    public let role: Role
    public let deployment: Deployment
    public let plugins: PluginRuntime
    public private(set) var store: (any DocumentStore)?
    public private(set) var bus: (any CoordinationBus)?
    public private(set) var webServer: HTTPServer?
    public private(set) var workerServer: HTTPServer?
    private var started: [any Service] = []
    private var workerRole: WorkerRole?

    public init(role: Role, deployment: Deployment) {
        self.role = role
        self.deployment = deployment
        self.plugins = deployment.makeRuntime()
    }

    public struct StartupError: Error, CustomStringConvertible, Sendable { public let description: String }

    public func start() async throws {
        let c = deployment.config
        let auth = InternalAuth(token: c.internalToken)
        if c.internalToken == nil {
            Logger.shared.warn("INTERNAL_API_TOKEN is not set: internal routes are open (development only; production refuses to start)")
        }
        do {
            if role != .worker {
                let s = InstrumentedStore(StoreFactory.make(mongodbURI: c.mongodbURI, dataDir: c.dataDir))
                try await s.start()
                store = s
                started.append(ServiceAdapter(name: "store", stop: { await s.stop() }))
                let b = try BusFactory.make(redisURL: c.redisURL, settings: BusSettings())
                try await b.start()
                bus = b
                started.append(ServiceAdapter(name: "bus", stop: { await b.stop() }))
                // Identity services for auth plugins ("second.identity.v1"), before plugins start.
                let store = s
                IdentityExtension.install(StoreIdentityBackend(store: store, sync: IdentitySync(store: store), acceptance: InvitationAcceptance(store: store, bus: b), bus: b))
                started.append(ServiceAdapter(name: "identity", stop: { IdentityExtension.install(nil) }))
            }
            do { try plugins.start() } catch { throw StartupError(description: "\(error)") }
            started.append(ServiceAdapter(name: "plugins", stop: { [plugins] in plugins.stop(deadlineMs: 5000) }))

            if role != .web {
                let router = Router()
                let w = WorkerRole(plugins: plugins, auth: auth, config: c)
                w.install(on: router)
                workerRole = w
                let server = HTTPServer(name: "worker", settings: settings(host: c.workerHost, port: c.workerPort, role: "worker"), router: router, log: Self.log)
                try await server.start()
                workerServer = server
                started.append(server)
                Logger.shared.info("worker listening", ["address": "\(c.workerHost):\(server.boundPort)"])
            }
            if role != .worker {
                let router = Router()
                var checks: [ReadinessCheck] = []
                if let s = store { checks.append(ReadinessCheck(name: "store") { do { try await s.ping(); return (true, s.kind) } catch { return (false, "\(error)") } }) }
                if let b = bus {
                    checks.append(ReadinessCheck(name: "bus") {
                        do { try await b.ping(); return (true, b.kind) } catch {
                            Metrics.shared.increment("second_bus_errors_total", "Coordination bus operations that failed", labels: [("backend", b.kind), ("op", "ping")])
                            return (false, "\(error)")
                        }
                    })
                }
                let workerURL = workerServer.map { "http://127.0.0.1:\($0.boundPort)" } ?? c.effectiveWorkerURL
                if let url = URL(string: workerURL) { checks.append(WebRole.workerCheck(WorkerClient(baseURL: url, token: c.internalToken))) }
                WebRole(plugins: plugins, auth: auth, checks: checks).install(on: router)
                if let s = store {
                    let acceptance = InvitationAcceptance(store: s, bus: bus)
                    let source: RequestGuard.Source
                    if c.authMode == .none {
                        let local = LocalIdentity(store: s, configuredSecret: c.noAuthSessionSecret, acceptance: acceptance)
                        local.install(on: router)
                        source = .local(local)
                    } else {
                        source = .external(AuthChain(providers: plugins.instances(kind: .auth)))
                    }
                    let guardian = RequestGuard(source: source, store: s, internalToken: c.internalToken, acceptance: acceptance)
                    WorkspaceRoutes(guardian: guardian, store: s).install(on: router)
                    let governance = Governance(guardian: guardian, store: s, bus: bus)
                    governance.install(on: router)
                    Invitations(governance: governance, providers: plugins.instances(kind: .auth)).install(on: router)
                    let records = AppRecords(guardian: guardian, store: s, bus: bus)
                    AppRoutes(records: records).install(on: router)
                    AppGovernanceRoutes(records: records, integrationGate: c.authMode == .external).install(on: router)
                    InternalToolRoutes(store: s, bus: bus, auth: auth).install(on: router)
                    if let b = bus, let url = URL(string: workerURL) {
                        let relay = RunRelay(store: s, bus: b, worker: WorkerClient(baseURL: url, token: c.internalToken),
                                             staleAfterSeconds: c.runs.staleAfterSeconds)
                        AgentRunRoutes(records: records, relay: relay, fanout: RunFanout(bus: b)).install(on: router)
                        let watchdog = RunWatchdog(store: s, bus: b, staleAfterSeconds: c.runs.staleAfterSeconds)
                        try await watchdog.start()
                        started.append(watchdog)
                    }
                }
                let server = HTTPServer(name: "web", settings: settings(host: c.host, port: c.port, role: "web"), router: router, log: Self.log)
                try await server.start()
                webServer = server
                started.append(server)
                Logger.shared.info("web listening", ["address": "\(c.host):\(server.boundPort)"])
            }
            if let w = workerRole, let ws = workerServer {
                // The worker calls the web back at worker.web_url, or at this process's own web listener.
                let local = webServer.map { "http://127.0.0.1:\($0.boundPort)" }
                w.bound(workerPort: Int(ws.boundPort), webURL: c.webURL ?? local)
            }
        } catch {
            await stop(deadlineMs: 2000)
            throw error
        }
    }

    /// Stops everything started, in reverse order.
    public func stop(deadlineMs: UInt32) async {
        let list = started
        started = []
        for s in list.reversed() { await s.stop(deadlineMs: deadlineMs) }
    }

    private func settings(host: String, port: Int, role: String) -> HTTPServer.Settings {
        var s = HTTPServer.Settings()
        s.host = host
        s.port = UInt16(port)
        s.threads = UInt32(deployment.config.threads)
        // The worker takes whole app snapshots (up to 12 MiB of files) from the web, behind the internal token.
        s.maxBodyBytes = role == "worker" ? max(deployment.config.maxBodyBytes, 16 << 20) : deployment.config.maxBodyBytes
        s.perfTrace = deployment.config.perfTrace
        s.role = role
        return s
    }

    static let log: @Sendable (String, [String: String]) -> Void = { msg, fields in Logger.shared.info(msg, fields) }
}

/// Adapts a stop closure to the lifecycle protocol.
final class ServiceAdapter: Service, @unchecked Sendable {
    let name: String
    let stopBody: @Sendable () async -> Void
    init(name: String, stop: @escaping @Sendable () async -> Void) { self.name = name; self.stopBody = stop }
    func start() async throws {}
    func stop(deadlineMs: UInt32) async { await stopBody() }
}
