import Testing
import SecondConfig

/// Validates `value` (JSON text) against `schema` (JSON text) and returns the messages.
func violations(_ schema: String, _ value: String) throws -> [String] {
    try JSONSchema(json: schema).validate(ConfigNode.parseJSON(value)).errors.map(\.message)
}

@Suite struct JSONSchemaKeywordTests {
    @Test func type() throws {
        #expect(try violations(#"{"type":"string"}"#, "5") == ["expected string, got integer"])
        #expect(try violations(#"{"type":["string","null"]}"#, "true") == ["expected string or null, got boolean"])
        #expect(try violations(#"{"type":["string","null"]}"#, "null").isEmpty)
        #expect(try violations(#"{"type":"integer"}"#, "3.0").isEmpty)
        #expect(try violations(#"{"type":"integer"}"#, "3.5") == ["expected integer, got number"])
        #expect(try violations(#"{"type":"number"}"#, "3").isEmpty)
        #expect(try violations(#"{"type":"object"}"#, "[]") == ["expected object, got array"])
        #expect(try violations(#"{"type":"boolean"}"#, #""true""#) == ["expected boolean, got string"])
        let normalized = try JSONSchema(json: #"{"type":"integer"}"#).validate(ConfigNode(.double(3))).normalized
        #expect(normalized.value == .int(3))
    }

    @Test func enumAndConst() throws {
        #expect(try violations(#"{"enum":["none","external"]}"#, #""x""#) == [#"must be one of "none", "external" (got "x")"#])
        #expect(try violations(#"{"enum":[1,2]}"#, "2.0").isEmpty)
        #expect(try violations(#"{"enum":[{"a":1}]}"#, #"{"a":1}"#).isEmpty)
        #expect(try violations(#"{"const":"v1"}"#, #""v2""#) == [#"must be "v1" (got "v2")"#])
    }

    @Test func numericBounds() throws {
        let schema = #"{"minimum":1,"maximum":10}"#
        #expect(try violations(schema, "0") == ["must be >= 1 (got 0)"])
        #expect(try violations(schema, "10.5") == ["must be <= 10 (got 10.5)"])
        #expect(try violations(schema, "1").isEmpty)
        #expect(try violations(#"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, "0") == ["must be > 0 (got 0)"])
        #expect(try violations(#"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, "1") == ["must be < 1 (got 1)"])
        #expect(try violations(#"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, "0.5").isEmpty)
        // Draft-4 boolean form.
        #expect(try violations(#"{"minimum":5,"exclusiveMinimum":true}"#, "5") == ["must be > 5 (got 5)"])
        #expect(try violations(#"{"minimum":0}"#, #""text""#).isEmpty)   // bounds only apply to numbers
    }

    @Test func stringLengthCountsUnicodeScalars() throws {
        #expect(try violations(#"{"minLength":3}"#, #""ab""#) == ["must be at least 3 character(s) long (got 2)"])
        #expect(try violations(#"{"maxLength":2}"#, #""abc""#) == ["must be at most 2 character(s) long (got 3)"])
        #expect(try violations(#"{"maxLength":2}"#, #""日本""#).isEmpty)
    }

    @Test func patternIsUnanchored() throws {
        #expect(try violations(#"{"pattern":"^[a-z]+$"}"#, #""abc1""#) == [#"must match pattern "^[a-z]+$" (got "abc1")"#])
        #expect(try violations(#"{"pattern":"[0-9]"}"#, #""abc1def""#).isEmpty)
        #expect(try violations(#"{"pattern":"\\d{3}"}"#, #""12""#) == [#"must match pattern "\d{3}" (got "12")"#])
    }

    @Test func formatURI() throws {
        let schema = #"{"type":"string","format":"uri"}"#
        for good in ["https://example.com/x?y=1", "mailto:ops@example.com", "urn:isbn:0451450523", "file:///etc/hosts"] {
            #expect(try violations(schema, "\"\(good)\"").isEmpty, "\(good)")
        }
        for bad in ["example.com", "/relative/path", "http://exa mple.com", "1http://x", "http:", ""] {
            #expect(try violations(schema, "\"\(bad)\"") == ["must be an absolute URI (got \"\(bad)\")"], "\(bad)")
        }
        #expect(try violations(#"{"format":"email"}"#, #""not an email""#).isEmpty)   // other formats ignored
    }

    @Test func arrays() throws {
        #expect(try violations(#"{"minItems":1}"#, "[]") == ["must have at least 1 item(s) (got 0)"])
        #expect(try violations(#"{"maxItems":1}"#, "[1,2]") == ["must have at most 1 item(s) (got 2)"])
        #expect(try violations(#"{"items":{"type":"integer"}}"#, #"[1,"x",3]"#) == ["expected integer, got string"])
        let schema = try JSONSchema(json: #"{"uniqueItems":true}"#)
        let errors = schema.validate(try ConfigNode.parseJSON(#"[1,{"a":1,"b":2},1.0,{"b":2,"a":1},2]"#)).errors
        #expect(errors.map(\.pointer) == ["/2", "/3"])
        #expect(errors.map(\.message) == ["duplicate of item 0 (items must be unique)", "duplicate of item 1 (items must be unique)"])
    }

    @Test func objectSizes() throws {
        #expect(try violations(#"{"minProperties":2}"#, #"{"a":1}"#) == ["must have at least 2 key(s) (got 1)"])
        #expect(try violations(#"{"maxProperties":1}"#, #"{"a":1,"b":2}"#) == ["must have at most 1 key(s) (got 2)"])
    }

    @Test func additionalPropertiesSchema() throws {
        let schema = #"{"properties":{"name":{"type":"string"}},"additionalProperties":{"type":"integer"}}"#
        #expect(try violations(schema, #"{"name":"x","a":1,"b":"no"}"#) == ["expected integer, got string"])
        #expect(try violations(#"{"additionalProperties":true}"#, #"{"anything":1}"#).isEmpty)
    }

    @Test func combinators() throws {
        let anyOf = #"{"anyOf":[{"type":"string"},{"type":"integer","minimum":0}]}"#
        #expect(try violations(anyOf, #""x""#).isEmpty)
        #expect(try violations(anyOf, "-1") == ["must match at least one anyOf alternative: #1: expected string, got integer | #2: must be >= 0 (got -1)"])

        let oneOf = #"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#
        #expect(try violations(oneOf, "1.5").isEmpty)
        #expect(try violations(oneOf, "1") == ["must match exactly one oneOf alternative, but matches alternatives #1, #2"])
        #expect(try violations(oneOf, #""s""#).first?.hasPrefix("must match exactly one oneOf alternative, but matches none: #1: expected integer, got string") == true)

        let allOf = #"{"allOf":[{"minimum":0},{"maximum":10}]}"#
        #expect(try violations(allOf, "11") == ["must be <= 10 (got 11)"])
        #expect(try violations(#"{"not":{"type":"null"}}"#, "null") == [#"must not match the "not" schema"#])
        #expect(try violations(#"{"not":{"type":"null"}}"#, "1").isEmpty)
    }

    @Test func oneOfPicksTheMatchingBranchDefaults() throws {
        let schema = try JSONSchema(json: """
        {"oneOf":[
          {"type":"object","properties":{"kind":{"const":"file"},"path":{"type":"string","default":"/etc/x"}},"required":["kind"]},
          {"type":"object","properties":{"kind":{"const":"url"},"url":{"type":"string","default":"http://x"}},"required":["kind"]}
        ]}
        """)
        let (normalized, errors) = schema.validate(try ConfigNode.parseJSON(#"{"kind":"url"}"#))
        #expect(errors.isEmpty)
        #expect(normalized.toJSONString() == #"{"kind":"url","url":"http://x"}"#)
    }

    @Test func defaultsAreFilledWithNilMarks() throws {
        let schema = try JSONSchema(json: """
        {"type":"object","properties":{
          "port":{"type":"integer","default":8080},
          "tls":{"type":"object","default":{},"properties":{"enabled":{"type":"boolean","default":false}}},
          "name":{"type":"string"}
        }}
        """)
        let (root, _) = loadYAML("name: api\n")
        let (normalized, errors) = schema.validate(try #require(root))
        #expect(errors.isEmpty)
        #expect(normalized.toJSONString() == #"{"name":"api","port":8080,"tls":{"enabled":false}}"#)
        #expect(normalized["name"]?.mark?.line == 1)
        #expect(normalized["port"]?.mark == nil)
        #expect(normalized.objectEntries?.last?.keyMark == nil)
        // Present values are not overwritten.
        let (given, _) = loadYAML("port: 9\n")
        #expect(schema.validate(try #require(given)).normalized["port"]?.value == .int(9))
    }

    @Test func requiredSatisfiedByDefault() throws {
        #expect(try violations(#"{"required":["a"],"properties":{"a":{"default":1}}}"#, "{}").isEmpty)
    }

    @Test func booleanSchemas() throws {
        #expect(try violations("true", #"{"x":1}"#).isEmpty)
        #expect(try violations("false", "1") == ["no value is allowed here"])
        #expect(try violations(#"{"properties":{"gone":false}}"#, #"{"gone":1}"#) == ["no value is allowed here"])
    }

    @Test func annotationsAndVendorExtensionsAreIgnored() throws {
        let schema = #"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"t","description":"d","$comment":"c","examples":[1],"x-ui":{"w":1},"type":"integer"}"#
        #expect(try violations(schema, "1").isEmpty)
    }
}
