import Foundation
import Testing
@testable import Conformance

// Parameter types shaped like those built-in checks will declare.

/// Defaults through `decodeIfPresent`: an absent key or a JSON null keeps the default.
private struct P: Decodable, StrictKeys {
    var resource = "tasks"
    var objectsPerUser = 1
    var denyWith: [Int]?
    static let knownKeys = ["resource", "objectsPerUser", "denyWith"]
    enum CodingKeys: String, CodingKey { case resource, objectsPerUser, denyWith }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        resource = try c.decodeIfPresent(String.self, forKey: .resource) ?? resource
        objectsPerUser = try c.decodeIfPresent(Int.self, forKey: .objectsPerUser) ?? objectsPerUser
        denyWith = try c.decodeIfPresent([Int].self, forKey: .denyWith)
    }
}

private struct Scalars: Decodable {
    var b: Bool, s: String, d: Double, f: Float
    var i: Int, i8: Int8, i16: Int16, i32: Int32, i64: Int64
    var u: UInt, u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64
}

private enum Access: String, JSONDecodableEnum { case read, write }
private enum Plain: String, Decodable { case on, off }

private struct User: Decodable, StrictKeys { var id: Int; var access: [Access]; static let knownKeys = ["id", "access"] }
private struct Step: Decodable { var name: String; var users: [User]; var limits: [String: Int]? }
private struct Plan: Decodable { var steps: [Step] }

private struct Loose: Decodable { var count: Int?; var label: String?; var raw: JSONValue; var maybe: JSONValue?; var list: [Int?]? }
private struct Required: Decodable { var name: String }
private struct Small: Decodable { var tiny: Int8?; var byte: UInt8?; var ratio: Float?; var flag: Bool?; var text: String?; var mode: Plain? }

@Suite struct JSONValueDecoderTests {
    private let decoder = JSONValueDecoder()
    private let with = JSONPointer(["with"])

    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    /// The problem decoding `text` as `T` raises, or nil when it decodes.
    private func problem<T: Decodable>(_ type: T.Type, _ text: String, at base: JSONPointer = JSONPointer(["with"])) throws -> JSONDecodingProblem? {
        let value = try parse(text)
        do {
            _ = try decoder.decode(T.self, from: value, at: base)
            return nil
        } catch {
            return error
        }
    }

