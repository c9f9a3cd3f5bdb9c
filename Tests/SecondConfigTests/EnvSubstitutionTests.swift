import Foundation
import Testing
import SecondConfig

@Suite struct EnvSubstitutionTests {
    let env = ["PORT": "8080", "HOST": "db.internal", "EMPTY": "", "FLAG": "true", "RATIO": "0.5",
               "TRICKY": "${HOST}", "SPACE": "a b"]

    @Test func allForms() {
        #expect(scalarValue("${HOST}", env: env) == .string("db.internal"))
        #expect(scalarValue("\"postgres://${HOST}:${PORT}/app\"", env: env) == .string("postgres://db.internal:8080/app"))
        #expect(scalarValue("${MISSING:-fallback}", env: env) == .string("fallback"))
        #expect(scalarValue("${EMPTY:-fallback}", env: env) == .string("fallback"))
        #expect(scalarValue("${HOST:-fallback}", env: env) == .string("db.internal"))
        #expect(scalarValue("${MISSING-fallback}", env: env) == .string("fallback"))
        #expect(scalarValue("${bad-name}", env: env) == .string("name"))   // "-" starts a default
        #expect(scalarValue("'${EMPTY-fallback}'", env: env) == .string(""))
        #expect(scalarValue("x${MISSING:-}y", env: env) == .string("xy"))
        #expect(scalarValue("${HOST:?host is required}", env: env) == .string("db.internal"))
        #expect(scalarValue("${EMPTY?must be set}", env: env) == .null)   // set (to empty) is enough for "?"
        #expect(scalarValue("cost $5 and $HOME", env: env) == .string("cost $5 and $HOME"))
    }

    @Test func typingAfterSubstitution() {
        #expect(scalarValue("${PORT}", env: env) == .int(8080))
        #expect(scalarValue("${FLAG}", env: env) == .bool(true))
        #expect(scalarValue("${RATIO}", env: env) == .double(0.5))
        #expect(scalarValue("${EMPTY}", env: env) == .null)
        #expect(scalarValue("'${PORT}'", env: env) == .string("8080"))
        #expect(scalarValue("\"${FLAG}\"", env: env) == .string("true"))
        #expect(scalarValue("|\n  ${PORT}", env: env) == .string("8080\n"))
        #expect(scalarValue("${MISSING:-42}", env: env) == .int(42))
    }

    @Test func dollarDollarIsLiteral() {
        #expect(scalarValue("$${HOST}", env: env) == .string("${HOST}"))
        #expect(scalarValue("'a $${PORT} b ${PORT}'", env: env) == .string("a ${PORT} b 8080"))
    }

    @Test func singlePass() {
        #expect(scalarValue("${TRICKY}", env: env) == .string("${HOST}"))
    }

    @Test func keysAreNotSubstituted() {
        let (root, diagnostics) = loadYAML("${HOST}: 1\n", env: env)
        #expect(diagnostics.isEmpty)
        #expect(root?.keys == ["${HOST}"])
    }

    @Test func unsetVariableDiagnosticHasFileLineColumn() {
        let (root, diagnostics) = YAMLLoader.load(string: "db:\n  password: ${DB_PASSWORD}\n",
                                                  fileName: "deploy.yaml", environment: [:])
        #expect(root != nil)
        #expect(diagnostics.map(\.description) == [
            "deploy.yaml:2:13: error: environment variable \"DB_PASSWORD\" is not set (use ${DB_PASSWORD:-default} to give a default)",
        ])
    }

    @Test func everyEnvErrorIsReportedInOneRun() {
        let yaml = """
        a: ${ONE}
        b: ${TWO:?needed for auth}
        c: ${A B}
        d: ${UNTERMINATED
        e: ${}
        f: ${THREE?}
        g: ${A:-${B}}
        h: ${X:+alt}
        i: ${ONE} and ${FOUR}
        """
        let (_, diagnostics) = loadYAML(yaml, env: [:])
        #expect(diagnostics.map(\.description) == [
            "t.yaml:1:4: error: environment variable \"ONE\" is not set (use ${ONE:-default} to give a default)",
            "t.yaml:2:4: error: environment variable \"TWO\" is not set or empty: needed for auth",
            "t.yaml:3:4: error: invalid substitution \"${A B}\": expected \"}\", \":-\", \"-\", \":?\" or \"?\" after \"A\"",
            "t.yaml:4:4: error: unterminated \"${\" (missing \"}\")",
            "t.yaml:5:4: error: empty variable name in \"${}\"",
            "t.yaml:6:4: error: environment variable \"THREE\" is not set",
            "t.yaml:7:4: error: nested substitution in default of \"${A:-${B}}\" is not supported",
            "t.yaml:8:4: error: invalid substitution \"${X:+alt}\": expected \"}\", \":-\", \"-\", \":?\" or \"?\" after \"X\"",
            "t.yaml:9:4: error: environment variable \"ONE\" is not set (use ${ONE:-default} to give a default)",
            "t.yaml:9:4: error: environment variable \"FOUR\" is not set (use ${FOUR:-default} to give a default)",
        ])
    }

    @Test func invalidNameIsADiagnostic() {
        let (_, diagnostics) = loadYAML("a: ${9LIVES}\nb: ${A.B}\n")
        #expect(diagnostics.map(\.message) == [
            "invalid environment variable name in \"${9LIVES}\" (names match [A-Za-z_][A-Za-z0-9_]*)",
            "invalid substitution \"${A.B}\": expected \"}\", \":-\", \"-\", \":?\" or \"?\" after \"A\"",
        ])
    }

    @Test func secretsFromFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        try "s3cr3t\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(scalarValue("${file:\(path)}") == .string("s3cr3t"))
        #expect(scalarValue("\"Bearer ${file:\(path)}\"") == .string("Bearer s3cr3t"))

        let twoNewlines = path + "-2"
        try "1234\n\n".write(toFile: twoNewlines, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: twoNewlines) }
        #expect(scalarValue("${file:\(twoNewlines)}") == .string("1234\n"))

        let (_, diagnostics) = loadYAML("a: ${file:/nonexistent/secret}\nb: ${file:relative/path}\n")
        #expect(diagnostics.map(\.description) == [
            "t.yaml:1:4: error: cannot read /nonexistent/secret for ${file:...}: No such file or directory",
            "t.yaml:2:4: error: ${file:...} needs an absolute path (got \"relative/path\")",
        ])
    }

    @Test func variableNamedFileStillWorks() {
        #expect(scalarValue("${file:-dflt}", env: [:]) == .string("dflt"))
        #expect(scalarValue("${file}", env: ["file": "x"]) == .string("x"))
    }

    @Test func envValuesNeverAppearInMessages() {
        // A typing error after substitution must not echo the (possibly secret) value.
        let (_, diagnostics) = loadYAML("a: ${SECRET} ${MISSING}\n", env: ["SECRET": "hunter2"])
        #expect(diagnostics.count == 1)
        #expect(!diagnostics.description.contains("hunter2"))
    }
}
