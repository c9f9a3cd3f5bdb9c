import Foundation
import Testing
import SecondConfig

@Suite struct ConfigNodeJSONTests {
    @Test func roundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,false,null,1.5,-2,"x"],"c":{"nested":{}},"d":[]}"#
        let node = try ConfigNode.parseJSON(text)
        #expect(node.keys == ["b", "a", "c", "d"])
        #expect(node["b"]?.value == .int(1))
        #expect(node["a"]?[3]?.value == .double(1.5))
        #expect(node["a"]?[4]?.value == .int(-2))
        #expect(node.mark == nil)
        #expect(node.toJSONString() == text)
        #expect(try ConfigNode.parseJSON(node.toJSONString(pretty: true)) == node)
    }

    @Test func sortedAndPretty() throws {
        let node = try ConfigNode.parseJSON(#"{"b":[1,{"z":1,"y":2}],"a":{}}"#)
        #expect(node.toJSONString(sortedKeys: true) == #"{"a":{},"b":[1,{"y":2,"z":1}]}"#)
        #expect(node.toJSONString(pretty: true) == """
        {
          "b": [
            1,
            {
              "z": 1,
              "y": 2
            }
          ],
          "a": {}
        }
        """)
    }

    @Test func numbers() throws {
        #expect(try ConfigNode.parseJSON("10").value == .int(10))
        #expect(try ConfigNode.parseJSON("10.0").value == .double(10))
        #expect(try ConfigNode.parseJSON("1e2").value == .double(100))
        #expect(try ConfigNode.parseJSON("-0").value == .int(0))
        #expect(try ConfigNode.parseJSON("123456789012345678901234").value == .double(1.2345678901234568e23))
        #expect(ConfigNode(.double(.infinity)).toJSONString() == "null")
        #expect(ConfigNode(.double(0.1)).toJSONString() == "0.1")
        #expect(ConfigNode(.int(Int64.min)).toJSONString() == "-9223372036854775808")
    }

    @Test func escaping() throws {
        let s = "quote\" backslash\\ nl\n tab\t cr\r bell\u{07} nul\u{00} é 日本 🎉 /"
        let json = ConfigNode(.string(s)).toJSONString()
        #expect(json == #""quote\" backslash\\ nl\n tab\t cr\r bell\u0007 nul\u0000 é 日本 🎉 /""#)
        #expect(try ConfigNode.parseJSON(json).stringValue == s)
        // Cross-check with Foundation's parser.
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) as? String
        #expect(decoded == s)
    }

    @Test func unicodeEscapesAndSurrogates() throws {
        #expect(try ConfigNode.parseJSON(#""\u00e9\ud83c\udf89\/""#).stringValue == "é🎉/")
        #expect(throws: ConfigDiagnostic.self) { try ConfigNode.parseJSON(#""\ud83c""#) }
        #expect(throws: ConfigDiagnostic.self) { try ConfigNode.parseJSON(#""\udf89x""#) }
    }

    @Test(arguments: [
        ("{\"a\": }", 6), ("[1, 2", 5), ("01", 0), ("{\"a\":1,}", 7), ("tru", 0), ("\"abc", 0),
        ("[1] x", 4), ("{'a':1}", 1), ("\"a\tb\"", 2), ("{\"a\":1,\"a\":2}", 7), ("1.", 2), ("", 0), ("-", 1),
    ])
    func strictErrorsNameTheByteOffset(_ text: String, _ offset: Int) {
        do {
            _ = try ConfigNode.parseJSON(text)
            Issue.record("expected \(text) to be rejected")
        } catch let error as ConfigDiagnostic {
            #expect(error.message.hasPrefix("invalid JSON at byte offset \(offset):"), "\(text): \(error.message)")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func deepJSONIsRejectedNotCrashed() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: ConfigDiagnostic.self) { try ConfigNode.parseJSON(text) }
    }

    @Test func yamlToJSON() {
        let (root, _) = loadYAML("name: \"a\\\"b\"\nports: [80, 443]\nratio: 0.5\nnone: ~\n")
        #expect(root?.toJSONString() == #"{"name":"a\"b","ports":[80,443],"ratio":0.5,"none":null}"#)
    }

    @Test func accessors() {
        let node = ConfigNode.object(["s": "x", "i": 3, "d": 2.0, "b": true, "a": [1, 2], "n": nil])
        #expect(node["s"]?.stringValue == "x")
        #expect(node["i"]?.intValue == 3)
        #expect(node["d"]?.intValue == 2)
        #expect(node["i"]?.doubleValue == 3.0)
        #expect(node["b"]?.boolValue == true)
        #expect(node["a"]?.arrayValue?.count == 2)
        #expect(node["n"]?.isNull == true)
        #expect(node["missing"] == nil)
        #expect(node.objectEntries?.map(\.key) == ["s", "i", "d", "b", "a", "n"])
        #expect(node.typeName == "object")
        #expect(["null", "boolean", "integer", "number", "string", "array"] ==
                [node["n"], node["b"], node["i"], node["d"], node["s"], node["a"]].map { $0?.typeName ?? "" })
    }
}
