import Foundation
import Testing
import SecondConfig
@testable import SecondDeployment

@Suite struct DeploymentTests {
    static let token = "tok-0123456789abcdef"

    @Test func embeddedDefaultsWithoutAFile() {
        let d = Deployment.load(file: nil, environment: [:], executableDir: Paths.buildDir)
        #expect(d.isValid, "\(d.diagnostics)")
        #expect(d.config.authMode == .none && d.config.port == 3000 && d.config.host == "127.0.0.1")
        #expect(d.config.mongodbURI == nil && d.config.redisURL == nil && d.config.dataDir == "./data")
        #expect(d.catalog.plugins.isEmpty, "no plugin is loaded unless the config names it")
    }

    @Test func environmentWorksWithoutAFileAndIsValidated() {
        let ok = Deployment.load(file: nil, environment: ["PORT": "4100", "REDIS_URL": "redis://127.0.0.1:6390", "SECOND_PERF_TRACE": "1",
                                                          "MONGODB_URI": "mongodb://127.0.0.1:27017/second"], executableDir: Paths.buildDir)
        #expect(ok.isValid, "\(ok.diagnostics)")
        #expect(ok.config.port == 4100 && ok.config.redisURL == "redis://127.0.0.1:6390" && ok.config.perfTrace)
        let bad = Deployment.load(file: nil, environment: ["SECOND_AUTH_MODE": "sometimes", "PORT": "eighty", "MONGODB_URI": "postgres://x",
                                                           "SECOND_TELEMETRY_DISABLED": "maybe"], executableDir: Paths.buildDir)
        let text = bad.diagnostics.map(\.description)
        #expect(text.contains(#"error: environment variable SECOND_AUTH_MODE (/auth/mode): must be one of "none", "external" (got "sometimes")"#), "\(text)")
        #expect(text.contains { $0.contains("environment variable PORT: expected an integer") })
        #expect(text.contains { $0.contains("environment variable MONGODB_URI (/store/mongodb_uri)") })
        #expect(text.contains { $0.contains("environment variable SECOND_TELEMETRY_DISABLED: expected 1/0/true/false") })
    }

    @Test func environmentOverridesTheFile() {
        let d = load("""
            server:
              port: 3000
            auth:
              mode: none
            bus:
              redis_url: redis://file:6379
            """, env: ["PORT": "3999", "REDIS_URL": "redis://env:6379"])
        #expect(d.isValid)
        #expect(d.config.port == 3999 && d.config.redisURL == "redis://env:6379")
    }

    @Test func substitutionInValues() {
        let d = load("""
            server:
              port: ${TEST_PORT:-4321}
              public_url: "${TEST_URL}"
            """, env: ["TEST_URL": "https://second.example"])
        #expect(d.isValid, "\(d.diagnostics)")
        #expect(d.config.port == 4321 && d.config.publicURL == "https://second.example")
    }

    @Test func everyClassOfErrorWithLineAndColumn() {
        let path = writeYAML("""
            version: 1
            mode: staging
            server:
              port: 70000
              hots: 0.0.0.0
              public_url: https://x.example/path
            plugins:
              load: [second-auth-static-tokens, no-such-plugin]
            components:
              auth:
                static_tokens/main:
                  tokens:
                    - token: 12
                      subject: ci
                  deny_unknwn: true
                badkey: {}
              runtime:
                claude/default: {}
              widgets: {}
            secrets:
              db: ${UNSET_VARIABLE_X}
            """)
        let d = Deployment.load(file: path, environment: [:], executableDir: Paths.buildDir)
        let lines = d.diagnostics.map(\.description)
        func has(_ s: String) -> Bool { lines.contains(s) }
        #expect(has("\(path):21:7: error: environment variable \"UNSET_VARIABLE_X\" is not set (use ${UNSET_VARIABLE_X:-default} to give a default)"), "\(lines)")
        #expect(has(#"\#(path):2:7: error: /mode: must be one of "development", "production" (got "staging")"#))
        #expect(has("\(path):4:9: error: /server/port: must be <= 65535 (got 70000)"))
        #expect(has(#"\#(path):5:3: error: /server/hots: unknown key "hots" (valid: allow_non_loopback_without_auth, host, max_body_bytes, port, public_url, threads) — did you mean "host"?"#))
        #expect(lines.contains { $0.hasPrefix("\(path):6:15: error: /server/public_url: must be an origin only") })
        #expect(lines.contains { $0.hasPrefix("\(path):8:37: error: plugin \"no-such-plugin\" not found on the plugin search path") })
        #expect(has(#"\#(path):13:18: error: components.auth."static_tokens/main": /tokens/0/token: expected string, got integer"#))
        #expect(lines.contains { $0.hasPrefix(#"\#(path):15:7: error: components.auth."static_tokens/main": /deny_unknwn: unknown key "deny_unknwn""#) })
        #expect(lines.contains { $0.hasPrefix(#"\#(path):16:5: error: components.auth."badkey": instance keys are "type/name""#) })
        #expect(lines.contains { $0.hasPrefix(#"\#(path):18:5: error: components.runtime."claude/default": unknown runtime component type "claude""#) })
        #expect(has(#"\#(path):19:3: error: /components/widgets: unknown key "widgets" (valid: auth, oauth, runtime, telemetry)"#))
        #expect(lines.count == 11, "\(lines)")
    }

