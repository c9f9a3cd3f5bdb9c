import Foundation
import Testing
import SecondConfig

@Suite struct YAMLLoaderTests {
    @Test func marksOfNestedValuesAndKeys() throws {
        let yaml = """
        server:
          listen:
            port: 8080
          name: "edge"
        list:
          - a
          - b: 1
        """
        let (root, diagnostics) = loadYAML(yaml)
        #expect(diagnostics.isEmpty)
        let server = try #require(root?["server"])
        #expect(server["listen"]?["port"]?.mark == SourceMark(file: "t.yaml", line: 3, column: 11))
        #expect(server["name"]?.mark?.description == "t.yaml:4:9")
        let listenEntry = try #require(server.objectEntries?.first)
        #expect(listenEntry.key == "listen")
        #expect(listenEntry.keyMark == SourceMark(file: "t.yaml", line: 2, column: 3))
        let second = try #require(root?["list"]?[1])
        #expect(second.objectEntries?.first?.keyMark?.description == "t.yaml:7:5")
        #expect(second["b"]?.mark?.description == "t.yaml:7:8")
        #expect(root?["list"]?[0]?.mark?.description == "t.yaml:6:5")
    }

    @Test func objectOrderIsPreserved() {
        let (root, _) = loadYAML("zeta: 1\nalpha: 2\nmid: 3\n")
        #expect(root?.keys == ["zeta", "alpha", "mid"])
    }

    @Test func parseErrorHasLineAndColumn() {
        let (root, diagnostics) = YAMLLoader.load(string: "a: 1\nb:\n  c: d: e\n", fileName: "deploy.yaml", environment: [:])
        #expect(root == nil)
        #expect(diagnostics.map(\.description) == ["deploy.yaml:3:7: error: mapping values are not allowed in this context"])
    }

    @Test func parseErrorIncludesContext() {
        let (root, diagnostics) = loadYAML("a: [1, 2\nb: 3\n")
        #expect(root == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("while parsing a flow sequence at 1:4") == true)
    }

    @Test func duplicateKeyReportedAtSecondOccurrence() {
        let (root, diagnostics) = loadYAML("a:\n  x: 1\n  y: 2\n  x: 3\n")
        #expect(diagnostics.map(\.description) == ["t.yaml:4:3: error: duplicate key \"x\" (first at 2:3)"])
        #expect(root?["a"]?["x"]?.value == .int(1))
    }

    @Test func nonScalarKeyIsADiagnostic() {
        let (_, diagnostics) = loadYAML("? [1, 2]\n: v\nok: 1\n")
        #expect(diagnostics.map(\.description) == ["t.yaml:1:3: error: mapping keys must be scalars (got a sequence)"])
    }

    @Test func mergeKeysWithExplicitOverride() {
        let yaml = """
        defaults: &defaults
          timeout: 5
          retries: 3
        extra: &extra
          retries: 9
          verbose: true
        service:
          name: api
          <<: [*defaults, *extra]
          timeout: 10
        """
        let (root, diagnostics) = loadYAML(yaml)
        #expect(diagnostics.isEmpty)
        let service = root?["service"]
        #expect(service?.keys == ["name", "retries", "verbose", "timeout"])
        #expect(service?["timeout"]?.value == .int(10))   // explicit key wins
        #expect(service?["retries"]?.value == .int(3))    // first merged mapping wins
        #expect(service?["verbose"]?.value == .bool(true))
        #expect(service?["retries"]?.mark?.line == 3)     // merged values keep their original marks
    }

    @Test func mergeOfNonMappingIsADiagnostic() {
        let (_, diagnostics) = loadYAML("a: &s scalar\nb:\n  <<: *s\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == "merge key \"<<\" expects a mapping or a sequence of mappings, got string")
    }

    @Test func anchorsAreReused() {
        let yaml = "base: &b {host: localhost, port: 5432}\nprimary: *b\nreplica: *b\n"
        let (root, diagnostics) = loadYAML(yaml)
        #expect(diagnostics.isEmpty)
        #expect(root?["primary"] == root?["base"])
        #expect(root?["replica"]?["port"]?.value == .int(5432))
    }

