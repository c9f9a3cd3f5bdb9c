/// The schema of the deployment YAML (everything except the free-form `components` and `secrets`
/// maps, which are checked per component / as strings). It is the single documentation of the keys:
/// `second config schema` prints it, and the same validator that checks plugin configs checks it, so
/// errors have file:line:col, a JSON pointer and "did you mean" for unknown keys.
///
/// Keys (env variable that overrides each, from the self-hosting guide):
/// - `version` (int, 1)
/// - `mode` (`development` | `production`; `SECOND_ENV`): production refuses unsafe settings.
/// - `log_level` (`SECOND_LOG_LEVEL`)
/// - `server.host` (`SECOND_HOST`; not `HOSTNAME`, which shells set to the machine name), `server.port` (`PORT`), `server.public_url` (`SECOND_PUBLIC_URL`, origin only)
/// - `auth.mode` (`SECOND_AUTH_MODE`: none | external), `auth.no_auth_session_secret` (`SECOND_NO_AUTH_SESSION_SECRET`, ≥ 32 chars, secret),
///   `auth.providers` (auth instance ids in chain order; default: the order of `components.auth`)
/// - `server.threads` (HTTP thread pool), `server.max_body_bytes` (413 above it)
/// - `internal.token` (`INTERNAL_API_TOKEN`, secret), `worker.url` (`WORKER_URL`: where the web reaches the worker;
///   default http://127.0.0.1:<worker.port>), `worker.host`/`worker.port` (`WORKER_HOST`/`WORKER_PORT`: where the worker listens)
/// - `worker.web_url` (`WEB_INTERNAL_URL`): the one internal base URL the worker calls back (tool-execute, app data);
///   default: the web listener of the same process (`serve`), required for a split `worker` that brokers tools
/// - `runs.wall_clock_seconds` (hard limit per turn), `runs.session_idle_seconds` (worker session TTL),
///   `runs.stale_after_seconds` (the watchdog fails a streaming run whose relay has not beaten for this long),
///   `runs.broker_token_ttl_seconds` (MCP broker token lifetime), `runs.workspaces_dir` (default <data_dir>/workspaces)
/// - `store.mongodb_uri` (`MONGODB_URI`, credentials redacted), `store.data_dir` (`SECOND_DATA_DIR`)
/// - `bus.redis_url` (`REDIS_URL`, credentials redacted)
/// - `security.token_encryption_key` (`SECOND_TOKEN_ENCRYPTION_KEY`, secret)
/// - `diagnostics.perf_trace` (`SECOND_PERF_TRACE`)
/// - `telemetry.disabled` (`SECOND_TELEMETRY_DISABLED`), `telemetry.posthog.{token,host,disabled}`
///   (`SECOND_POSTHOG_TOKEN`, `SECOND_POSTHOG_HOST`, `SECOND_POSTHOG_DISABLED`),
///   `telemetry.sentry.{dsn,disabled}` (`SECOND_SENTRY_DSN`, `SECOND_SENTRY_DISABLED` or `SECOND_ERROR_REPORTING_DISABLED`)
/// - `plugins.search_path` (list; `SECOND_PLUGIN_PATH` prepends, colon-separated), `plugins.load` (names or paths)
/// - `secrets` (name → value; every value is secret), `components` (kind → "type/name" → config)
enum DeploymentSchema {
    static let json = #"""
    {"type":"object","additionalProperties":false,
     "properties":{
      "version":{"type":"integer","enum":[1],"default":1},
      "mode":{"enum":["development","production"],"default":"development"},
      "log_level":{"enum":["trace","debug","info","warn","error"],"default":"info"},
      "server":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "host":{"type":"string","minLength":1,"default":"127.0.0.1"},
          "port":{"type":"integer","minimum":0,"maximum":65535,"default":3000},
          "threads":{"type":"integer","minimum":1,"maximum":64,"default":2},
          "max_body_bytes":{"type":"integer","minimum":1024,"maximum":104857600,"default":1048576},
          "public_url":{"type":"string","format":"uri"},
          "allow_non_loopback_without_auth":{"type":"boolean","default":false}}},
      "auth":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "mode":{"enum":["none","external"],"default":"none"},
          "no_auth_session_secret":{"type":"string","minLength":32,"x-secret":true},
          "providers":{"type":"array","items":{"type":"string","minLength":1},"uniqueItems":true}}},
      "internal":{"type":"object","additionalProperties":false,"default":{},
        "properties":{"token":{"type":"string","minLength":1,"x-secret":true}}},
      "worker":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "url":{"type":"string","format":"uri"},
          "host":{"type":"string","minLength":1,"default":"127.0.0.1"},
          "port":{"type":"integer","minimum":0,"maximum":65535,"default":3001},
          "web_url":{"type":"string","format":"uri"}}},
      "runs":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "wall_clock_seconds":{"type":"integer","minimum":5,"maximum":86400,"default":1800},
          "session_idle_seconds":{"type":"integer","minimum":10,"maximum":86400,"default":900},
          "stale_after_seconds":{"type":"integer","minimum":5,"maximum":86400,"default":120},
          "broker_token_ttl_seconds":{"type":"integer","minimum":10,"maximum":86400,"default":1800},
          "workspaces_dir":{"type":"string","minLength":1}}},
      "store":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "mongodb_uri":{"type":"string","pattern":"^mongodb(\\+srv)?://"},
          "data_dir":{"type":"string","minLength":1,"default":"./data"}}},
      "bus":{"type":"object","additionalProperties":false,"default":{},
        "properties":{"redis_url":{"type":"string","pattern":"^rediss?://"}}},
      "security":{"type":"object","additionalProperties":false,"default":{},
        "properties":{"token_encryption_key":{"type":"string","minLength":32,"x-secret":true}}},
      "diagnostics":{"type":"object","additionalProperties":false,"default":{},
        "properties":{"perf_trace":{"type":"boolean","default":false}}},
      "telemetry":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "disabled":{"type":"boolean","default":false},
          "posthog":{"type":"object","additionalProperties":false,"default":{},
            "properties":{"token":{"type":"string"},"host":{"type":"string","format":"uri"},"disabled":{"type":"boolean","default":false}}},
          "sentry":{"type":"object","additionalProperties":false,"default":{},
            "properties":{"dsn":{"type":"string","format":"uri"},"disabled":{"type":"boolean","default":false}}}}},
      "plugins":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "search_path":{"type":"array","items":{"type":"string","minLength":1},"default":[]},
          "load":{"type":"array","items":{"type":"string","minLength":1},"default":[]}}},
      "secrets":{"type":"object","additionalProperties":{"type":"string","x-secret":true},"default":{}},
      "components":{"type":"object","additionalProperties":false,"default":{},
        "properties":{
          "auth":{"type":"object","default":{}},
          "oauth":{"type":"object","default":{}},
          "runtime":{"type":"object","default":{}},
          "telemetry":{"type":"object","default":{}}}}}}
    """#
}
