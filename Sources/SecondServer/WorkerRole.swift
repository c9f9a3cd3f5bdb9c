import Foundation
import SecondCore
import SecondHTTP
import SecondPluginHost
import SecondDeployment

/// The worker's HTTP surface: sessions and app-agent runs (internal token), the MCP broker (run-scoped
/// broker tokens only), runtime detection, readiness and metrics. /healthz reports counts only,
/// never session contents (W2).
public final class WorkerRole: Sendable {
    let plugins: PluginRuntime
    let auth: InternalAuth
    let started = Date()
    let sessions: WorkerSessions
    let web: WebCallback

    public init(plugins: PluginRuntime, auth: InternalAuth, config: DeploymentConfig) {
        self.plugins = plugins
        self.auth = auth
        let broker = BrokerSessions(ttlSeconds: config.runs.brokerTokenTTLSeconds)
        sessions = WorkerSessions(resolver: RuntimeResolver(plugins: plugins), sessions: SessionManager(idleSeconds: config.runs.sessionIdleSeconds),
                                  broker: broker, dirs: RunDirectories(dataDir: config.dataDir, workspacesDir: config.runs.workspacesDir),
                                  wallClockSeconds: config.runs.wallClockSeconds)
        web = WebCallback(base: config.webURL.flatMap(URL.init(string:)), token: config.internalToken)
    }

    /// Called once the listeners are bound (ports may be ephemeral).
    public func bound(workerPort: Int, webURL: String?) {
        sessions.setSelfURL("http://127.0.0.1:\(workerPort)")
        if let w = webURL, let u = URL(string: w) { web.setBase(u) }
    }

    public func install(on router: Router) {
        router.get("/healthz") { [plugins, sessions] _ in
            let c = sessions.sessions.counts
            return .json(["status": "ok", "role": "worker", "sessions": .int(Int64(c.sessions)), "busySessions": .int(Int64(c.busy)),
                          "agentRuns": .int(Int64(sessions.runs.runningCount)), "brokerSessions": .int(Int64(sessions.broker.count)),
                          "runtimes": .int(Int64(plugins.instances(kind: .runtime).count))])
        }
        sessions.install(on: router, auth: auth)
        let broker = MCPBroker(sessions: sessions.broker, web: web)
        for method in ["POST", "GET", "DELETE"] {
            router.add(method, "/mcp/:sessionId", .async { await broker.handle($0) })
        }
        router.add("GET", "/v1/status", auth.guarded { [plugins, started] _ in
            .json(["role": "worker", "version": .string(ServerInfo.version), "uptime_seconds": .int(Int64(Date().timeIntervalSince(started))),
                   "runtimes": .array(plugins.instances(kind: .runtime).map { ["id": .string($0.id), "state": .string("\($0.state)")] })])
        })
        router.add("GET", "/v1/runtimes", auth.guarded(async: { [plugins] _ in
            .json(["runtimes": .array(await RuntimeDetection.report(plugins))])
        }))
        router.add("GET", "/readyz", auth.guarded(async: { [plugins] _ in
            let (ready, body) = await Readiness.evaluate([], plugins: plugins)
            return .json(body, status: ready ? 200 : 503)
        }))
        router.add("GET", "/metrics", auth.guarded { _ in .text(Metrics.shared.render(), contentType: "text/plain; version=0.0.4") })
    }
}

/// Each runtime's availability, version and features — booleans only, never paths, keys or reasons
/// that could carry them (a short, fixed reason code is kept).
enum RuntimeDetection {
    static func report(_ plugins: PluginRuntime) async -> [JSON] {
        var list: [JSON] = []
        for i in plugins.instances(kind: .runtime) {
            let r = await Task.detached { i.detect(timeoutMs: 5000) }.value
            var entry: [String: JSON] = ["id": .string(i.id), "type": .string(i.component.type)]
            if r.status == .ok, let parsed = try? JSON.parse(r.payload), case .object(let o) = parsed {
                entry["available"] = .bool(o["available"]?.bool ?? false)
                if let v = o["version"]?.string { entry["version"] = .string(String(v.prefix(80))) }
                entry["features"] = .object((o["features"]?.object ?? [:]).compactMapValues { $0.bool.map(JSON.bool) })
            } else {
                entry["available"] = false
                entry["features"] = [:]
            }
            list.append(.object(entry))
        }
        return list
    }
}

public enum ServerInfo {
    public static let version = "0.1.0"
}
