import Foundation
import SecondCore
import SecondPluginHost

/// What /readyz reports: each dependency's state, never secrets, URLs with credentials or contents.
public struct ReadinessCheck: Sendable {
    public let name: String
    public let check: @Sendable () async -> (ok: Bool, detail: String)

    public init(name: String, check: @escaping @Sendable () async -> (ok: Bool, detail: String)) {
        self.name = name; self.check = check
    }
}

public enum Readiness {
    /// Runs every check (concurrently, each bounded by `timeoutMs`) and builds the /readyz body.
    public static func evaluate(_ checks: [ReadinessCheck], plugins: PluginRuntime?, timeoutMs: UInt64 = 2000) async -> (ready: Bool, body: JSON) {
        var results: [String: JSON] = [:]
        var ready = true
        await withTaskGroup(of: (String, Bool, String).self) { group in
            for c in checks {
                group.addTask {
                    await withTaskGroup(of: (Bool, String)?.self) { inner in
                        inner.addTask { await c.check() }
                        inner.addTask { try? await Task.sleep(nanoseconds: timeoutMs * 1_000_000); return nil }
                        let first = await inner.next() ?? nil
                        inner.cancelAll()
                        let (ok, detail) = first ?? (false, "no answer within \(timeoutMs) ms")
                        return (c.name, ok, detail)
                    }
                }
            }
            for await (name, ok, detail) in group {
                results[name] = ["ok": .bool(ok), "detail": .string(detail)]
                if !ok { ready = false }
            }
        }
        var instances: [JSON] = []
        for i in plugins?.instances ?? [] {
            let state = "\(i.state)"
            if i.state != .started { ready = false }
            instances.append(["id": .string(i.id), "plugin": .string(i.component.pluginName), "state": .string(state)])
        }
        return (ready, ["status": .string(ready ? "ready" : "not_ready"), "checks": .object(results), "plugins": .array(instances)])
    }
}
