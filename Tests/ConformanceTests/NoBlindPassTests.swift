import Foundation
import Testing
@testable import Conformance

/// No blind pass, judged on hand-built observations: a refusal for a reason other than the one a
/// probe tests (the caller's own call refused, a route that does not exist) is "not judged" —
/// never passed, never a `DenialStatus` — and every report says how many probes were judged.
@Suite struct NoBlindPassTests {
    static let markers = Markers(runID: "nbp")

    static func decide(_ status: Int, own: Int?, body: String = "{}", writes: Bool = false) -> DenialOracle.Decision {
        DenialOracle.decide(status: status, body: body, viewer: "bob-id", writes: writes, deny: [401, 403, 404],
                            markers: markers, what: "get of another user's object", owner: "alice", ownStatus: own)
    }

    static func isNotJudged(_ d: DenialOracle.Decision) -> Bool { if case .notJudged = d { return true } else { return false } }
    static func isDenied(_ d: DenialOracle.Decision) -> Bool { if case .denied = d { return true } else { return false } }
    static func oracle(_ d: DenialOracle.Decision) -> Oracle? { if case .broken(let v) = d { return v.oracle } else { return nil } }

    // MARK: denial against the caller's own call

    @Test func aRefusalOfARouteThatDoesNotExistIsNotJudged() {
        // The route answers the caller's own call with 404/405 too: there is no such route.
        #expect(Self.isNotJudged(Self.decide(404, own: 404)))
        #expect(Self.isNotJudged(Self.decide(405, own: 405)), "a 405 outside the denial set is no DenialStatus when the route is missing")
        #expect(Self.isNotJudged(Self.decide(500, own: 404)), "nor a 500")
        // Dead credentials: the caller's own call is refused as well.
        #expect(Self.isNotJudged(Self.decide(401, own: 401)))
        #expect(Self.isNotJudged(Self.decide(403, own: 403)))
        #expect(Self.isNotJudged(Self.decide(404, own: 422)), "the own call's body was rejected: the route was never reached")
        #expect(Self.isNotJudged(Self.decide(404, own: nil)), "no own call, no proof")
        guard case .notJudged(let why) = Self.decide(404, own: 405) else { Issue.record("not judged"); return }
        #expect(why.contains("found no such route (405)"), "\(why)")
    }

    @Test func aRefusalIsADenialOnlyWhenTheOwnCallWasAccepted() {
        #expect(Self.isDenied(Self.decide(404, own: 200)))
        #expect(Self.isDenied(Self.decide(403, own: 204)))
        #expect(Self.oracle(Self.decide(405, own: 200)) == .denialStatus, "the route exists: a 405 for another user is the wrong status")
        #expect(Self.oracle(Self.decide(500, own: 200)) == .denialStatus)
    }

    @Test func whatAnAnswerProvesStandsWhateverTheOwnCallGot() {
        let leak = Self.markers.make(owner: "alice-id", label: "alice")
        #expect(Self.oracle(Self.decide(404, own: 404, body: "{\"title\":\"\(leak)\"}")) == .crossUserRead)
        #expect(Self.oracle(Self.decide(200, own: 401, writes: true)) == .crossUserWrite)
        #expect(Self.oracle(Self.decide(200, own: 404)) == .denialStatus, "a 2xx for another user's object is never a refusal")
    }

    // MARK: mass assignment

    @Test func aRefusedOwnerFieldProvesTheRuleOnlyAgainstTheControl() {
        func judge(_ status: Int, _ control: Int?) -> MassAssignmentOracle.Refusal {
            MassAssignmentOracle.refusal(operation: "create", status: status, controlStatus: control)
        }
        guard case .provesRule(let note) = judge(422, 201) else { Issue.record("a validation refusal of that body proves it"); return }
        #expect(note.contains("422") && note.contains("201"))
        if case .provesRule = judge(403, 200) {} else { Issue.record("a permission refusal of that body proves it") }
        if case .notJudged = judge(422, 422) {} else { Issue.record("the body is refused with or without the owner field") }
        if case .notJudged = judge(404, 404) {} else { Issue.record("a route that does not exist") }
        if case .notJudged = judge(405, 405) {} else { Issue.record("a method the route does not take") }
        if case .notJudged = judge(401, nil) {} else { Issue.record("dead credentials") }
        if case .notJudged = judge(401, 201) {} else { Issue.record("a 401 refuses the caller, not the body") }
        if case .notJudged = judge(429, 201) {} else { Issue.record("rate limited") }
        if case .notJudged = judge(422, nil) {} else { Issue.record("no control") }
        if case .notJudged = judge(500, 500) {} else { Issue.record("a server that fails on everything") }
        guard case .broken(let f) = judge(500, 201) else { Issue.record("the owner field breaks the server"); return }
        #expect(f.oracle == .serverError)
        #expect(!MassAssignmentOracle.needsControl(status: 401))
        #expect(MassAssignmentOracle.needsControl(status: 422))
        #expect(MassAssignmentOracle.needsControl(status: 503))
    }

