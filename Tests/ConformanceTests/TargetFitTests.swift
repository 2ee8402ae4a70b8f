import Foundation
import Testing
@testable import Conformance

/// Scenarios loaded against a target: a resource or operation the target does not define is the
/// author's mistake, found before anything is sent, with the file and the JSON pointer.
@Suite struct TargetFitTests {
    static func scenario(_ steps: String) throws -> Scenario {
        let text = #"{"id": "x", "criterion": "SC-004", "title": "t", "users": ["alice", "bob"], "steps": \#(steps)}"#
        return try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse(text), file: "s.json"))
    }

    static func target(_ json: String) throws -> Target {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-fit-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try TargetLoader(environment: ["BETTER_AUTH_URL": "http://a", "API_URL": "http://b"]).load(file: file.path, overrides: .init())
    }

    static let todos = #"{"resources": {"todos": {"table": "todos", "owner": "user_id", "routes": {"list": "GET /api/todos", "get": "GET /api/todos/{id}", "toggle": null}}}}"#

    @Test func anUnknownResourceNamesTheStepAndSuggests() throws {
        let s = try Self.scenario(#"[{"call": "todo.list", "as": "alice"}, {"stored": "tasks", "id": "1"}]"#)
        let problems = TargetFit.problems([s], target: try Self.target(Self.todos))
        #expect(problems.map(\.pointer) == ["/steps/0/call", "/steps/1/stored"])
        #expect(problems.first?.message.contains("did you mean \"todos\"") == true)
        #expect(problems.allSatisfy { $0.file == "s.json" })
    }

    @Test func anUnmappedOperationIsAnErrorButADeclaredAbsenceIsNot() throws {
        let target = try Self.target(Self.todos)
        #expect(target.resources["todos"]?.absentOperations == [.toggle])
        let unmapped = try Self.scenario(#"[{"call": "todos.create", "as": "alice", "body": {}}]"#)
        #expect(TargetFit.problems([unmapped], target: target).first?.message.contains("maps no route for todos.create") == true)
        let absent = try Self.scenario(#"[{"call": "todos.toggle", "as": "alice", "id": "1"}]"#)
        #expect(TargetFit.problems([absent], target: target).isEmpty)
    }

    @Test func aCheckOnAMissingResourceIsFoundWhetherNamedOrByDefault() throws {
        let s = try Self.scenario(#"[{"check": "isolation", "with": {"resource": "task"}}, {"check": "injection"}]"#)
        let problems = TargetFit.problems([s], target: try Self.target(Self.todos))
        #expect(problems.map(\.pointer) == ["/steps/0/with/resource", "/steps/1"])
        #expect(problems.last?.message.contains("its default resource \"tasks\"") == true)
        // The official target defines tasks: nothing to report.
        #expect(TargetFit.problems([s], target: try Self.target("{}")).count == 1, "only the misspelled \"task\"")
    }

    @Test func checkParametersAreTypedWithTheirDefaults() throws {
        let s = try Self.scenario(#"[{"check": "isolation", "with": {"objectsPerUser": 3}}, {"check": "load"}]"#)
        guard case .check(let matrix) = s.steps[0].kind, let p = matrix.parameters as? IsolationMatrix.Parameters else {
            Issue.record("isolation parameters not decoded"); return
        }
        #expect(p.objectsPerUser == 3 && p.resource == "tasks" && p.denyWith == nil && p.operations == ["get", "update", "toggle", "delete"])
        guard case .check(let load) = s.steps[1].kind, let l = load.parameters as? LoadPhase.Parameters else {
            Issue.record("load parameters not decoded"); return
        }
        #expect(l.seconds == 5 && l.concurrency == 16 && l.p95Ms == 200 && l.users == 4)
    }

    @Test func thePlanListsTheRequestsOfACheck() throws {
        let s = try Self.scenario(#"[{"check": "isolation"}]"#)
        let lines = Plan(scenarios: [s], target: try Self.target("{}")).lines
        #expect(lines.contains { $0.contains("bob: GET /api/{bob.id}/tasks/{alice's tasks #1} with bob's token → 401/403/404") }, "\(lines)")
        #expect(lines.contains { $0.contains("bob: GET /api/{alice.id}/tasks/{alice's tasks #1} with bob's token") })
        #expect(lines.contains { $0.contains("database: read") })
        #expect(!lines.contains { $0.contains("built-in check") })
    }

    @Test func everyCheckSaysWhatItWillSendOrRead() throws {
        let target = try Self.target("{}")
        for name in CheckName.allCases {
            guard let check = CheckRegistry.descriptor(name) else { Issue.record("no descriptor for \(name)"); continue }
            let lines = check.plan(try check.decode(JSONObject(), JSONPointer()), PlanContext(target: target, users: ["alice", "bob"]))
            #expect(!lines.isEmpty, "\(name.rawValue) plans nothing")
            #expect(lines != [check.title], "\(name.rawValue) only repeats its title")
        }
    }

    @Test func badURLsAndBoundsAreInputErrors() throws {
        func loadError(_ json: String, env: [String: String] = ["BETTER_AUTH_URL": "http://a", "API_URL": "http://b"]) -> LoadError? {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-bad-\(UUID().uuidString).json")
            try? Data(json.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            do { _ = try TargetLoader(environment: env).load(file: file.path, overrides: .init()); return nil } catch let e as LoadError { return e } catch { return nil }
        }
        #expect(loadError(#"{"api": {"url": "http://api.test/with space"}}"#)?.pointer == "/api/url")
        #expect(loadError(#"{"database": {"url": "mysql://u:secret-pw@db/x"}}"#)?.pointer == "/database/url")
        #expect(loadError(#"{"database": {"url": "mysql://u:secret-pw@db/x"}}"#)?.message.contains("secret-pw") == false, "no password in the message")
        #expect(loadError(#"{"requestTimeout": 1e308}"#)?.pointer == "/requestTimeout")
        #expect(loadError(#"{"database": {"url": "postgresql://u@127.0.0.1/x"}, "requestTimeout": 30}"#) == nil)
        let budget = #"[{"call": "tasks.list", "as": "alice", "expect": {"maxMs": 1e26}}]"#
        #expect(throws: LoadError.self) { _ = try Self.scenario(budget) }
    }
}
