import Testing
@testable import Conformance

@Suite struct JSONParserTests {
    @Test func parsesEveryKindAndKeepsKeyOrder() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": [true, false, null, -2.5e1, "x\u00e9\n"], "c": {}}"#)
        let o = try #require(v.objectValue)
        #expect(o.keys == ["b", "a", "c"])
        #expect(v["b"] == .number(1))
        #expect(v["a"] == .array([.bool(true), .bool(false), .null, .number(-25), .string("xé\n")]))
        #expect(v["c"] == .object(JSONObject()))
    }

    @Test func surrogatePairsAndLoneSurrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""\ud83d x""#) == .string("\u{FFFD} x"))
    }

    /// An app's answer is read whatever it holds; a file a person wrote is not silently mended.
    @Test func userFilesRefuseWhatAnswersForgive() throws {
        let lossy: [[UInt8]] = [Array(#""\ud800""#.utf8), Array(#""\udc00\ud800""#.utf8), [0x22, 0x63, 0x61, 0x66, 0xE9, 0x22],
                                [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], Array("1e400".utf8)]
        for bytes in lossy {
            _ = try JSONParser.parse(bytes)
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes, options: .userFile) }
        }
        #expect(try JSONParser.parse(Array(#""\ud83d\ude00 é""#.utf8), options: .userFile) == .string("😀 é"))
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8), options: .userFile) == .array([1]))
        for bytes: [UInt8] in [[0xFF, 0xFE, 0x5B, 0x00, 0x5D, 0x00], [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x5B, 0x5D]] {
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
            Issue.record("expected an error")
        } catch let e as JSONSyntaxError {
            #expect(e.line == 3)
            #expect(e.reason.contains("':'"))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "tru", "\"\u{01}\"", "[1] 2", "{\"a\" 1}", "nul"])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func duplicateKeysAreRejectedOnlyWhenAsked() throws {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"a":1,"a":2}"#, options: .init(rejectDuplicateKeys: true)) }
        #expect(try JSONParser.parse(#"{"a":1,"a":2}"#)["a"] == .number(2))
    }

    @Test func writerRoundTrips() throws {
        let text = #"{"s":"q\"\\\n\u0001","n":[1,2.5,-3],"o":{"t":true,"z":null}}"#
        let v = try JSONParser.parse(text)
        #expect(try JSONParser.parse(JSONWriter.compact(v)) == v)
        #expect(try JSONParser.parse(JSONWriter.pretty(v)) == v)
        #expect(JSONWriter.compact(v) == text)
    }
}

@Suite struct JSONPathTests {
    let doc: JSONValue = ["todos": [["id": 1, "title": "a"], ["id": 2, "title": "b"]], "total": 2, "odd key": "x"]

    @Test func selects() throws {
        #expect(try JSONPath("$.total").first(in: doc) == .number(2))
        #expect(try JSONPath("$.todos[1].title").first(in: doc) == .string("b"))
        #expect(try JSONPath("$.todos[-1].id").first(in: doc) == .number(2))
        #expect(try JSONPath("$.todos[*].id").select(in: doc) == [.number(1), .number(2)])
        #expect(try JSONPath("$['odd key']").first(in: doc) == .string("x"))
        #expect(try JSONPath("$.missing.deeper").first(in: doc) == nil)
        #expect(try JSONPath("$").first(in: doc) == doc)
    }

    @Test(arguments: ["total", "$.", "$[abc]", "$.a[", "$..a"])
    func rejectsWhatItCannotEvaluate(_ p: String) {
        #expect(throws: JSONPath.ParseError.self) { try JSONPath(p) }
    }
}

@Suite struct TemplateTests {
    @Test func rendersAndKeepsTypesOfSoleVariables() throws {
        let t = try JSONTemplate.parse(JSONNode(value: ["id": "${task}", "title": "milk ${run.id}", "n": 3], file: "f"))
        let v = t.render { name in name == "task" ? .number(12) : .string("r1") }
        #expect(v == ["id": 12, "title": "milk r1", "n": 3])
        #expect(Set(t.variables) == ["task", "run.id"])
    }

    @Test func rejectsBrokenReferences() {
        #expect(throws: Template.SyntaxError.self) { try Template("a ${b") }
        #expect(throws: Template.SyntaxError.self) { try Template("a ${b c}") }
        #expect(throws: Template.SyntaxError.self) { try Template("${}") }
    }
}
