import Testing
import SecondConfig

/// Shared helper: load a snippet as "t.yaml".
func loadYAML(_ text: String, env: [String: String] = [:]) -> (root: ConfigNode?, diagnostics: [ConfigDiagnostic]) {
    YAMLLoader.load(string: text, fileName: "t.yaml", environment: env)
}

/// Loads `v: <scalar>` and returns the value of v.
func scalarValue(_ scalar: String, env: [String: String] = [:]) -> ConfigNode.Value? {
    loadYAML("v: \(scalar)\n", env: env).root?["v"]?.value
}

@Suite struct ScalarTypingTests {
    static let table: [(String, ConfigNode.Value)] = [
        ("null", .null), ("Null", .null), ("NULL", .null), ("~", .null), ("", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
        ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("off", .string("off")),
        ("y", .string("y")), ("tRue", .string("tRue")),
        ("0", .int(0)), ("42", .int(42)), ("-17", .int(-17)), ("+12", .int(12)), ("0777", .int(777)),
        ("0x1F", .int(31)), ("0xff", .int(255)), ("0o17", .int(15)),
        ("9223372036854775807", .int(Int64.max)),
        ("1.5", .double(1.5)), ("-0.25", .double(-0.25)), (".5", .double(0.5)), ("1.", .double(1.0)),
        ("1e3", .double(1000)), ("2.5E-2", .double(0.025)), ("-1e+2", .double(-100)),
        (".inf", .double(.infinity)), ("-.inf", .double(-.infinity)), ("+.Inf", .double(.infinity)),
        ("0x", .string("0x")), ("0xZZ", .string("0xZZ")), ("1_000", .string("1_000")), ("1.2.3", .string("1.2.3")),
        ("e3", .string("e3")), ("12abc", .string("12abc")), ("hello world", .string("hello world")),
        ("'42'", .string("42")), ("\"true\"", .string("true")), ("'null'", .string("null")), ("''", .string("")),
        ("\"0x10\"", .string("0x10")), ("\"1e3\"", .string("1e3")),
        ("!!str 12", .string("12")), ("!!str true", .string("true")), ("! 5", .string("5")),
        ("!!int '7'", .int(7)), ("!!float 3", .double(3)), ("!!bool \"true\"", .bool(true)), ("!!null ''", .null),
    ]

    @Test(arguments: table)
    func plainAndQuotedScalarsAreTyped(_ input: String, _ expected: ConfigNode.Value) {
        let (root, diagnostics) = loadYAML("v: \(input)\n")
        #expect(diagnostics.isEmpty, "\(input): \(diagnostics)")
        #expect(root?["v"]?.value == expected, "typing of \(input)")
    }

    @Test func nanIsADouble() {
        guard case .double(let d) = scalarValue(".nan") else {
            Issue.record("expected a double")
            return
        }
        #expect(d.isNaN)
    }

    @Test func blockScalarsAreStrings() {
        let (root, diagnostics) = loadYAML("a: |\n  42\nb: >\n  true\n  false\n")
        #expect(diagnostics.isEmpty)
        #expect(root?["a"]?.value == .string("42\n"))
        #expect(root?["b"]?.value == .string("true false\n"))
    }

    @Test func badExplicitTagIsADiagnostic() {
        let (root, diagnostics) = loadYAML("port: !!int abc\n")
        #expect(root?["port"]?.value == .string("abc"))
        #expect(diagnostics.map(\.description) == ["t.yaml:1:7: error: \"abc\" is not a valid !!int"])
    }

    @Test func decimalOverflowBecomesDouble() {
        #expect(scalarValue("99999999999999999999") == .double(1e20))
        #expect(scalarValue("0xFFFFFFFFFFFFFFFFFF") == .string("0xFFFFFFFFFFFFFFFFFF"))
    }

    @Test func flowCollectionsAreTypedToo() {
        let (root, _) = loadYAML("v: [1, '1', yes, ~, 2.0]\n")
        #expect(root?["v"]?.arrayValue?.map(\.value) == [.int(1), .string("1"), .string("yes"), .null, .double(2)])
    }
}
