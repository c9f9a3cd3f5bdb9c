import Testing
import SecondConfig

@Suite struct JSONSchemaDiagnosticsTests {
    static let pluginSchema = """
    {
      "type": "object",
      "additionalProperties": false,
      "required": ["tokens_file"],
      "properties": {
        "description": {"type": "string"},
        "tokens_file": {"type": "string"},
        "tokens": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["user"],
            "properties": {
              "user": {"type": "string"},
              "token": {"type": "string", "x-secret": true, "minLength": 8, "pattern": "^tok_"}
            }
          }
        },
        "client_secret": {"type": "string", "x-secret": true, "enum": ["a", "b"]},
        "mode": {"enum": ["none", "external"]}
      }
    }
    """

    @Test func unknownKeyWithDidYouMeanAtKeyMark() throws {
        let schema = try JSONSchema(json: Self.pluginSchema)
        let (root, _) = loadYAML("description: demo\ntokns_file: /x\n")
        let errors = schema.validate(try #require(root)).errors
        #expect(errors.count == 2)
        let unknown = try #require(errors.first)
        #expect(unknown.pointer == "/tokns_file")
        #expect(unknown.message == #"unknown key "tokns_file" (valid: client_secret, description, mode, tokens, tokens_file) — did you mean "tokens_file"?"#)
        #expect(unknown.mark == SourceMark(file: "t.yaml", line: 2, column: 1))
        #expect(unknown.description == #"t.yaml:2:1: error: at /tokns_file: unknown key "tokns_file" (valid: client_secret, description, mode, tokens, tokens_file) — did you mean "tokens_file"?"#)
    }

    @Test func unknownKeyWithoutCloseMatchOrByPrefix() throws {
        let schema = try JSONSchema(json: Self.pluginSchema)
        let far = schema.validate(try ConfigNode.parseJSON(#"{"tokens_file":"x","zzz":1}"#)).errors
        #expect(far.map(\.message) == [#"unknown key "zzz" (valid: client_secret, description, mode, tokens, tokens_file)"#])
        let prefix = schema.validate(try ConfigNode.parseJSON(#"{"tokens_file":"x","desc":1}"#)).errors
        #expect(prefix.first?.message.hasSuffix(#"— did you mean "description"?"#) == true)
        #expect(try violations(#"{"additionalProperties":false}"#, #"{"a":1}"#) == [#"unknown key "a" (no keys are allowed here)"#])
    }

    @Test func missingRequiredAtParentMark() throws {
        let schema = try JSONSchema(json: Self.pluginSchema)
        let (root, _) = loadYAML("plugin:\n  config:\n    description: x\n")
        let config = try #require(root?["plugin"]?["config"])
        let errors = schema.validate(config).errors
        #expect(errors == [SchemaViolation(pointer: "", message: #"missing required key "tokens_file""#,
                                           mark: SourceMark(file: "t.yaml", line: 3, column: 5))])
    }

    @Test func nestedArrayPointers() throws {
        let schema = try JSONSchema(json: Self.pluginSchema)
        let yaml = """
        tokens_file: /t
        tokens:
          - user: a
            token: tok_aaaaaaaa
          - user: b
            token: 42
          - token: tok_cccccccc
        mode: x
        """
        let (root, _) = loadYAML(yaml)
        let errors = schema.validate(try #require(root)).errors
        #expect(errors.map(\.pointer) == ["/tokens/1/token", "/tokens/2", "/mode"])
        #expect(errors.map(\.message) == ["expected string, got integer", #"missing required key "user""#,
                                          #"must be one of "none", "external" (got "x")"#])
        #expect(errors.map { $0.mark?.description ?? "" } == ["t.yaml:6:12", "t.yaml:7:5", "t.yaml:8:7"])
    }

    @Test func pointersEscapeTildeAndSlash() throws {
        let errors = try JSONSchema(json: #"{"additionalProperties":{"type":"integer"}}"#)
            .validate(try ConfigNode.parseJSON(#"{"a/b~c":"x"}"#)).errors
        #expect(errors.map(\.pointer) == ["/a~1b~0c"])
    }

    @Test func secretValuesAreNeverEchoed() throws {
        let schema = try JSONSchema(json: Self.pluginSchema)
        let yaml = """
        tokens_file: /t
        client_secret: hunter2-very-secret
        tokens:
          - user: a
            token: sup3rs3cr3t
        """
        let (root, _) = loadYAML(yaml)
        let errors = schema.validate(try #require(root)).errors
        #expect(errors.map(\.message) == [
            #"must be one of "a", "b" (value redacted)"#,
            #"must match pattern "^tok_" (value redacted)"#,
        ])
        let everything = errors.map(\.description).joined()
        #expect(!everything.contains("hunter2"))
        #expect(!everything.contains("sup3rs3cr3t"))
        let short = schema.validate(try ConfigNode.parseJSON(#"{"tokens_file":"/t","tokens":[{"user":"a","token":"tok_1"}]}"#)).errors
        #expect(short.map(\.message) == ["must be at least 8 character(s) long (value redacted)"])
    }

    @Test func secretInOneAlternativeIsNotEchoedByAnother() throws {
        let schema = try JSONSchema(json: #"{"anyOf":[{"type":"string","x-secret":true,"minLength":50},{"type":"string","enum":["x"]}]}"#)
        let errors = schema.validate(ConfigNode(.string("p4ssw0rd"))).errors
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("p4ssw0rd") == false)
    }

    @Test func secretObjectsCoverTheirChildren() throws {
        let schema = try JSONSchema(json: #"{"properties":{"creds":{"x-secret":true,"properties":{"pin":{"maximum":9}}}}}"#)
        let errors = schema.validate(try ConfigNode.parseJSON(#"{"creds":{"pin":1234}}"#)).errors
        #expect(errors.map(\.message) == ["must be <= 9 (value redacted)"])
    }

    @Test func redactedOutput() throws {
        let schema = try JSONSchema(json: Self.pluginSchema)
        let value = try ConfigNode.parseJSON("""
        {"tokens_file":"/t","client_secret":"abc","tokens":[{"user":"a","token":"t1"},{"user":"b","token":"t2"}],"mode":"none"}
        """)
        let redacted = schema.redacted(value)
        #expect(redacted.toJSONString() == """
        {"tokens_file":"/t","client_secret":"<redacted>","tokens":[{"user":"a","token":"<redacted>"},{"user":"b","token":"<redacted>"}],"mode":"none"}
        """)
        #expect(schema.redacted(value, replacement: "***")["client_secret"]?.stringValue == "***")
        #expect(schema.secretValuePointers(in: value) == ["/client_secret", "/tokens/0/token", "/tokens/1/token"])
        #expect(schema.secretPointers == ["/tokens/*/token", "/client_secret"])
    }

    @Test func redactedKeepsMarksAndHandlesAdditionalProperties() throws {
        let schema = try JSONSchema(json: #"{"additionalProperties":{"x-secret":true}}"#)
        let (root, _) = loadYAML("a: 1\nb:\n  deep: x\n")
        let redacted = schema.redacted(try #require(root))
        #expect(redacted.toJSONString() == #"{"a":"<redacted>","b":"<redacted>"}"#)
        #expect(redacted["b"]?.mark?.line == 3)
        #expect(schema.secretPointers == ["/*"])
    }

    @Test func unsupportedKeywordIsRejectedWithPointer() {
        do {
            _ = try JSONSchema(json: ##"{"type":"object","properties":{"auth":{"$ref":"#/$defs/auth"}}}"##)
            Issue.record("schema with $ref must be rejected")
        } catch let error as SchemaError {
            #expect(error.pointer == "/properties/auth/$ref")
            #expect(error.message.hasPrefix(#"unsupported keyword "$ref""#))
            #expect(error.description.hasPrefix("error: invalid JSON Schema at #/properties/auth/$ref:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [
        (#"{"maxLenght":3}"#, "/maxLenght", #"unknown keyword "maxLenght" — did you mean "maxLength"?"#),
        (#"{"type":"strng"}"#, "/type", #"unknown type "strng" (valid: null, boolean, integer, number, string, array, object) — did you mean "string"?"#),
        (#"{"properties":{"a":{"minimum":"1"}}}"#, "/properties/a/minimum", #""minimum" must be a number"#),
        (#"{"pattern":"("}"#, "/pattern", #""pattern" is not a valid regular expression: ("#),
        (#"{"items":[{"type":"string"}]}"#, "/items", #""items" as an array (tuple validation) is not supported; use a single schema"#),
        (#"{"required":"a"}"#, "/required", #""required" must be an array of strings"#),
        (#"{"anyOf":[]}"#, "/anyOf", #""anyOf" must be a non-empty array of schemas"#),
        (#"{"oneOf":[{"type":"string"},{"patternProperties":{}}]}"#, "/oneOf/1/patternProperties", #"unsupported keyword "patternProperties" (this validator implements a subset of JSON Schema)"#),
        (#"{"properties":{"p":{"type":"integer","default":"x"}}}"#, "/properties/p/default", "default does not satisfy its own schema: expected integer, got string"),
        (#"{"x-secret":"yes"}"#, "/x-secret", #""x-secret" must be true or false"#),
        ("[1]", "", "a schema must be an object or a boolean, got array"),
        ("{", "", "schema is not valid JSON: invalid JSON at byte offset 1: expected a string key, got end of input"),
    ])
    func invalidSchemas(_ json: String, _ pointer: String, _ message: String) {
        do {
            _ = try JSONSchema(json: json)
            Issue.record("\(json) should be rejected")
        } catch let error as SchemaError {
            #expect(error.pointer == pointer)
            #expect(error.message == message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func schemaFromYAMLCarriesMarks() throws {
        let (root, _) = loadYAML("type: object\nproperties:\n  a:\n    $ref: '#/x'\n")
        do {
            _ = try JSONSchema(node: try #require(root))
            Issue.record("should be rejected")
        } catch let error as SchemaError {
            #expect(error.mark == SourceMark(file: "t.yaml", line: 4, column: 5))
        }
    }

    @Test func endToEndYAMLToValidatedConfig() throws {
        let yaml = """
        plugins:
          auth:
            config:
              tokens_file: ${TOKENS:-/etc/tokens}
              mode: external
        """
        let (root, diagnostics) = loadYAML(yaml)
        #expect(diagnostics.isEmpty)
        let schema = try JSONSchema(json: Self.pluginSchema)
        let config = try #require(root?["plugins"]?["auth"]?["config"])
        let (normalized, errors) = schema.validate(config)
        #expect(errors.isEmpty)
        #expect(normalized["tokens_file"]?.stringValue == "/etc/tokens")
    }
}