    // MARK: concurrency, load, front end, evidence

    @Test func refusedConcurrentCallsLeaveThePhaseNotJudged() {
        #expect(ConcurrencyOracle.unjudged(refused: 0, of: 80) == nil)
        #expect(ConcurrencyOracle.unjudged(refused: 3, of: 80)?.contains("3 of 80") == true)
    }

    @Test func latencyOfRefusalsIsNotJudged() {
        let refused = LatencyHistogram.Summary(count: 50, errors: 50, p50: 0.001, p95: 0.002, p99: 0.003, max: 0.004, mean: 0.001)
        guard case .notJudged(let why) = LatencyOracle.judge(refused, seconds: 5, budgetMs: 200, deletesOnly: false) else {
            Issue.record("fast 401s are no latency"); return
        }
        #expect(why.contains("50"))
        let some = LatencyHistogram.Summary(count: 50, errors: 49, p50: 0.001, p95: 0.002, p99: 0.003, max: 0.004, mean: 0.001)
        if case .within = LatencyOracle.judge(some, seconds: 5, budgetMs: 200, deletesOnly: false) {} else { Issue.record("one answered") }
    }

    @Test func aFrontEndErrorPageIsNeverLaidOutToAPass() {
        #expect(LayoutOracle.page(status: 200, url: "http://app/") == .judge)
        #expect(LayoutOracle.page(status: nil, url: "file:///x.html") == .judge)
        guard case .notJudged(let why) = LayoutOracle.page(status: 404, url: "http://app/x") else { Issue.record("a 404 page"); return }
        #expect(why.contains("404"))
        if case .notJudged = LayoutOracle.page(status: 401, url: "http://app/") {} else { Issue.record("a 401 page") }
        guard case .broken(let oracle, _) = LayoutOracle.page(status: 503, url: "http://app/") else { Issue.record("a 503 page"); return }
        #expect(oracle == .serverError)
    }

    @Test func aHashScanThatSawNothingIsNotJudged() {
        #expect(PasswordHashOracle.coverage(readableColumns: 3, unreadableTables: ["secret"]) == nil)
        #expect(PasswordHashOracle.coverage(readableColumns: 0, unreadableTables: [])?.contains("nothing could be scanned") == true)
        #expect(PasswordHashOracle.coverage(readableColumns: 0, unreadableTables: ["b", "a"])?.contains("a, b") == true)
    }

    @Test func aDuplicateSignUpWithoutTheDatabaseIsNotJudgedAndSaysSo() {
        let verdict = BetterAuthShapeOracle.duplicateStored(userID: "u2", stored: nil, databaseProblem: "no database URL")
        guard case .notJudged(let why) = verdict else { Issue.record("\(verdict)"); return }
        #expect(why.contains("no database URL"))
        #expect(!verdict.isPassed)
    }

    @Test func authProbesOfASubjectThatDoesNotExistAreNotJudged() {
        #expect(BetterAuthShapeOracle.subjectMissing(subjectID: "u1", probe: "a second sign-up") == nil)
        #expect(BetterAuthShapeOracle.subjectMissing(subjectID: nil, probe: "a second sign-up")?.contains("made no user") == true)
    }

    // MARK: reports