    @Test func parametersTakeDefaultsWhenAbsentOrNull() throws {
        let empty = try decoder.decode(P.self, from: [:])
        #expect(empty.resource == "tasks")
        #expect(empty.objectsPerUser == 1)
        #expect(empty.denyWith == nil)

        let nulls = try decoder.decode(P.self, from: try parse(#"{"resource": null, "objectsPerUser": null, "denyWith": null}"#))
        #expect(nulls.resource == "tasks" && nulls.objectsPerUser == 1 && nulls.denyWith == nil)

        let full = try decoder.decode(P.self, from: try parse(#"{"resource": "notes", "objectsPerUser": 3, "denyWith": [401, 403]}"#))
        #expect(full.resource == "notes")
        #expect(full.objectsPerUser == 3)
        #expect(full.denyWith == [401, 403])
    }

    @Test func everyScalarTypeAtItsLimits() throws {
        let s = try decoder.decode(Scalars.self, from: try parse("""
            {"b": true, "s": "x\\u00e9", "d": -2.5e-3, "f": 1.5, "i": -9007199254740991, "i8": -128, "i16": 32767,
             "i32": -2147483648, "i64": 9007199254740992, "u": 0, "u8": 255, "u16": 65535, "u32": 4294967295, "u64": 1e15}
            """))
        #expect(s.b == true && s.s == "xé" && s.d == -0.0025 && s.f == 1.5)
        #expect(s.i == -9_007_199_254_740_991 && s.i8 == -128 && s.i16 == 32767 && s.i32 == Int32.min && s.i64 == 9_007_199_254_740_992)
        #expect(s.u == 0 && s.u8 == 255 && s.u16 == 65535 && s.u32 == UInt32.max && s.u64 == 1_000_000_000_000_000)
        // Top-level values of every container kind, not only objects.
        #expect(try decoder.decode(Int.self, from: 42) == 42)
        #expect(try decoder.decode(String.self, from: "a") == "a")
        #expect(try decoder.decode([String].self, from: ["a", "b"]) == ["a", "b"])
        #expect(try decoder.decode([String: Int].self, from: ["a": 1, "b": 2]) == ["a": 1, "b": 2])
        #expect(try decoder.decode([[Double]].self, from: [[1, 2.5], []]) == [[1, 2.5], []])
        #expect(try decoder.decode(Access.self, from: "write") == .write)
        #expect(try decoder.decode(Plain.self, from: "off") == .off)
    }

    @Test func nestedArraysOfObjects() throws {
        let plan = try decoder.decode(Plan.self, from: try parse("""
            {"steps": [{"name": "seed", "users": [{"id": 1, "access": ["read"]}, {"id": 2, "access": ["read", "write"]}]},
                       {"name": "probe", "users": [], "limits": {"reads": 10}}]}
            """))
        #expect(plan.steps.map(\.name) == ["seed", "probe"])
        #expect(plan.steps[0].users.map(\.id) == [1, 2])
        #expect(plan.steps[0].users[1].access == [.read, .write])
        #expect(plan.steps[1].limits == ["reads": 10])

        let deep = try #require(try problem(Plan.self, #"{"steps": [{"name": "a", "users": []}, {"name": "b", "users": [{"id": "7", "access": []}]}]}"#,
                                            at: JSONPointer()))
        #expect(deep.pointer.description == "/steps/1/users/0/id")
        #expect(deep.message == #"expected an integer, found "7""#)
    }

    /// (document under `with`, pointer, message) for the parameters struct `P`.
    static let parameterErrors: [(String, String, String)] = [
        (#"{"objectsPerUser": "ten"}"#, "/with/objectsPerUser", #"expected an integer, found "ten""#),
        (#"{"objectsPerUser": 3.5}"#, "/with/objectsPerUser", "expected an integer, found the number 3.5"),
        (#"{"objectsPerUser": true}"#, "/with/objectsPerUser", "expected an integer, found true"),
        (#"{"denyWith": [401, 403, "x"]}"#, "/with/denyWith/2", #"expected an integer, found "x""#),
        (#"{"denyWith": [401, null]}"#, "/with/denyWith/1", "expected an integer, found null"),
        (#"{"denyWith": 5}"#, "/with/denyWith", "expected an array of integers, found the number 5"),
        (#"{"resource": ["a"]}"#, "/with/resource", "expected a string, found an array"),
        (#"{"resource": {}}"#, "/with/resource", "expected a string, found an object"),
        (#""tasks""#, "/with", #"expected an object, found "tasks""#),
    ]

    @Test(arguments: parameterErrors)
    func eachBadParameterNamesItsPointer(_ text: String, _ pointer: String, _ message: String) throws {
        let p = try #require(try problem(P.self, text))
        #expect(p.pointer.description == pointer)
        #expect(p.message == message)
        #expect(p.description == "\(pointer): \(message)")
    }

    @Test func kindsOfMismatchAreWordedForTheirType() throws {
        let cases: [(String, String, String)] = [
            (#"{"flag": "yes"}"#, "/with/flag", #"expected a boolean, found "yes""#),
            (#"{"text": 12}"#, "/with/text", "expected a string, found the number 12"),
            (#"{"ratio": "1"}"#, "/with/ratio", #"expected a number, found "1""#),
            (#"{"ratio": 1e39}"#, "/with/ratio", "expected a number between -3.4e38 and 3.4e38, found the number 1e+39"),
        ]
        for (text, pointer, message) in cases {
            let p = try #require(try problem(Small.self, text), "\(text) decoded")
            #expect(p.pointer.description == pointer)
            #expect(p.message == message)
        }
        let strings = try #require(try problem([String].self, "7", at: JSONPointer()))
        #expect(strings.message == "expected an array of strings, found the number 7")
        #expect(strings.pointer.description == "/")
        let dict = try #require(try problem(Step.self, #"{"name": "a", "users": [], "limits": [1]}"#))
        #expect(dict.pointer.description == "/with/limits")
        #expect(dict.message == "expected an object whose values are integers, found an array")
        let dictValue = try #require(try problem(Step.self, #"{"name": "a", "users": [], "limits": {"reads": "many"}}"#))
        #expect(dictValue.pointer.description == "/with/limits/reads")
    }

    @Test func integersMustFitTheirWidth() throws {
        let over = try #require(try problem(Small.self, #"{"tiny": 300}"#))
        #expect(over.pointer.description == "/with/tiny")
        #expect(over.message == "expected an integer from -128 to 127, found the number 300")
        let under = try #require(try problem(Small.self, #"{"tiny": -129}"#))
        #expect(under.message == "expected an integer from -128 to 127, found the number -129")
        let negative = try #require(try problem(Small.self, #"{"byte": -1}"#))
        #expect(negative.message == "expected an integer from 0 to 255, found the number -1")
        #expect(try decoder.decode(Small.self, from: ["tiny": 127, "byte": 0]).tiny == 127)
        // 2^63 is a whole number but one past Int64.max.
        #expect(try problem(Int64.self, "9223372036854775808", at: JSONPointer())?.message.hasPrefix("expected an integer from") == true)
    }

    @Test func fractionalNumberIsNotAnInteger() throws {
        let p = try #require(try problem(Int.self, "3.5", at: JSONPointer(["n"])))
        #expect(p.pointer.description == "/n")
        #expect(p.message == "expected an integer, found the number 3.5")
        // A whole number written with a fraction or exponent is still an integer.
        #expect(try decoder.decode(Int.self, from: try parse("3.0")) == 3)
        #expect(try decoder.decode(Int.self, from: try parse("2e3")) == 2000)
    }

    @Test func missingRequiredValueSaysWhatWasExpected() throws {
        let p = try #require(try problem(Required.self, "{}"))
        #expect(p.pointer.description == "/with/name")
        #expect(p.message == "missing; expected a string")
        let step = try #require(try problem(Step.self, #"{"name": "a"}"#))
        #expect(step.pointer.description == "/with/users")
        #expect(step.message == "missing; expected an array of objects")
    }

    @Test func unknownKeyIsRejectedWithSuggestion() throws {
        let typo = try #require(try problem(P.self, #"{"resorce": "notes"}"#))
        #expect(typo.pointer.description == "/with/resorce")
        #expect(typo.message == #""resorce" is not a parameter here (did you mean "resource"?)"#)
        let capital = try #require(try problem(P.self, #"{"ObjectsPerUser": 2}"#))
        #expect(capital.message.hasSuffix(#"(did you mean "objectsPerUser"?)"#))
        let unrelated = try #require(try problem(P.self, #"{"resource": "a", "colour": 1}"#))
        #expect(unrelated.pointer.description == "/with/colour")
        #expect(unrelated.message == #""colour" is not a parameter here (the parameters are "resource", "objectsPerUser", "denyWith")"#)
        // StrictKeys holds where the type is nested, too.
        let nested = try #require(try problem(Step.self, #"{"name": "a", "users": [{"id": 1, "access": [], "idd": 2}]}"#))
        #expect(nested.pointer.description == "/with/users/0/idd")
        #expect(nested.message == #""idd" is not a parameter here (did you mean "id"?)"#)
        // Without StrictKeys, the allowedKeys overload does the same at the top level.
        var caught: JSONDecodingProblem?
        do { _ = try decoder.decode(Required.self, from: ["name": "x", "nam": "y"], at: with, allowedKeys: ["name"]) }
        catch { caught = error }
        let allowed = try #require(caught)
        #expect(allowed.pointer.description == "/with/nam")
        #expect(allowed.message == #""nam" is not a parameter here (did you mean "name"?)"#)
        #expect(try decoder.decode(Required.self, from: ["name": "x"], allowedKeys: ["name"]).name == "x")
    }

    @Test func nullHandling() throws {
        let l = try decoder.decode(Loose.self, from: try parse(#"{"count": null, "raw": null, "maybe": null, "list": [1, null, 3]}"#))
        #expect(l.count == nil && l.label == nil)
        #expect(l.raw == .null)        // a JSONValue field keeps a null as a value
        #expect(l.maybe == nil)        // an optional one reads it as absent
        #expect(l.list == [1, nil, 3])
        let required = try #require(try problem(Required.self, #"{"name": null}"#))
        #expect(required.pointer.description == "/with/name")
        #expect(required.message == "expected a string, found null")
        #expect(try decoder.decode(Int?.self, from: nil) == nil)
    }

    @Test func stringEnumsListTheirValues() throws {
        let p = try #require(try problem(User.self, #"{"id": 1, "access": ["read", "wrte"]}"#))
        #expect(p.pointer.description == "/with/access/1")
        #expect(p.message == #"expected one of "read" or "write", found "wrte" (did you mean "write"?)"#)
        let far = try #require(try problem(Access.self, #""admin""#, at: JSONPointer()))
        #expect(far.message == #"expected one of "read" or "write", found "admin""#)
        let kind = try #require(try problem(User.self, #"{"id": 1, "access": "read"}"#))
        #expect(kind.message == #"expected an array of strings, each one of "read" or "write", found "read""#)
        // A plain String enum fails inside its own init(from:); the DecodingError is translated.
        let plain = try #require(try problem(Small.self, #"{"mode": "auto"}"#))
        #expect(plain.pointer.description == "/with/mode")
        #expect(plain.message.contains("auto"))
    }

    @Test func jsonValuePassesThroughUntouched() throws {
        let doc = try parse(#"{"z": 1, "a": {"y": [true, "x", null], "b": 2.5}}"#)
        #expect(try decoder.decode(JSONValue.self, from: doc) == doc)
        let l = try decoder.decode(Loose.self, from: ["raw": doc])
        #expect(l.raw == doc)
        #expect(l.raw.objectValue?.keys == ["z", "a"])
        // Any other decoder builds it generically.
        let viaFoundation = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a": [1, true, null, "x"]}"#.utf8))
        #expect(viaFoundation == ["a": [1, true, nil, "x"]])
    }

    @Test func decodingErrorsFromCustomInitsBecomeProblems() throws {
        struct Window: Decodable {
            enum K: String, CodingKey { case from, to }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: K.self)
                let from = try c.decode(Int.self, forKey: .from), to = try c.decode(Int.self, forKey: .to)
                if to < from { throw DecodingError.dataCorruptedError(forKey: .to, in: c, debugDescription: "must not be before \"from\" (\(from))") }
                // A caller's own typeMismatch still reports what was found.
                if to == 99 { throw DecodingError.typeMismatch(String.self, .init(codingPath: c.codingPath + [K.to], debugDescription: "")) }
            }
        }
        struct Wrapper: Decodable { var window: Window }
        let corrupt = try #require(try problem(Wrapper.self, #"{"window": {"from": 5, "to": 2}}"#))
        #expect(corrupt.pointer.description == "/with/window/to")
        #expect(corrupt.message == #"must not be before "from" (5)"#)
        let mismatch = try #require(try problem(Wrapper.self, #"{"window": {"from": 5, "to": 99}}"#))
        #expect(mismatch.pointer.description == "/with/window/to")
        #expect(mismatch.message == "expected a string, found the number 99")

        struct Odd: Error, CustomStringConvertible { var description: String { "odd failure" } }
        struct Throws: Decodable { init(from decoder: any Decoder) throws { throw Odd() } }
        let other = try #require(try problem(Throws.self, "{}"))
        #expect(other.pointer == with)
        #expect(other.message == "odd failure")
    }

    @Test func customInitsCanCatchDecodingErrors() throws {
        // Errors inside the decoder are ordinary DecodingErrors, so this common fallback works.
        struct Fallback: Decodable {
            var limit: Int
            enum K: CodingKey { case limit }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: K.self)
                do { limit = try c.decode(Int.self, forKey: .limit) } catch DecodingError.keyNotFound { limit = 10 }
            }
        }
        #expect(try decoder.decode(Fallback.self, from: [:]).limit == 10)
        #expect(try decoder.decode(Fallback.self, from: ["limit": 3]).limit == 3)
    }

    @Test func nestedContainersAndSuperDecoder() throws {
        struct Shape: Decodable {
            var xs: [Int] = [], label = "", pair: (Int, Int) = (0, 0)
            enum K: CodingKey { case meta, points, pair }
            enum Meta: CodingKey { case label }
            enum Point: CodingKey { case x }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: K.self)
                label = try c.nestedContainer(keyedBy: Meta.self, forKey: .meta).decode(String.self, forKey: .label)
                var points = try c.nestedUnkeyedContainer(forKey: .points)
                #expect(points.count == 2)
                while !points.isAtEnd { xs.append(try points.nestedContainer(keyedBy: Point.self).decode(Int.self, forKey: .x)) }
                var p = try c.nestedUnkeyedContainer(forKey: .pair)
                pair = (try p.decode(Int.self), try p.decode(Int.self))
            }
        }
        let ok = try decoder.decode(Shape.self, from: try parse(#"{"meta": {"label": "L"}, "points": [{"x": 1}, {"x": 2}], "pair": [3, 4]}"#))
        #expect(ok.label == "L" && ok.xs == [1, 2] && ok.pair == (3, 4))

        let short = try #require(try problem(Shape.self, #"{"meta": {"label": "L"}, "points": [{"x": 1}, {"x": 2}], "pair": [3]}"#))
        #expect(short.pointer.description == "/with/pair/1")
        #expect(short.message == "missing; expected an integer (the array has 1 item)")
        let badPoint = try #require(try problem(Shape.self, #"{"meta": {"label": "L"}, "points": [{"x": 1}, 2], "pair": [3, 4]}"#))
        #expect(badPoint.pointer.description == "/with/points/1")
        #expect(badPoint.message == "expected an object, found the number 2")
        let noMeta = try #require(try problem(Shape.self, #"{"points": [], "pair": []}"#))
        #expect(noMeta.pointer.description == "/with/meta")
        #expect(noMeta.message == "missing; expected an object")

        struct Sub: Decodable {
            enum K: CodingKey { case base }
            init(from decoder: any Decoder) throws { _ = try decoder.container(keyedBy: K.self).superDecoder(forKey: .base) }
        }
        let sup = try #require(try problem(Sub.self, #"{"base": {}}"#))
        #expect(sup.pointer.description == "/with/base")
        #expect(sup.message.contains("super decoder"))
    }

    @Test func pointerTokensAreEscaped() throws {
        let p = try #require(try problem([String: Int].self, #"{"a/b~c": "x"}"#))
        #expect(p.pointer.description == "/with/a~1b~0c")
        #expect(p.message == #"expected an integer, found "x""#)
    }
}
