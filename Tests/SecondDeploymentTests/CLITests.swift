import Foundation
import Testing

/// The `second` binary as an operator runs it.
@Suite struct CLITests {
    @Test func configCheckReportsEveryErrorAndExits1() throws {
        let path = writeYAML("""
            mode: staging
            server:
              port: 99999
            auth:
              mode: sometimes
            """)
        let r = try runSecond(["config", "check", path])
        #expect(r.status == 1)
        let lines = r.err.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(path):1:7: error: /mode: must be one of \"development\", \"production\" (got \"staging\")"), "\(r.err)")
        #expect(lines.contains("\(path):3:9: error: /server/port: must be <= 65535 (got 99999)"))
        #expect(lines.contains("\(path):5:9: error: /auth/mode: must be one of \"none\", \"external\" (got \"sometimes\")"))
        #expect(r.out.isEmpty, "nothing on stdout for an invalid file")
    }

    @Test func configCheckValidFilePrintsRedactedConfig() throws {
        let path = writeYAML("""
            internal:
              token: ${TOKEN}
            plugins:
              load: [second-runtime-command]
            components:
              runtime:
                command/echo:
                  command: [/bin/echo]
            """)
        let r = try runSecond(["config", "check", path], env: ["TOKEN": "canary-cli-token-value"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\"command/echo\""))
        #expect(r.out.contains("\"timeout_ms\": 600000"), "defaults are filled: \(r.out)")
        #expect(!r.out.contains("canary-cli-token-value") && !r.err.contains("canary-cli-token-value"))
    }

    @Test func usageErrorsExit2() throws {
        #expect(try runSecond(["config", "check"]).status == 2)
        #expect(try runSecond(["config", "check", "a", "b"]).status == 2)
        #expect(try runSecond(["plugins", "list", "--bogus"]).err.contains("unknown option --bogus (valid: --config, --json)"))
        #expect(try runSecond(["frobnicate"]).status == 2)
        #expect(try runSecond([]).status == 2)
    }

    @Test func pluginsListJSONShowsEveryPlugin() throws {
        let r = try runSecond(["plugins", "list", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        let names = Set(list.compactMap { $0["name"] as? String })
        for n in ["static-tokens", "generic-oauth", "command-runtime", "jsonl-telemetry", "acme-auth", "c-api-key"] {
            #expect(names.contains(n), "\(n) missing from \(names) — run scripts/setup first")
        }
        for p in list {
            #expect(p["abi"] as? String == "1.2")
            #expect((p["path"] as? String)?.hasSuffix(".so") == true)
            #expect(p["version"] is String)
            let components = try #require(p["components"] as? [[String: Any]])
            for c in components {
                let kind = try #require(c["kind"] as? String)
                #expect(["auth", "oauth", "runtime", "telemetry"].contains(kind))
                #expect(c["id"] as? String == "\(kind).\(c["type"] as? String ?? "")")
                #expect(c["stability"] is String)
            }
        }
    }

    @Test func pluginsInspectShowsTheSchema() throws {
        let r = try runSecond(["plugins", "inspect", "auth.static_tokens", "--json"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\"config_schema\"") && r.out.contains("\"x-secret\": true"))
        let missing = try runSecond(["plugins", "inspect", "auth.nope"])
        #expect(missing.status == 1)
        #expect(missing.err.contains("no plugin or component \"auth.nope\""))
    }

    @Test func pluginConformanceKit() throws {
        let c = try runSecond(["plugins", "check", Paths.buildDir + "/plugins/libsecond-c-api-key.so",
                               "--config", #"auth.api_key={"key":"check-key-0123456789abcdef"}"#])
        #expect(c.status == 0, "\(c.out)\(c.err)")
        #expect(c.out.contains("ok   auth.api_key: stop without start, destroy") && c.out.contains("all checks passed"))
        let vendor = try runSecond(["plugins", "check", Paths.buildDir + "/plugins/libacme-auth.so",
                                    "--config", #"auth.acme_header={"shared_secret":"check-secret-0123456789"}"#])
        #expect(vendor.status == 0, "\(vendor.out)")
        let needsConfig = try runSecond(["plugins", "check", Paths.buildDir + "/libsecond-auth-static-tokens.so"])
        #expect(needsConfig.status == 1)
        #expect(needsConfig.out.contains("pass --config auth.static_tokens=JSON"))
        let notAPlugin = try runSecond(["plugins", "check", "/etc/hostname"])
        #expect(notAPlugin.status == 1 && notAPlugin.out.contains("FAIL load"))
        #expect(try runSecond(["plugins", "check"]).status == 2)
    }

    @Test func versionReportsABI() throws {
        let r = try runSecond(["version", "--json"])
        #expect(r.status == 0)
        #expect(r.out.contains(#""abi":"1.2""#))
    }

    @Test func serveStartsAndStopsCleanlyOnSIGTERM() throws {
        let telemetry = NSTemporaryDirectory() + "serve-\(UUID().uuidString).jsonl"
        let path = writeYAML("""
            plugins:
              load: [second-telemetry-jsonl, second-auth-static-tokens]
            components:
              telemetry:
                jsonl/audit: {path: \(telemetry)}
              auth:
                static_tokens/ci:
                  tokens: [{token: tok-0123456789abcdef, subject: ci}]
            """)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.second)
        p.arguments = ["serve", "--config", path]
        p.environment = ["PATH": "/usr/bin:/bin"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in exited.signal() }
        try p.run()
        // Wait for the ready line, then SIGTERM.
        var log = ""
        let deadline = Date().addingTimeInterval(20)
        while !log.contains("\"msg\":\"ready\"") && Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
        }
        #expect(log.contains("\"msg\":\"ready\""), "\(log)")
        #expect(log.contains("telemetry.jsonl/audit") && log.contains("auth.static_tokens/ci"))
        p.terminate()
        if exited.wait(timeout: .now() + 15) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            Issue.record("serve did not stop within 15 s of SIGTERM")
            return
        }
        log += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0)
        #expect(log.contains("\"msg\":\"stopped\""))
        #expect(FileManager.default.fileExists(atPath: telemetry), "the telemetry instance was started")
        #expect(!log.contains("tok-0123456789abcdef"), "the token is never logged")
    }

    @Test func serveStopsStartupWhenAPluginFailsToStart() throws {
        let path = writeYAML("""
            plugins:
              load: [second-telemetry-jsonl]
            components:
              telemetry:
                jsonl/broken: {path: /nonexistent-dir/x.jsonl}
            """)
        let r = try runSecond(["serve", "--config", path])
        #expect(r.status == 1)
        #expect(r.err.contains(#"plugin "jsonl-telemetry" component telemetry.jsonl instance "telemetry.jsonl/broken": start failed (UNAVAILABLE): cannot create /nonexistent-dir/x.jsonl"#), "\(r.err)")
    }
}
