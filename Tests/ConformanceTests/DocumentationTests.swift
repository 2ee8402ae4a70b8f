import Foundation
import Testing
@testable import Conformance

/// The documentation and the JSON Schemas describe what the loaders accept; these tests keep
/// them from drifting apart. Every JSON example in the docs must load, and every key, step kind,
/// predicate, check and check parameter the loaders know must be in the schemas, and the reverse.
@Suite struct DocumentationTests {
    // MARK: files

    /// The repository root: this file is Tests/ConformanceTests/DocumentationTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        let data = try #require(FileManager.default.contents(atPath: path(relative)), "cannot read \(relative)")
        return String(decoding: data, as: UTF8.self)
    }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONParser.parse(Array(try text(relative).utf8), options: .init(rejectDuplicateKeys: true))
    }

    /// The ```json fenced blocks of a Markdown file, with the line each starts on.
    static func jsonBlocks(_ relative: String) throws -> [(line: Int, text: String)] {
        var out: [(Int, String)] = []
        var current: [Substring]?
        var start = 0
        for (n, line) in try text(relative).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil {
                if trimmed == "```json" { current = []; start = n + 2 }
            } else if trimmed == "```" {
                out.append((start, current!.joined(separator: "\n")))
                current = nil
            } else {
                current!.append(line)
            }
        }
        #expect(current == nil, "\(relative): a ```json block is not closed")
        return out
    }

    static func parseBlock(_ block: (line: Int, text: String), in file: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(Array(block.text.utf8), options: .init(rejectDuplicateKeys: true))
        } catch {
            Issue.record("\(file):\(block.line): the ```json block is not valid JSON: \(error)")
            throw error
        }
    }

    // MARK: examples in the docs load

    @Test func everyScenarioExampleLoads() throws {
        var ids: [String: String] = [:]
        for file in ["docs/scenarios.md", "docs/checks.md"] {
            var loaded = 0
            for block in try Self.jsonBlocks(file) {
                let value = try Self.parseBlock(block, in: file)
                guard value["id"] != nil, value["steps"] != nil else {
                    // scenarios.md promises that every example is a complete scenario.
                    #expect(file != "docs/scenarios.md", "\(file):\(block.line): a ```json example that is not a complete scenario")
                    continue
                }
                let where_ = "\(file):\(block.line)"
                do {
                    let scenario = try ScenarioLoader.parse(JSONNode(value: value, file: where_))
                    if let other = ids[scenario.id] { Issue.record("\(where_): id \(scenario.id) is already used at \(other)") }
                    ids[scenario.id] = where_
                    loaded += 1
                } catch {
                    Issue.record("\(where_): the example does not load: \(error)")
                }
            }
            #expect(loaded >= (file == "docs/scenarios.md" ? 10 : 3), "\(file): only \(loaded) scenario example(s) found")
        }
    }

    @Test func everyTargetExampleLoads() throws {
        let loader = TargetLoader(environment: ["BETTER_AUTH_URL": "http://a", "API_URL": "http://b"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-doc-targets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var loaded = 0
        for block in try Self.jsonBlocks("docs/target.md") {
            let value = try Self.parseBlock(block, in: "docs/target.md")
            guard value["resources"] != nil || value["auth"] != nil else { continue }
            let file = dir.appendingPathComponent("target-md-line-\(block.line).json")
            try Data(block.text.utf8).write(to: file)
            do {
                _ = try loader.load(file: file.path, overrides: .init())
                loaded += 1
            } catch {
                Issue.record("docs/target.md:\(block.line): the example does not load: \(error)")
            }
        }
        #expect(loaded >= 5, "docs/target.md: only \(loaded) target example(s) found")
        // The shipped targets too: docs/target.md quotes them.
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.path("targets")) where name.hasSuffix(".json") {
            do { _ = try loader.load(file: Self.path("targets/\(name)"), overrides: .init()) } catch {
                Issue.record("targets/\(name) does not load: \(error)")
            }
        }
    }

    // MARK: scenario schema = ScenarioLoader

    static func keys(_ v: JSONValue?) -> Set<String> { Set(v?.objectValue?.keys ?? []) }

    @Test func scenarioSchemaMatchesTheLoader() throws {
        let schema = try Self.json("scenarios/scenario.schema.json")
        let defs = try #require(schema["$defs"])
        #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        #expect(Self.keys(schema["properties"]) == ScenarioLoader.scenarioKeys, "top-level keys")
        #expect(schema["additionalProperties"] == .bool(false))

        // Step kinds: one definition each, all in the step's oneOf, with exactly the loader's keys.
        let oneOf = Set(defs["step"]?["oneOf"]?.arrayValue?.compactMap { $0["$ref"]?.stringValue } ?? [])
        #expect(oneOf == Set(ScenarioLoader.stepKinds.map { "#/$defs/\($0)Step" }), "step kinds in $defs/step/oneOf")
        for kind in ScenarioLoader.stepKinds {
            guard let step = defs["\(kind)Step"] else { Issue.record("no $defs/\(kind)Step"); continue }
            let expected = ScenarioLoader.commonStepKeys.union([kind]).union(ScenarioLoader.kindKeys[kind] ?? [])
            #expect(Self.keys(step["properties"]) == expected, "keys of a \(kind) step")
            #expect(step["additionalProperties"] == .bool(false), "\(kind) step rejects unknown keys")
            #expect(step["required"]?.arrayValue?.contains(.string(kind)) == true, "\(kind) step requires \"\(kind)\"")
            #expect(step["properties"]?["expect"]?["$ref"]?.stringValue == "#/$defs/\(kind)Expect", "\(kind) step's expect")
            guard let expect = defs["\(kind)Expect"] else { Issue.record("no $defs/\(kind)Expect"); continue }
            #expect(Self.keys(expect["properties"]) == ScenarioLoader.expectKeys[kind] ?? [], "expect keys of a \(kind) step")
            #expect(expect["additionalProperties"] == .bool(false), "\(kind) expect rejects unknown keys")
        }

        // Predicates and their type names.
        let predicate = try #require(defs["predicateObject"])
        #expect(Self.keys(predicate["properties"]) == Predicate.keys, "predicate names")
        #expect(predicate["additionalProperties"] == .bool(false))
        let typeNames = Set(predicate["properties"]?["type"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(typeNames == Predicate.typeNames, "type predicate names")
        let bareObject = defs["predicate"]?["anyOf"]?.arrayValue?.compactMap { $0["propertyNames"]?["not"]?["enum"]?.arrayValue } ?? []
        #expect(bareObject.map { Set($0.compactMap(\.stringValue)) } == [Predicate.keys], "a bare object is one without predicate names")

        // Operations of a call.
        let callPattern = try #require(defs["callStep"]?["properties"]?["call"]?["pattern"]?.stringValue)
        for op in Operation.allCases { #expect(callPattern.contains(op.rawValue), "operation \(op.rawValue) in the call pattern") }
        let perObject = try #require(defs["callStep"]?["allOf"]?.arrayValue?.compactMap { $0["if"]?["properties"]?["call"]?["pattern"]?.stringValue }.first)
        for op in Operation.allCases { #expect(perObject.contains(op.rawValue) == op.isPerObject, "\(op.rawValue) needs an id: \(op.isPerObject)") }
    }

    @Test func scenarioSchemaListsEveryCheckAndParameter() throws {
        let schema = try Self.json("scenarios/scenario.schema.json")
        let defs = try #require(schema["$defs"])
        let registry = Dictionary(uniqueKeysWithValues: CheckName.allCases.compactMap { CheckRegistry.descriptor($0) }.map { ($0.name.rawValue, $0) })
        #expect(registry.count == CheckName.allCases.count, "every check name has an implementation in the registry")
        let checkStep = try #require(defs["checkStep"])
        let names = checkStep["properties"]?["check"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(names) == Set(registry.keys), "check names in the schema and in the registry")
        #expect(names.count == Set(names).count, "a check name is listed twice")
        if let descriptions = checkStep["properties"]?["check"]?["enumDescriptions"]?.arrayValue {
            #expect(descriptions.count == names.count, "one enumDescription per check")
        }

        // Each check: an if/then that points `with` at its parameters, and those parameters exactly.
        var thenRefs: [String: String] = [:]
        for rule in checkStep["allOf"]?.arrayValue ?? [] {
            guard let name = rule["if"]?["properties"]?["check"]?["const"]?.stringValue else { continue }
            #expect(thenRefs[name] == nil, "two if/then rules for check \(name)")
            thenRefs[name] = rule["then"]?["properties"]?["with"]?["$ref"]?.stringValue
        }
        #expect(Set(thenRefs.keys) == Set(registry.keys), "if/then rules per check")
        for (name, check) in registry {
            #expect(thenRefs[name] == "#/$defs/\(name)Parameters", "check \(name): with → $defs/\(name)Parameters")
            guard let params = defs["\(name)Parameters"] else { Issue.record("no $defs/\(name)Parameters"); continue }
            #expect(params["additionalProperties"] == .bool(false), "\(name) rejects unknown parameters")
            #expect(Self.keys(params["properties"]) == Set(check.specs.map(\.name)), "parameters of check \(name)")
            for spec in check.specs {
                guard let p = params["properties"]?[spec.name] else { continue }  // reported by the key comparison above
                Self.expectSchema(p, matches: spec.kind, "\(name).\(spec.name)")
                if let value = spec.defaultValue { #expect(p["default"] == value, "\(name).\(spec.name): the schema's default is the registry's") }
            }
        }
    }

    /// docs/checks.md: a section per check whose parameter table lists exactly the registry's
    /// parameters, each with the registry's default.
    @Test func checksPageDocumentsEveryParameterWithItsDefault() throws {
        let page = try String(contentsOfFile: ReferenceStack.root + "/docs/checks.md", encoding: .utf8)
        var sections: [String: [String]] = [:]
        var current: String?
        for line in page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") { current = String(line.dropFirst(3)); sections[current ?? ""] = []; continue }
            if let c = current { sections[c, default: []].append(line) }
        }
        for name in CheckName.allCases {
            guard let check = CheckRegistry.descriptor(name) else { Issue.record("no descriptor for \(name)"); continue }
            guard let lines = sections[name.rawValue] else { Issue.record("docs/checks.md has no section \"## \(name.rawValue)\""); continue }
            var rows: [String: String] = [:]
            for line in lines where line.hasPrefix("| `") {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count >= 2 else { continue }
                rows[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
            }
            #expect(Set(rows.keys) == Set(check.specs.map(\.name)), "docs/checks.md, \(name.rawValue): parameter rows")
            for spec in check.specs {
                guard let value = spec.defaultValue, let cell = rows[spec.name] else { continue }
                #expect(cell.contains("`\(JSONWriter.compact(value).replacingOccurrences(of: ",", with: ", "))`"),
                        "docs/checks.md, \(name.rawValue).\(spec.name): default \(JSONWriter.compact(value)) in \"\(cell)\"")
            }
        }
    }

    /// A parameter's schema says what `ParameterSpec.problem(with:)` accepts.
    static func expectSchema(_ p: JSONValue, matches kind: ParameterSpec.Kind, _ label: String) {
        #expect(p["description"]?.stringValue?.isEmpty == false, "\(label) has a description")
        switch kind {
        case .integer(let lo, let hi):
            #expect(p["type"] == .string("integer"), "\(label) is an integer")
            #expect(p["minimum"]?.intValue == lo && p["maximum"]?.intValue == hi, "\(label) ranges from \(lo) to \(hi)")
        case .number(let lo, let hi):
            #expect(p["type"] == .string("number"), "\(label) is a number")
            #expect(p["minimum"]?.numberValue == lo, "\(label) is at least \(lo)")
            #expect(p["maximum"]?.numberValue == hi, "\(label) is at most \(hi)")
        case .string:
            #expect(p["type"] == .string("string"), "\(label) is a string")
        case .strings:
            #expect(p["type"] == .string("array") && p["items"]?["type"] == .string("string"), "\(label) is an array of strings")
        case .statuses:
            #expect(p["type"] == .string("array") && p["minItems"]?.intValue == 1, "\(label) is a non-empty array")
            #expect(p["items"]?["type"] == .string("integer") && p["items"]?["minimum"]?.intValue == 100
                    && p["items"]?["maximum"]?.intValue == 599, "\(label) holds HTTP statuses")
        case .boolean:
            #expect(p["type"] == .string("boolean"), "\(label) is a boolean")
        case .viewports:
            #expect(p["type"] == .string("array") && p["minItems"]?.intValue == 1, "\(label) is a non-empty array")
            #expect(p["items"]?["pattern"]?.stringValue?.isEmpty == false, "\(label) items have a pattern")
        }
    }

    // MARK: target schema = TargetLoader

    /// The keys TargetLoader allows in one object, read from its own "unknown key" error.
    static func allowedTargetKeys(_ json: String) throws -> Set<String> {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-doc-keys-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            _ = try TargetLoader(environment: ["BETTER_AUTH_URL": "http://a", "API_URL": "http://b"]).load(file: file.path, overrides: .init())
        } catch let e as LoadError {
            guard let open = e.message.range(of: "(allowed: "), let close = e.message.range(of: ")", options: .backwards),
                  open.upperBound <= close.lowerBound else {
                Issue.record("\(json): no list of allowed keys in \"\(e.message)\"")
                return []
            }
            return Set(e.message[open.upperBound..<close.lowerBound].components(separatedBy: ", "))
        }
        Issue.record("\(json): the unknown key zzUnknown was accepted")
        return []
    }

    @Test func targetSchemaMatchesTheLoader() throws {
        let schema = try Self.json("scenarios/target.schema.json")
        let defs = try #require(schema["$defs"])
        #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        let places: [(json: String, schema: JSONValue?, label: String)] = [
            (#"{"zzUnknown": 1}"#, schema, "top level"),
            (#"{"auth": {"zzUnknown": 1}}"#, defs["auth"], "auth"),
            (#"{"api": {"zzUnknown": 1}}"#, defs["api"], "api"),
            (#"{"database": {"zzUnknown": 1}}"#, defs["database"], "database"),
            (#"{"authTables": {"zzUnknown": 1}}"#, defs["authTables"], "authTables"),
            (#"{"auth": {"identity": {"zzUnknown": 1}}}"#, defs["identity"], "auth.identity"),
            (#"{"auth": {"identity": {"signUp": {"zzUnknown": 1}}}}"#, defs["endpoint"], "auth.identity.signUp"),
            (#"{"auth": {"identity": {"users": {"zzUnknown": 1}}}}"#, defs["userTable"], "auth.identity.users"),
            (#"{"users": {"zzUnknown": 1}}"#, defs["users"], "users"),
            (#"{"resources": {"tasks": {"zzUnknown": 1}}}"#, defs["resource"], "a resource"),
            (#"{"resources": {"tasks": {"routes": {"zzUnknown": "GET /x"}}}}"#, defs["resource"]?["properties"]?["routes"], "routes"),
        ]
        for place in places {
            let allowed = try Self.allowedTargetKeys(place.json)
            #expect(!allowed.isEmpty, "\(place.label): the loader's allowed keys")
            #expect(Self.keys(place.schema?["properties"]) == allowed, "keys of \(place.label)")
            #expect(place.schema?["additionalProperties"] == .bool(false), "\(place.label) rejects unknown keys")
        }
        #expect(Self.keys(defs["resource"]?["properties"]) == TargetLoader.resourceKeys, "resource keys")
        #expect(Self.keys(defs["resource"]?["properties"]?["routes"]?["properties"]) == Set(Operation.allCases.map(\.rawValue)), "route operations")
        for op in Operation.allCases {
            // A route, or null: the app has no such operation.
            let choices = defs["resource"]?["properties"]?["routes"]?["properties"]?[op.rawValue]?["oneOf"]?.arrayValue ?? []
            #expect(choices.first?["$ref"]?.stringValue == (op.isPerObject ? "#/$defs/perObjectRoute" : "#/$defs/route"), "route of \(op.rawValue)")
            #expect(choices.dropFirst().first?["type"] == .string("null"), "route of \(op.rawValue) may be null")
        }
        let tokens = Set(defs["auth"]?["properties"]?["token"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(tokens == Set(Target.TokenSource.allCases.map(\.rawValue)), "auth.token values")
        let idTypes = Set(defs["resource"]?["properties"]?["idType"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(idTypes == Set(Resource.IDType.allCases.map(\.rawValue)), "idType values")
    }

    // MARK: both schemas are usable by editors

    /// Every `$ref` resolves, and every property has a description (its own or its target's), so
    /// an editor can show help for each key.
    @Test(arguments: ["scenarios/scenario.schema.json", "scenarios/target.schema.json"])
    func schemaIsSelfContainedAndDescribed(_ file: String) throws {
        let schema = try Self.json(file)
        let defs = schema["$defs"]?.objectValue ?? JSONObject()
        func resolve(_ ref: String) -> JSONValue? {
            guard ref.hasPrefix("#/$defs/") else { return nil }
            return defs[String(ref.dropFirst("#/$defs/".count))]
        }
        func walk(_ v: JSONValue, _ at: String) {
            switch v {
            case .object(let o):
                if let ref = o["$ref"]?.stringValue { #expect(resolve(ref) != nil, "\(file): \(at): $ref \(ref) does not resolve") }
                if let props = o["properties"]?.objectValue {
                    for (name, p) in props.pairs {
                        let own = p["description"]?.stringValue
                        let viaRef = p["$ref"]?.stringValue.flatMap(resolve)?["description"]?.stringValue
                        #expect((own ?? viaRef)?.isEmpty == false, "\(file): \(at)/properties/\(name) has no description")
                    }
                }
                // An `if` only tests a value; it describes nothing an editor would show.
                for (k, child) in o.pairs where k != "if" { walk(child, "\(at)/\(k)") }
            case .array(let a):
                for (i, child) in a.enumerated() { walk(child, "\(at)/\(i)") }
            default:
                break
            }
        }
        walk(schema, "#")
    }
}
