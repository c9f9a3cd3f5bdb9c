import Foundation
import SecondCore
import SecondHTTP
import SecondPluginHost

/// The worker's HTTP surface (agent sessions arrive with the runs issue). Everything but /healthz
/// needs the internal token; /healthz reports counts only, never session contents.
public final class WorkerRole: Sendable {
    let plugins: PluginRuntime
    let auth: InternalAuth
    let started = Date()

    public init(plugins: PluginRuntime, auth: InternalAuth) {
        self.plugins = plugins
        self.auth = auth
    }

    public func install(on router: Router) {
        router.get("/healthz") { [plugins] _ in
            .json(["status": "ok", "role": "worker", "sessions": 0, "runtimes": .int(Int64(plugins.instances(kind: .runtime).count))])
        }
        router.add("GET", "/v1/status", auth.guarded { [plugins, started] _ in
            .json(["role": "worker", "version": .string(ServerInfo.version), "uptime_seconds": .int(Int64(Date().timeIntervalSince(started))),
                   "runtimes": .array(plugins.instances(kind: .runtime).map { ["id": .string($0.id), "state": .string("\($0.state)")] })])
        })
        router.add("GET", "/v1/runtimes", auth.guarded(async: { [plugins] _ in
            var list: [JSON] = []
            for i in plugins.instances(kind: .runtime) {
                let r = await Task.detached { i.detect(timeoutMs: 5000) }.value
                var entry: [String: JSON] = ["id": .string(i.id)]
                if r.status == .ok, let parsed = try? JSON.parse(r.payload), case .object(let o) = parsed {
                    entry["available"] = o["available"] ?? false
                    entry["version"] = o["version"] ?? .null
                    // Features are booleans only.
                    entry["features"] = .object((o["features"]?.object ?? [:]).compactMapValues { $0.bool.map(JSON.bool) })
                } else {
                    entry["available"] = false
                }
                list.append(.object(entry))
            }
            return .json(["runtimes": .array(list)])
        }))
        router.add("GET", "/readyz", auth.guarded(async: { [plugins] _ in
            let (ready, body) = await Readiness.evaluate([], plugins: plugins)
            return .json(body, status: ready ? 200 : 503)
        }))
        router.add("GET", "/metrics", auth.guarded { _ in .text(Metrics.shared.render(), contentType: "text/plain; version=0.0.4") })
    }
}

public enum ServerInfo {
    public static let version = "0.1.0"
}
