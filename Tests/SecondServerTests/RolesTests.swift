import Foundation
import Testing

/// `second serve` / `web` / `worker` as processes: health, readiness, metrics, the internal token
/// in both directions, production refusals, perf traces without secrets, clean shutdown.
@Suite struct RolesTests {
    static let token = "internal-canary-token-0123456789abcdef"

    @Test func serveOnEmbeddedDefaults() async throws {
        let s = try ServerProcess("serve", env: [:])
        #expect(s.waitReady(), "\(s.log)")
        let health = try await http(s.webPort, "/healthz")
        #expect(health.status == 200 && health.body == #"{"status":"ok"}"#)
        let ready = try await http(s.webPort, "/readyz")
        #expect(ready.status == 200, "\(ready.body)")
        #expect(ready.body.contains(#""store":{"detail":"sqlite","ok":true}"#))
        #expect(ready.body.contains(#""bus":{"detail":"in-process","ok":true}"#))
        #expect(ready.body.contains(#""worker":{"detail":"ok","ok":true}"#))
        let metrics = try await http(s.webPort, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"second_http_requests_total{role="web",route="/healthz",method="GET",status="200"} 1"#))
        #expect(metrics.body.contains("# TYPE second_http_request_duration_seconds histogram"))
        #expect(metrics.body.contains(#"second_store_operations_total{backend="sqlite",op="ping"} 1"#), "readiness pinged the store once")
        let workerHealth = try await http(s.workerPort, "/healthz")
        #expect(workerHealth.status == 200 && workerHealth.body.contains(#""sessions":0"#))
        #expect(s.stop() == 0)
        #expect(s.log.contains(#""msg":"stopped""#))
    }

    @Test func productionRefusesToStartWithoutAToken() throws {
        let s = try ServerProcess("serve", env: ["SECOND_ENV": "production", "SECOND_PUBLIC_URL": "https://second.example"])
        #expect(s.waitExit() == 1)
        #expect(s.log.contains("production mode requires internal.token (INTERNAL_API_TOKEN)"))
    }

    @Test func workerRoutesNeedTheTokenWhenOneIsSet() async throws {
        let w = try ServerProcess("worker", env: ["INTERNAL_API_TOKEN": Self.token])
        #expect(w.waitReady(), "\(w.log)")
        #expect(try await http(w.workerPort, "/healthz").status == 200, "liveness needs no token")
        for path in ["/v1/status", "/v1/runtimes", "/readyz", "/metrics"] {
            let none = try await http(w.workerPort, path)
            #expect(none.status == 401 && none.body.contains(#""error":"unauthorized""#), "\(path) without token")
            let wrong = try await http(w.workerPort, path, token: Self.token + "x")
            #expect(wrong.status == 401, "\(path) with a wrong token")
            let prefix = try await http(w.workerPort, path, token: String(Self.token.dropLast()))
            #expect(prefix.status == 401, "\(path) with a prefix of the token")
            let ok = try await http(w.workerPort, path, token: Self.token)
            #expect(ok.status == 200, "\(path) with the token")
            #expect(!ok.body.contains(Self.token) && !none.body.contains(Self.token))
        }
        #expect(w.stop() == 0)
        #expect(!w.log.contains(Self.token), "the token is never logged")
    }

    @Test func webAndWorkerApartWithMongoAndRedis() async throws {
        let mongo = try #require(TestServices.mongoURI, "SECOND_TEST_MONGODB_URI is not set: run scripts/test (it starts MongoDB and Redis test servers)")
        let redis = try #require(TestServices.redisURL, "SECOND_TEST_REDIS_URL is not set: run scripts/test")
        let w = try ServerProcess("worker", env: ["INTERNAL_API_TOKEN": Self.token])
        #expect(w.waitReady(), "\(w.log)")
        let workerURL = "http://127.0.0.1:\(w.workerPort ?? 0)"
        let web = try ServerProcess("web", env: ["INTERNAL_API_TOKEN": Self.token, "WORKER_URL": workerURL, "MONGODB_URI": mongo, "REDIS_URL": redis])
        #expect(web.waitReady(), "\(web.log)")
        let ready = try await http(web.webPort, "/readyz")
        #expect(ready.status == 200, "\(ready.body)")
        #expect(ready.body.contains(#""store":{"detail":"mongodb","ok":true}"#))
        #expect(ready.body.contains(#""bus":{"detail":"redis","ok":true}"#))
        #expect(ready.body.contains(#""worker":{"detail":"ok","ok":true}"#))
        #expect(!ready.body.contains(Self.token))
        let internalNoToken = try await http(web.webPort, "/api/internal/ping")
        #expect(internalNoToken.status == 401)
        let internalOK = try await http(web.webPort, "/api/internal/ping", token: Self.token)
        #expect(internalOK.status == 200)

        // A web with a different token is refused by the worker, and says so in /readyz.
        let wrong = try ServerProcess("web", env: ["INTERNAL_API_TOKEN": "another-token-0123456789abcdef012345", "WORKER_URL": workerURL])
        #expect(wrong.waitReady(), "\(wrong.log)")
        let notReady = try await http(wrong.webPort, "/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.body.contains("the worker rejected the internal token"))
        #expect(wrong.stop() == 0 && web.stop() == 0 && w.stop() == 0)
    }

    @Test func unreachableMongoFailsStartupClearly() throws {
        let s = try ServerProcess("web", env: ["MONGODB_URI": "mongodb://admin:canary-pw-77@127.0.0.1:1/second?serverSelectionTimeoutMS=500"])
        #expect(s.waitExit(timeout: 30) == 1)
        #expect(s.log.contains("127.0.0.1:1"), "\(s.log)")
        #expect(!s.log.contains("canary-pw-77"), "the password never appears")
    }

    @Test func perfTraceLogsOneLinePerRequestWithoutSecrets() async throws {
        let s = try ServerProcess("serve", env: ["SECOND_PERF_TRACE": "1", "INTERNAL_API_TOKEN": Self.token])
        #expect(s.waitReady(), "\(s.log)")
        _ = try await http(s.webPort, "/api/internal/ping?q=canary-query", token: Self.token, headers: ["Cookie": "session=canary-cookie", "X-Request-Id": "trace-me-1"])
        try await Task.sleep(nanoseconds: 200_000_000)
        let line = try #require(s.log.split(separator: "\n").first { $0.contains(#""request_id":"trace-me-1""#) })
        for field in [#""msg":"request""#, #""route":"/api/internal/ping""#, #""status":"200""#, #""elapsed_ms":"#, #""cpu_ms":"#, #""rss_kb":"#] {
            #expect(line.contains(field), "\(field) missing in \(line)")
        }
        for secret in [Self.token, "canary-cookie", "canary-query"] { #expect(!s.log.contains(secret), "\(secret) was logged") }
        #expect(s.stop() == 0)
    }
}