    static func run() -> RunResult {
        func c(_ name: String, _ outcome: Outcome, check: String = "isolation", step: Int = 0) -> CaseResult {
            var r = CaseResult(name: name, criterion: "SC-004", file: "sc-004.json", seconds: 0.1, outcome: outcome)
            r.source.pointer = JSONPointer(["steps", "\(step)"])
            r.check = check
            return r
        }
        let judged = SuiteResult(scenarioID: "SC-004-matrix", criterion: "SC-004", title: "matrix", file: "sc-004.json", startedAt: Date(), seconds: 1,
                                 cases: [c("bob gets alice's tasks #1", .passed),
                                         c("bob toggles alice's tasks #1", .notJudged("the caller's own call to the same route found no such route (404)")),
                                         c("8 users see only their own data", .passed, check: "concurrency", step: 1)])
        var blindCases = [CaseResult(name: "front end fits a 320 px wide screen", criterion: "SC-006", file: "sc-006.json", seconds: 0.2,
                                     outcome: .notJudged("http://app/ answered 404, not the app's page")),
                          CaseResult(name: "front end fits a 768 px wide screen", criterion: "SC-006", file: "sc-006.json", seconds: 0,
                                     outcome: .skipped("no browser"))]
        for i in blindCases.indices {
            blindCases[i].check = "frontend"
            blindCases[i].source.pointer = JSONPointer(["steps", "0"])
        }
        let blind = SuiteResult(scenarioID: "SC-006-responsive", criterion: "SC-006", title: "responsive", file: "sc-006.json", startedAt: Date(),
                                seconds: 1, cases: blindCases)
        return RunResult(runID: "nbp", startedAt: Date(), seconds: 2, target: [], suites: [judged, blind], notes: [])
    }

    @Test func aCriterionNoCaseJudgedIsNotJudgedEverywhereAndFailsNothing() throws {
        let run = Self.run()
        let verdicts = Dictionary(uniqueKeysWithValues: run.verdicts.map { ($0.criterion, $0) })
        #expect(verdicts["SC-006"]?.verdict == .notJudged)
        #expect(verdicts["SC-006"]?.judged == 0)
        #expect(verdicts["SC-004"]?.verdict == .passed && verdicts["SC-004"]?.judged == 2)
        #expect(run.exitStatus == 0, "not judged is not failed")

        let xml = JUnitReport.render(run, redactor: Redactor())
        #expect(xml.contains(#"<property name="judged" value="2 of 3"/>"#), "\(xml)")
        #expect(xml.contains(#"<property name="judged isolation (/steps/0)" value="1 of 2"/>"#))
        #expect(xml.contains(#"<property name="judged concurrency (/steps/1)" value="1 of 1"/>"#))
        #expect(xml.contains(#"<property name="judged" value="0 of 2"/>"#))
        #expect(xml.contains(#"<skipped type="NotJudged""#))

        let json = try JSONParser.parse(Array(ResultsJSON.render(run, redactor: Redactor()).utf8))
        #expect(json["criteria"]?["SC-006"]?.stringValue == "not judged")
        let sc006 = json["verdicts"]?.arrayValue?.first { $0["criterion"]?.stringValue == "SC-006" }
        #expect(sc006?["verdict"]?.stringValue == "not judged" && sc006?["judged"]?.intValue == 0 && sc006?["cases"]?.intValue == 2)
        let suite = json["suites"]?.arrayValue?.first
        #expect(suite?["judged"]?["judged"]?.intValue == 2 && suite?["judged"]?["cases"]?.intValue == 3)
        let checks = suite?["checks"]?.arrayValue ?? []
        #expect(checks.count == 2)
        #expect(checks.first?["check"]?.stringValue == "isolation" && checks.first?["judged"]?.intValue == 1 && checks.first?["cases"]?.intValue == 2)
        #expect(json["exitStatus"]?.intValue == 0)

        let md = SummaryMarkdown.render(run, redactor: Redactor())
        #expect(md.contains("| SC-006 | ❔ not judged | 2 | 0 of 2 |"), "\(md)")
        #expect(md.contains("| SC-004 | ✅ passed | 3 | 2 of 3 |"))
        #expect(md.contains("`isolation` /steps/0: 1 of 2 probes judged"))

        let html = HTMLReport.render(run, redactor: Redactor())
        #expect(html.contains("Not judged: <a href=\"#sc-006\">SC-006</a>"))
        #expect(html.contains("<td class=\"n\">0 of 2</td>"))
        #expect(html.contains("frontend (/steps/0)</span>: 0 of 2 probes judged"), "\(html)")
        #expect(html.contains("isolation (/steps/0)</span>: 1 of 2 probes judged"))
    }

    @Test func judgedCountsOnlyPassesAndFailures() {
        let cases = [Outcome.passed, .failed([]), .error(kind: .connectionError, message: "x"), .skipped("s"), .notJudged("n")]
            .map { CaseResult(name: "c", seconds: 0, outcome: $0) }
        let count = JudgedCount(cases)
        #expect(count.judged == 2 && count.cases == 5)
        #expect(count.sentence == "2 of 5 probes judged")
        #expect(JudgedCount(Array(cases.prefix(1))).sentence == "1 of 1 probe judged")
    }
}
