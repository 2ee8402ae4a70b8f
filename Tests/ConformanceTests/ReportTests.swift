import Foundation
import Testing
@testable import Conformance

@Suite struct ReportTests {
    /// A run whose evidence holds everything an app may send back: control characters, ANSI
    /// escapes, invalid UTF-8 (decoded lossily), markup, lone surrogates' replacements, U+FFFE.
    func hostileRun() -> RunResult {
        let nasty = "a\u{0}b\u{1B}[31mred\u{1B}[0m <tag attr=\"x\">&amp; ]]> \u{FFFE}\u{7} é 😀 " + String(decoding: [0xFF, 0xFE, 0x41], as: UTF8.self)
        let cases = [
            CaseResult(name: "ok", criterion: "SC-002", file: "p.json", seconds: 0.0004, outcome: .passed),
            CaseResult(name: "ok", criterion: "SC-002", file: "p.json", seconds: 1.5, outcome: .passed),
            CaseResult(name: "bad \(nasty)", criterion: "SC-004", file: "p.json", seconds: 2,
                       outcome: .failed([Finding(oracle: .crossUserRead, message: "leak\n\(nasty)", evidence: [Evidence(.exchange, "t", nasty)])])),
            CaseResult(name: "err", criterion: "SC-004", file: "p.json", seconds: 0, outcome: .error(kind: .connectionError, message: nasty)),
            CaseResult(name: "skip", criterion: "SC-006", file: "p.json", seconds: 0, outcome: .skipped("no browser \(nasty)")),
        ]
        let suite = SuiteResult(scenarioID: "s\(nasty)", criterion: "SC-004", title: nasty, file: "p.json", startedAt: Date(), seconds: 3.25, cases: cases)
        return RunResult(runID: "r1", startedAt: Date(), seconds: 3.25, target: [("api", "http://x")], suites: [suite], notes: [nasty])
    }

    @Test func junitIsValidAgainstTheSchemaWhateverTheAppSent() throws {
        let xml = JUnitReport.render(hostileRun(), redactor: Redactor())
        let (status, err) = try JUnitSchema.validate(xml: xml)
        #expect(status == 0, "\(err)")
        #expect(!xml.contains("\u{1B}"))
        #expect(!xml.contains("\u{0}"))
        #expect(xml.contains("tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\""))
        #expect(xml.contains("name=\"ok (2)\""), "duplicate names are made unique")
        #expect(xml.contains("time=\"0.000\"") && xml.contains("time=\"1.500\""))
        #expect(xml.contains("type=\"CrossUserRead\""))
    }

    @Test func exitStatusFollowsTheWorstOutcome() {
        var run = hostileRun()
        #expect(run.exitStatus == 1, "a failure wins over an error")
        run.suites[0].cases.removeAll { $0.outcome.kind == .failed }
        #expect(run.exitStatus == 2)
        run.suites[0].cases.removeAll { $0.outcome.kind == .error }
        #expect(run.exitStatus == 0)
    }

    @Test func verdictsPerCriterion() {
        let v = Dictionary(uniqueKeysWithValues: hostileRun().verdicts.map { ($0.criterion, $0.verdict) })
        #expect(v == ["SC-002": .passed, "SC-004": .failed, "SC-006": .skipped])
    }

    @Test func resultsJSONParses() throws {
        let text = ResultsJSON.render(hostileRun(), redactor: Redactor())
        let v = try JSONParser.parse(text)
        #expect(v["exitStatus"] == .number(1))
        #expect(v["criteria"]?["SC-004"] == .string("failed"))
    }

    @Test func xmlTextDropsWhatXMLForbids() {
        #expect(XMLText.clean("a\u{0}\u{8}b\u{B}\u{C}c\u{FFFF}\td\n") == "abc\td\n")
        #expect(XMLText.clean("\u{1B}[1;31mX\u{1B}[0m") == "X")
        #expect(XMLText.escape("<a b=\"c\">&", attribute: true) == "&lt;a b=&quot;c&quot;&gt;&amp;")
    }
}

