/// Key and channel names of server-spec §10.
enum RedisKeys {
    static func workspaceEvents(_ workspaceId: String) -> String { "workspace:\(workspaceId):events" }
    static func chunks(_ runId: String) -> String { "run:\(runId):replay:chunks" }
    static func seq(_ runId: String) -> String { "run:\(runId):replay:seq" }
    static func terminal(_ runId: String) -> String { "run:\(runId):replay:terminal" }
    static func live(_ runId: String) -> String { "run:\(runId):replay:live" }
}
