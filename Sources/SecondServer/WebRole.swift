import Foundation
import SecondCore
import SecondHTTP
import SecondPluginHost

/// The web's HTTP surface so far: liveness, readiness, metrics and the internal API guard.
/// (Workspace, app and run routes join with the identity and runs issues.)
public final class WebRole: Sendable {
    let plugins: PluginRuntime
    let auth: InternalAuth
    let checks: [ReadinessCheck]

    public init(plugins: PluginRuntime, auth: InternalAuth, checks: [ReadinessCheck]) {
        self.plugins = plugins; self.auth = auth; self.checks = checks
    }

    public func install(on router: Router) {
        let ok = HTTPResponse.json(["status": "ok"])
        router.get("/healthz") { _ in ok }
        router.get("/readyz", async: { [checks, plugins] _ in
            let (ready, body) = await Readiness.evaluate(checks, plugins: plugins)
            return .json(body, status: ready ? 200 : 503)
        })
        router.get("/metrics") { _ in .text(Metrics.shared.render(), contentType: "text/plain; version=0.0.4") }
        // Internal API (worker → web): token required. More routes arrive with runs and integrations.
        router.add("GET", "/api/internal/ping", auth.guarded { _ in .json(["ok": true]) })
        // Static for the life of the process (plugins never change at runtime): encoded once.
        let info = HTTPResponse.json(["role": "web", "version": .string(ServerInfo.version),
                                      "plugins": .array(plugins.catalog.plugins.map { ["name": .string($0.name), "version": .string($0.version)] })])
        router.add("GET", "/api/internal/info", auth.guarded { _ in info })
        // Operators (or a cron) ask an auth provider to run a control operation, e.g. {"v":1,"op":"sync"}.
        router.add("POST", "/api/internal/auth-control/:type/:name", auth.guarded(async: { [plugins] req in
            let id = "auth.\(req.params["type"] ?? "")/\(req.params["name"] ?? "")"
            guard let instance = plugins.instance(id: id) else { return .error(404, "not_found", "no auth instance \(id)") }
            let body: [String: JSON]
            do throws(HTTPResponse) { body = try req.jsonObject() } catch { return error }
            let r = await instance.authControl(requestJSON: JSON.object(body).text)
            switch r.status {
            case .ok: return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: .bytes(Array(r.payload.utf8)))
            case .notSupported: return .error(400, "not_supported", r.message)
            case .invalidArgument: return .error(400, "invalid_request", r.message)
            default: return .error(502, "provider_failed", "\(id): \(r.status): \(r.message)")
            }
        }))
    }

    /// A readiness check that asks the worker for its status with the internal token.
    public static func workerCheck(_ client: WorkerClient) -> ReadinessCheck {
        ReadinessCheck(name: "worker") {
            do {
                let (status, _) = try await client.get("v1/status")
                switch status {
                case 200: return (true, "ok")
                case 401: return (false, "the worker rejected the internal token: set the same INTERNAL_API_TOKEN on web and worker")
                default: return (false, "the worker answered HTTP \(status)")
                }
            } catch {
                return (false, "\(error)")
            }
        }
    }
}