@Suite struct OracleTests {
    @Test func timestampsCompareAsInstants() {
        #expect(Timestamp.microseconds("2026-11-28T19:00:00.123456") == Timestamp.microseconds("2026-11-28 19:00:00.123456"))
        #expect(Timestamp.microseconds("2026-11-28T19:00:00Z") == Timestamp.microseconds("2026-11-28 21:00:00+02:00"))
        #expect(Timestamp.microseconds("2026-11-28T19:00:00.1") == Timestamp.microseconds("2026-11-28T19:00:00.100000"))
        #expect(Timestamp.microseconds("yesterday") == nil)
        #expect(FieldComparison.differences(api: JSONObject([("t", "2026-01-01T00:00:00"), ("n", 3), ("s", "x")]),
                                            row: JSONObject([("t", "2026-01-01 00:00:00"), ("n", "3"), ("s", "y")])) .count == 1)
    }

    @Test func markersTellWhoseDataLeaked() {
        let m = Markers(runID: "rtest")
        let a = m.make(owner: "alice-id", label: "alice")
        let b = m.make(owner: "bob-id", label: "bob")
        let body = "[{\"title\":\"\(a) milk\"},{\"title\":\"\(b)\"}]"
        #expect(m.foreign(in: body, viewer: "alice-id").map(\.owner) == ["bob-id"])
        #expect(m.foreign(in: body, viewer: nil).count == 2)
        #expect(m.found(in: "nothing here").isEmpty)
        #expect(a != b)
    }

    @Test func expectationOracleSaysWhatIsWrong() throws {
        var e = Expectation()
        e.status = StatusMatcher(exact: [200, 201])
        e.json = [(try JSONPath("$.title"), [.equals(.value("milk"))]), (try JSONPath("$.id"), [.type("integer")])]
        var o = ExpectationOracle.Observation(status: 404, json: ["title": "tea", "id": "7"])
        let problems = ExpectationOracle.problems(e, o) { _ in .null }
        #expect(problems.count == 3)
        o = ExpectationOracle.Observation(status: 201, json: ["title": "milk", "id": 7])
        #expect(ExpectationOracle.problems(e, o) { _ in .null }.isEmpty)
    }
}

@Suite struct TargetLoaderTests {
    @Test func defaultsAreTheOfficialShapeFromThreeURLs() throws {
        let t = try TargetLoader(environment: ["BETTER_AUTH_URL": "http://a/", "API_URL": "http://b", "DATABASE_URL": "postgresql://x"]).load(file: nil, overrides: .init())
        #expect(t.authBaseURL == "http://a/api/auth")
        #expect(t.resources["tasks"]?.routes[.toggle]?.description == "PATCH /api/{userId}/tasks/{id}/complete")
        #expect(t.denyStatuses == [401, 403, 404])
    }

    @Test func flagsBeatTheFileWhichBeatsTheEnvironment() throws {
        let file = NSTemporaryDirectory() + "target-\(UUID().uuidString).json"
        try #"{"api": {"url": "http://file"}, "auth": {"url": "http://file-auth"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        var o = TargetLoader.Overrides()
        o.apiURL = "http://flag"
        let t = try TargetLoader(environment: ["API_URL": "http://env", "BETTER_AUTH_URL": "http://env-auth"]).load(file: file, overrides: o)
        #expect(t.apiURL == "http://flag")
        #expect(t.authURL == "http://file-auth")
    }

    @Test func missingURLsAndBadFilesAreClearErrors() throws {
        #expect(throws: LoadError.self) { try TargetLoader(environment: [:]).load(file: nil, overrides: .init()) }
        let file = NSTemporaryDirectory() + "target-\(UUID().uuidString).json"
        try #"{"resources": {"tasks": {"routes": {"get": "GET /api/tasks"}}}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try TargetLoader(environment: ["API_URL": "http://b", "BETTER_AUTH_URL": "http://a"]).load(file: file, overrides: .init())
            Issue.record("expected an error")
        } catch let e as LoadError {
            #expect(e.pointer == "/resources/tasks/routes/get")
            #expect(e.message.contains("{id}"))
        }
    }

    @Test func dotEnvFormats() throws {
        let env = try DotEnv.parse("# c\nexport A=1\nB=\"two words\"\nC='x#y'\nD=plain # note\n\n", file: ".env")
        #expect(env == ["A": "1", "B": "two words", "C": "x#y", "D": "plain"])
        #expect(throws: LoadError.self) { try DotEnv.parse("no equals sign", file: ".env") }
    }
}