    @Test func aliasCycleIsADiagnosticNotACrash() {
        let (root, diagnostics) = loadYAML("a: &a\n  - 1\n  - *a\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("recursive alias") == true)
        #expect(root?["a"]?[1]?.value == .null)
    }

    @Test func deepNestingIsADiagnosticNotACrash() {
        let depth = 5_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let (root, diagnostics) = loadYAML(text)
        #expect(root == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == "nesting is deeper than 512 levels")
    }

    @Test func nestingAtTheLimitIsFine() {
        let text = String(repeating: "[", count: 511) + "1" + String(repeating: "]", count: 511)
        let (root, diagnostics) = loadYAML(text)
        #expect(diagnostics.isEmpty)
        #expect(root != nil)
    }

    @Test func billionLaughsIsCapped() {
        var lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in 1...9 {
            let refs = Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ")
            lines.append("l\(i): &l\(i) [\(refs)]")
        }
        let (root, diagnostics) = loadYAML(lines.joined(separator: "\n"))
        #expect(root == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("more than 1000000 nodes") == true)
    }

    @Test func aliasesThatDeepenPastTheLimitAreCaught() {
        var lines = ["a0: &a0 [x]"]
        for i in 1...600 { lines.append("a\(i): &a\(i) [*a\(i - 1)]") }
        let (root, diagnostics) = loadYAML(lines.joined(separator: "\n"))
        #expect(root == nil)
        #expect(diagnostics.first?.message.contains("deeper than 512 levels") == true)
    }

    @Test func multipleDocumentsAreRejected() {
        let (root, diagnostics) = loadYAML("a: 1\n---\nb: 2\n---\nc: 3\n")
        #expect(root?["a"]?.value == .int(1))
        #expect(diagnostics.map(\.description) ==
                ["t.yaml:2:1: error: only one YAML document is allowed per file (found a second document here)"])
    }

    @Test func leadingDocumentMarkerIsOneDocument() {
        let (root, diagnostics) = loadYAML("---\na: 1\n...\n")
        #expect(diagnostics.isEmpty)
        #expect(root?["a"]?.value == .int(1))
    }

    @Test func emptyInputIsNull() {
        for text in ["", "\n\n", "# just a comment\n"] {
            let (root, diagnostics) = loadYAML(text)
            #expect(diagnostics.isEmpty)
            #expect(root?.value == .null)
        }
    }

    @Test func undefinedAliasAndInvalidUTF8AreDiagnostics() {
        let (root, diagnostics) = loadYAML("a: *missing\n")
        #expect(root == nil)
        #expect(diagnostics.map(\.description) == ["t.yaml:1:4: error: found undefined alias"])
        let control = loadYAML("a: \u{01}\n")
        #expect(control.root == nil)
        #expect(control.diagnostics.first?.mark?.line == 1)
    }

    @Test func loadFromFileAndUnreadableFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).yaml").path
        try "name: demo\nport: 80\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (root, diagnostics) = YAMLLoader.load(file: path, environment: [:])
        #expect(diagnostics.isEmpty)
        #expect(root?["port"]?.mark == SourceMark(file: path, line: 2, column: 7))
        #expect(try YAMLLoader.loadRoot(file: path, environment: [:])["name"]?.stringValue == "demo")

        let missing = YAMLLoader.load(file: "/nonexistent/deploy.yaml", environment: [:])
        #expect(missing.root == nil)
        #expect(missing.diagnostics.map(\.description) == ["error: cannot read /nonexistent/deploy.yaml: No such file or directory"])
        #expect(throws: ConfigDiagnostics.self) { try YAMLLoader.loadRoot(file: "/nonexistent/x.yaml", environment: [:]) }
    }

    @Test func diagnosticsDescriptions() {
        let d1 = ConfigDiagnostic(mark: SourceMark(file: "f.yaml", line: 2, column: 3), message: "bad")
        let d2 = ConfigDiagnostic(mark: nil, message: "worse")
        #expect(d1.description == "f.yaml:2:3: error: bad")
        #expect(d2.description == "error: worse")
        #expect(ConfigDiagnostics([d1, d2]).description == "f.yaml:2:3: error: bad\nerror: worse")
    }

    @Test func unicodeColumnsCountCharacters() {
        let (root, _) = loadYAML("näme: wert\n")
        #expect(root?["näme"]?.mark?.column == 7)
    }
}