    @Test func yamlSyntaxErrorHasPosition() {
        let path = writeYAML("server:\n  port: [1, 2\n")
        let d = Deployment.load(file: path, environment: [:], executableDir: Paths.buildDir)
        #expect(d.diagnostics.count == 1)
        #expect(d.diagnostics.first?.description.hasPrefix("\(path):") == true)
        #expect(d.diagnostics.first?.mark?.line == 3 || d.diagnostics.first?.mark?.line == 2)
    }

    @Test func pluginValidateFailuresAreReportedAtTheInstance() {
        let d = load("""
            plugins:
              load: [second-oauth-generic]
            components:
              oauth:
                generic/insecure:
                  key: insecure
                  display_name: Insecure
                  authorization_url: http://auth.example/authorize
                  token_url: https://auth.example/token
            """)
        #expect(d.isValid, "\(d.diagnostics)")
        let v = d.validateComponents().map(\.description)
        #expect(v.count == 1)
        #expect(v.first?.contains(#":5:5: error: components.oauth."generic/insecure": plugin "generic-oauth" rejected the config: authorization_url must use https"#) == true, "\(v)")
    }

    @Test func externalModeNeedsAProvider() {
        let d = Deployment.load(file: nil, environment: ["SECOND_AUTH_MODE": "external"], executableDir: Paths.buildDir)
        #expect(d.diagnostics.contains { $0.message.contains("needs at least one auth provider") && $0.message.contains("plugins.load") })
    }

    @Test func productionRefusesAMissingInternalToken() {
        let d = Deployment.load(file: nil, environment: ["SECOND_ENV": "production", "SECOND_PUBLIC_URL": "https://second.example"], executableDir: Paths.buildDir)
        #expect(d.diagnostics.contains { $0.message.contains("production mode requires internal.token (INTERNAL_API_TOKEN)") })
        let weak = Deployment.load(file: nil, environment: ["SECOND_ENV": "production", "SECOND_PUBLIC_URL": "https://second.example",
                                                            "INTERNAL_API_TOKEN": "short-canary-77"], executableDir: Paths.buildDir)
        #expect(weak.diagnostics.contains { $0.message.contains("at least 32 characters") })
        #expect(!weak.diagnostics.contains { $0.description.contains("short-canary-77") }, "the token is never echoed")
    }

    @Test func noneModeOnAPublicAddressNeedsAnOptIn() {
        let d = Deployment.load(file: nil, environment: ["SECOND_HOST": "0.0.0.0"], executableDir: Paths.buildDir)
        #expect(d.diagnostics.contains { $0.message.contains("allow_non_loopback_without_auth") })
        let optIn = load("server:\n  host: 0.0.0.0\n  allow_non_loopback_without_auth: true\n")
        #expect(optIn.isValid)
    }

    @Test func secretsAreRedactedInTheEffectiveConfig() {
        let tokensFile = writeYAML("[]", name: "tokens.json")
        let d = load("""
            internal:
              token: canary-internal-token-0123456789abcdef
            auth:
              no_auth_session_secret: canary-session-secret-0123456789abcdef
            store:
              mongodb_uri: mongodb://admin:canary-mongo-pw@db:27017/second
            bus:
              redis_url: redis://:canary-redis-pw@cache:6379
            secrets:
              github_client_secret: canary-named-secret
            plugins:
              load: [second-auth-static-tokens]
            components:
              auth:
                static_tokens/main:
                  tokens_file: \(tokensFile)
                  tokens:
                    - token: canary-token-value-0123456789
                      subject: ci
            """)
        #expect(d.isValid, "\(d.diagnostics)")
        let json = d.redactedEffectiveJSON()
        for canary in ["canary-internal-token", "canary-session-secret", "canary-mongo-pw", "canary-redis-pw", "canary-named-secret", "canary-token-value"] {
            #expect(!json.contains(canary), "\(canary) printed")
        }
        #expect(json.contains("mongodb://admin:<redacted>@db:27017/second"))
        #expect(json.contains(#""subject": "ci""#) || json.contains(#""subject":"ci""#), "non-secret values stay visible")
        #expect(json.contains("<redacted>"))
    }

    @Test func schemaErrorsInSecretFieldsDoNotEchoTheValue() {
        let d = load("""
            plugins:
              load: [second-auth-static-tokens]
            components:
              auth:
                static_tokens/main:
                  tokens:
                    - token: canary-short
                      subject: ci
            """)
        let text = d.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("/tokens/0/token"))
        #expect(!text.contains("canary-short"))
    }

    @Test func authChainOrder() {
        let tokens = writeYAML("[]", name: "t.json")
        let d = load("""
            auth:
              providers: [static_tokens/second, static_tokens/first]
            plugins:
              load: [second-auth-static-tokens]
            components:
              auth:
                static_tokens/first: {tokens_file: \(tokens)}
                static_tokens/second: {tokens_file: \(tokens)}
            """)
        #expect(d.isValid, "\(d.diagnostics)")
        #expect(d.components.map(\.name) == ["second", "first"])
        let bad = load("""
            auth:
              providers: [static_tokens/ghost]
            """)
        #expect(bad.diagnostics.contains { $0.message.contains(#""static_tokens/ghost" is not a configured auth instance"#) })
    }
}
