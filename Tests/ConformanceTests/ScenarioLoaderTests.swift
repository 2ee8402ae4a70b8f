import Foundation
import Testing
@testable import Conformance

@Suite struct ScenarioLoaderTests {
    func load(_ text: String) throws -> Scenario {
        try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse(text), file: "s.json"))
    }

    func error(_ text: String) -> LoadError? {
        do { _ = try load(text); return nil } catch let e as LoadError { return e } catch { return nil }
    }

    let base = #"{"id": "x", "criterion": "SC-002", "title": "t", "users": ["alice", "bob"], "steps": STEPS}"#
    func scenario(_ steps: String) -> String { base.replacingOccurrences(of: "STEPS", with: steps) }

    @Test func loadsEveryStepKind() throws {
        let s = try load(scenario(#"""
        [{"signUp": "alice"}, {"signIn": "alice"}, {"token": "bob"},
         {"call": "tasks.create", "as": "alice", "body": {"title": "${marker}"}, "expect": {"status": [200, 201], "json": {"$.title": {"type": "string"}}}, "capture": {"t": "$.id"}},
         {"call": "tasks.get", "as": "bob", "id": "${t}", "expect": {"status": "4xx"}},
         {"request": "/health", "method": "get"},
         {"sql": "SELECT 1 AS one WHERE $1 = $1", "params": ["${alice.id}"], "expect": {"rowCount": 1}},
         {"stored": "tasks", "id": "${t}", "expect": {"exists": true, "json": {"$.owner": "${alice.id}"}}},
         {"check": "isolation", "with": {"denyWith": [404]}}]
        """#))
        #expect(s.steps.count == 9)
        #expect(s.users == ["alice", "bob"])
        guard case .request(let r) = s.steps[5].kind else { Issue.record("not a request"); return }
        #expect(r.method == "GET")
    }

    @Test func unknownKeyNamesThePointerAndSuggests() {
        let e = error(scenario(#"[{"call": "tasks.list", "as": "alice", "expcet": {}}]"#))
        #expect(e?.pointer == "/steps/0/expcet")
        #expect(e?.message.contains("did you mean \"expect\"") == true)
        #expect(e?.file == "s.json")
    }

    @Test func undefinedVariablesAreFoundBeforeTheRun() {
        let e = error(scenario(#"[{"call": "tasks.get", "as": "alice", "id": "${task}"}]"#))
        #expect(e?.pointer == "/steps/0")
        #expect(e?.message.contains("${task}") == true)
        // Defined by an earlier capture: fine. Used before it: not.
        #expect(error(scenario(#"[{"call": "tasks.create", "as": "alice", "capture": {"task": "$.id"}}, {"call": "tasks.get", "as": "alice", "id": "${task}"}]"#)) == nil)
        #expect(error(scenario(#"[{"call": "tasks.get", "as": "alice", "id": "${task}"}, {"call": "tasks.create", "as": "alice", "capture": {"task": "$.id"}}]"#)) != nil)
        #expect(error(scenario(#"[{"call": "tasks.list", "as": "alice", "query": {"x": "${carol.id}"}}]"#)) != nil)
    }

    @Test(arguments: [
        (#"[{"call": "tasks.get", "as": "alice"}]"#, "/steps/0", "acts on one object"),
        (#"[{"call": "tasks.frob", "as": "alice"}]"#, "/steps/0/call", "RESOURCE.OPERATION"),
        (#"[{"call": "tasks.list", "as": "zed"}]"#, "/steps/0/as", "not declared"),
        (#"[{"signUp": "alice", "call": "tasks.list"}]"#, "/steps/0", "one kind"),
        (#"[{"cal": "tasks.list"}]"#, "/steps/0", "did you mean \"call\""),
        (#"[{"call": "tasks.list", "as": "alice", "expect": {"status": 999}}]"#, "/steps/0/expect/status", "HTTP status"),
        (#"[{"call": "tasks.list", "as": "alice", "expect": {"json": {"nope": 1}}}]"#, "/steps/0/expect/json/nope", "JSONPath"),
        (#"[{"call": "tasks.list", "as": "alice", "expect": {"json": {"$.a": {"type": "strng"}}}}]"#, "/steps/0/expect/json/$.a/type", "one of"),
        (#"[{"call": "tasks.list", "as": "alice", "expect": {"json": {"$.a": {"matches": "("}}}}]"#, "/steps/0/expect/json/$.a/matches", "regular expression"),
        (#"[{"check": "isolaton"}]"#, "/steps/0/check", "did you mean \"isolation\""),
        (#"[{"check": "isolation", "with": {"denyWith": []}}]"#, "/steps/0/with/denyWith", "statuses"),
        (#"[{"check": "load", "with": {"secs": 3}}]"#, "/steps/0/with/secs", "unknown key"),
        (#"[{"sql": "SELECT 1", "expect": {"status": 200}}]"#, "/steps/0/expect/status", "unknown key"),
    ])
    func mistakesAreReportedWithTheirPointer(_ steps: String, _ pointer: String, _ words: String) {
        let e = error(scenario(steps))
        #expect(e?.pointer == pointer, "\(String(describing: e))")
        #expect(e?.message.contains(words) == true, "\(String(describing: e))")
    }

    @Test func duplicateStepNamesBecomeUnique() throws {
        let s = try load(scenario(#"[{"name": "a", "signUp": "alice"}, {"name": "a", "signUp": "bob"}]"#))
        #expect(s.steps.map(\.name) == ["a", "a (2)"])
    }

    @Test func fileErrorsNameTheLine() throws {
        let dir = NSTemporaryDirectory() + "loader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{\n\"id\": \"x\",\n\"id\": \"y\"}".write(toFile: dir + "/dup.json", atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(paths: [dir])
            Issue.record("expected an error")
        } catch let e as LoadErrors {
            #expect(e.errors.count == 1)
            #expect(e.errors[0].file.hasSuffix("dup.json"))
            #expect(e.errors[0].pointer.contains("line 3"))
        }
    }

    @Test func thePackIsValid() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let pack = try ScenarioLoader.load(paths: [url.path + "/scenarios/phase2"])
        #expect(pack.count >= 10)
        #expect(Set(pack.map(\.criterion)).isSuperset(of: ["SC-001", "SC-002", "SC-003", "SC-004", "SC-005", "SC-007", "SC-010"]))
    }
}
