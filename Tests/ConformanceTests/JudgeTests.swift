import ConformanceHTTP
import ConformancePostgres
import Foundation
import Testing
@testable import Conformance

/// The judge stage on hand-built observations: no server, no database. Each oracle is fed an
/// observation that breaks its rule, one that keeps it, and the blind cases where an observation
/// cannot prove either (those must never pass).
@Suite struct JudgeTests {
    static let markers = Markers(runID: "rjudge")
    static let alice = "alice-id-0000000000000000000000"
    static let bob = "bob-id-00000000000000000000000"

    static func exchange(_ status: Int?, body: String = "", sent: String? = nil, url: String = "http://api.test/api/tasks",
                         error: HTTPTransportError.Kind = .connectionRefused) -> Exchange {
        let request = HTTPRequest(method: sent == nil ? "GET" : "POST", url: url, body: sent.map { Array($0.utf8) })
        guard let status else {
            return Exchange(request: request, response: nil,
                            transportError: HTTPTransportError(kind: error, message: "no answer", url: url), seconds: 0.01)
        }
        let response = HTTPResponse(status: status, headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8),
                                    effectiveURL: url)
        return Exchange(request: request, response: response, transportError: nil, seconds: 0.01)
    }

    static func step(capture: [(String, String)] = []) throws -> Step {
        Step(name: "tasks.create as alice", kind: .token(user: "alice"), expect: nil,
             capture: try capture.map { ($0.0, try JSONPath($0.1)) }, pointer: JSONPointer(["steps", "2"]))
    }

    static func judge(_ observation: StepObservation, capture: [(String, String)] = []) throws -> StepJudge.Verdict {
        try StepJudge.judge(try step(capture: capture), observation, markers: markers, lookup: { name in throw ScenarioScope.Missing(name: name) })
    }

    static func answer(_ ex: Exchange, viewer: StepObservation.Viewer = .notScanned, expect status: Set<Int> = [],
                       classes: Set<Int> = [2]) -> StepObservation {
        var expectation = Expectation()
        expectation.status = StatusMatcher(exact: status, classes: status.isEmpty ? classes : [])
        var o = StepObservation(.exchange(ex, observed: ex.json), expectation: expectation)
        o.viewer = viewer
        return o
    }

    static func oracles(_ outcome: Outcome) -> [Oracle] {
        if case .failed(let fs) = outcome { return fs.map(\.oracle) }
        return []
    }

    // MARK: steps

    @Test func stepThatMeetsItsExpectationPassesAndCaptures() throws {
        let v = try Self.judge(Self.answer(Self.exchange(201, body: #"{"id": 7, "title": "milk"}"#)), capture: [("task", "$.id")])
        #expect(v.outcome.kind == .passed)
        #expect(v.captures["task"] == .number(7))
        #expect(v.evidence.first?.exchange != nil, "the exchange is kept as data")
    }

    @Test func unmetStatusIsASpecMismatch() throws {
        let v = try Self.judge(Self.answer(Self.exchange(500, body: "{}")))
        #expect(Self.oracles(v.outcome) == [.specMismatch])
        #expect(v.captures.isEmpty)
    }

    @Test func aCaptureThatFindsNothingFailsTheStep() throws {
        let v = try Self.judge(Self.answer(Self.exchange(200, body: #"{"title": "milk"}"#)), capture: [("task", "$.id")])
        #expect(Self.oracles(v.outcome) == [.captureMissing])
    }

    @Test func noAnswerIsAnErrorAndAnInterruptIsNotAFinding() throws {
        let refused = try Self.judge(Self.answer(Self.exchange(nil)))
        guard case .error(let kind, _) = refused.outcome else { Issue.record("expected an error, got \(refused.outcome.kind)"); return }
        #expect(kind == .connectionError)
        let cut = try Self.judge(Self.answer(Self.exchange(nil, error: .cancelled)))
        guard case .error(let cutKind, _) = cut.outcome else { Issue.record("expected an error, got \(cut.outcome.kind)"); return }
        #expect(cutKind == .interrupted)
    }

    @Test func anotherUsersMarkerInAnAnswerIsALeakWhateverTheStatus() throws {
        let marker = Self.markers.make(owner: Self.alice, label: "alice")
        for status in [200, 404, 422] {
            let v = try Self.judge(Self.answer(Self.exchange(status, body: #"[{"title": "\#(marker)"}]"#),
                                               viewer: .user(id: Self.bob, name: "bob"), classes: [2, 4]))
            #expect(Self.oracles(v.outcome) == [.crossUserRead], "status \(status)")
        }
        // The owner seeing their own marker is no leak.
        let own = try Self.judge(Self.answer(Self.exchange(200, body: #"[{"title": "\#(marker)"}]"#), viewer: .user(id: Self.alice, name: "alice")))
        #expect(own.outcome.kind == .passed)
        // Nobody at all: any marker of the run's users is a leak.
        let anonymous = try Self.judge(Self.answer(Self.exchange(200, body: marker), viewer: .anonymous))
        #expect(Self.oracles(anonymous.outcome) == [.crossUserRead])
        // Steps whose answers are not scanned (auth, raw requests) never fire it.
        let unscanned = try Self.judge(Self.answer(Self.exchange(200, body: marker)))
        #expect(unscanned.outcome.kind == .passed)
    }

    @Test func aMarkerTheRequestCarriedIsAnEchoNotALeak() throws {
        let marker = Self.markers.make(owner: Self.alice, label: "alice")
        // FastAPI's 422 sends back the body it rejected, markers and all.
        let echo = Self.exchange(422, body: #"{"detail": [{"input": {"title": "\#(marker)"}}]}"#, sent: #"{"title": "\#(marker)"}"#)
        let v = try Self.judge(Self.answer(echo, viewer: .user(id: Self.bob, name: "bob"), expect: [422]))
        #expect(v.outcome.kind == .passed, "\(v.outcome)")
        // In the URL, percent-encoded or not, it is the request's own too.
        let inURL = Self.exchange(404, body: "no task \(marker)", url: "http://api.test/api/tasks?q=%20\(marker)")
        #expect(try Self.judge(Self.answer(inURL, viewer: .anonymous, expect: [404])).outcome.kind == .passed)
    }

    @Test func rowsThatDifferAreADatabaseMismatch() throws {
        var expectation = Expectation()
        expectation.rowCount = 1
        var o = StepObservation(.rows(.array([]), title: "select", rowCount: 0, exists: nil), expectation: expectation)
        o.mismatch = .databaseMismatch
        let v = try Self.judge(o)
        #expect(Self.oracles(v.outcome) == [.databaseMismatch])
        #expect(v.evidence.first?.kind == .rows)
    }

    // MARK: denial

    @Test func denialOracleInOrderOfGravity() {
        let marker = Self.markers.make(owner: Self.alice, label: "alice")
        func judge(_ status: Int, _ body: String = "", writes: Bool = false, deny: Set<Int> = [401, 403, 404]) -> Oracle? {
            DenialOracle.judge(status: status, body: body, viewer: Self.bob, writes: writes, deny: deny, markers: Self.markers,
                               what: "probe", owner: "alice")?.oracle
        }
        #expect(judge(200, marker, writes: true) == .crossUserWrite)
        #expect(judge(204, writes: true) == .crossUserWrite)
        #expect(judge(404, marker) == .crossUserRead)
        #expect(judge(200, "[]") == .denialStatus)
        #expect(judge(500) == .denialStatus)
        #expect(judge(403, deny: [404]) == .denialStatus, "a target that narrows denial to 404")
        #expect(judge(404) == nil)
        #expect(judge(401) == nil)
    }

    @Test func requestsWithoutCredentials() {
        func judge(_ method: String, _ status: Int, markers: Int = 0, isPublic: Bool = false) -> UnauthenticatedOracle.Verdict {
            UnauthenticatedOracle.judge(method: method, status: status, markers: markers, declaredPublic: isPublic, how: "without credentials")
        }
        guard case .breach(.unauthenticatedAccess, _) = judge("GET", 401, markers: 1) else { Issue.record("data in a refusal is a breach"); return }
        guard case .breach(.unauthenticatedAccess, _) = judge("DELETE", 204) else { Issue.record("an accepted write is a breach"); return }
        guard case .publicRoute = judge("DELETE", 204, isPublic: true) else { Issue.record("a declared public write is allowed"); return }
        guard case .publicRoute = judge("GET", 200) else { Issue.record("a read without user data is a note"); return }
        #expect(judge("GET", 401) == .refused)
        #expect(judge("PUT", 422) == .refused)
    }

    @Test func forgedCredentialsMustBeRefusedAsAsked() {
        #expect(RefusalOracle.judge(status: 401, deny: [401], probeOracle: .forgedTokenAccepted, rowChanged: false) == [])
        #expect(RefusalOracle.judge(status: 200, deny: [401], probeOracle: .forgedTokenAccepted, rowChanged: false) == [.forgedTokenAccepted])
        #expect(RefusalOracle.judge(status: 204, deny: [401], probeOracle: .unauthenticatedAccess, rowChanged: true) == [.unauthenticatedAccess])
        #expect(RefusalOracle.judge(status: 500, deny: [401], probeOracle: .forgedTokenAccepted, rowChanged: false) == [.denialStatus])
        #expect(RefusalOracle.judge(status: 401, deny: [401], probeOracle: .forgedTokenAccepted, rowChanged: true) == [.silentWrite],
                "refused, yet the row changed")
    }

    // MARK: the blind cases

    @Test func ownCallsRefusedForAnotherReasonProveNothing() {
        for status in [401, 403, 404, 405, 400, 422, 500, 503] {
            #expect(OwnCallOracle.refusal(status: status) != nil, "\(status) cannot be judged")
        }
        for status in [200, 201, 204] { #expect(OwnCallOracle.refusal(status: status) == nil, "\(status) can be judged") }
    }

    @Test func aCriterionIsNeverPassedByCasesThatCouldNotJudgeIt() {
        func verdict(_ outcomes: [Outcome]) -> CriterionVerdict.Verdict? {
            CriterionVerdict.judge(outcomes.map { CaseResult(name: "c", criterion: "SC-004", seconds: 0, outcome: $0) }).first?.verdict
        }
        let finding = Finding(oracle: .crossUserRead, message: "leak")
        #expect(verdict([.passed, .failed([finding]), .error(kind: .connectionError, message: "x")]) == .failed)
        #expect(verdict([.passed, .error(kind: .connectionError, message: "x")]) == .error)
        #expect(verdict([.passed, .notJudged("refused"), .skipped("no browser")]) == .passed)
        #expect(verdict([.notJudged("the owner's own call got 401"), .skipped("no browser")]) == .notJudged)
        #expect(verdict([.skipped("no browser")]) == .skipped)
        let judged = CriterionVerdict.judge([CaseResult(name: "a", criterion: "SC-003", seconds: 0, outcome: .passed),
                                             CaseResult(name: "b", criterion: "SC-003", seconds: 0, outcome: .notJudged("x"))])
        #expect(judged.first?.judged == 1 && judged.first?.cases == 2)
    }

    // MARK: expected state

    @Test func expectedStateOracleSeesWhatTheAPIHid() throws {
        let resource = Resource.officialTasks
        func entry(_ id: String, deleted: Bool = false, title: String = "milk") -> Ledger.Entry {
            Ledger.Entry(resource: "tasks", id: id, owner: Self.alice, fields: ["title": .string(title)], deleted: deleted)
        }
        func row(owner: String = Self.alice, title: String = "milk") -> JSONValue {
            .object(JSONObject([("id", "1"), ("owner", .string(owner)), ("title", .string(title))]))
        }
        func judge(_ e: Ledger.Entry, _ r: JSONValue?) -> [Oracle] {
            ExpectedStateOracle.judge([e], rows: r.map { [e.id: $0] } ?? [:], resource: resource).map(\.oracle)
        }
        #expect(judge(entry("1"), row()) == [])
        #expect(judge(entry("1"), nil) == [.silentWrite], "gone, never deleted by its owner")
        #expect(judge(entry("1", deleted: true), nil) == [])
        #expect(judge(entry("1", deleted: true), row()) == [.lostWrite], "deleted through the API, still stored")
        #expect(judge(entry("1"), row(owner: Self.bob)) == [.crossUserWrite], "re-owned")
        #expect(judge(entry("1"), row(title: "changed")) == [.silentWrite], "changed by someone else")
    }

    @Test func aRowStoredAsOneUsersButWrittenByAnotherIsCaught() {
        let resource = Resource.officialTasks
        let bobs = Self.markers.make(owner: Self.bob, label: "bob")
        let alices = Self.markers.make(owner: Self.alice, label: "alice")
        func row(owner: String, title: String) -> JSONValue {
            .object(JSONObject([("id", 9), ("user_id", .string(owner)), ("title", .string(title))]))
        }
        let found = ExpectedStateOracle.strayRows([row(owner: Self.alice, title: bobs)], resource: resource, markers: Self.markers)
        #expect(found.map(\.oracle) == [.crossUserWrite])
        #expect(ExpectedStateOracle.strayRows([row(owner: Self.alice, title: alices), row(owner: Self.alice, title: "no marker")],
                                              resource: resource, markers: Self.markers).isEmpty, "own markers, or none, prove nothing")
    }

    // MARK: setup

    @Test func usersThatCouldNotBeCreatedOrGivenATokenAreNeverAPass() throws {
        // A refused sign-up is an error of the run's setup, never a finding (issue 9.2).
        guard case .error(let refused, _) = IdentityOracle.creationFailed(user: "ada", message: "422", unreachable: false, reports: true) else {
            Issue.record("a refused sign-up is an error"); return
        }
        #expect(refused == .userNotCreated)
        guard case .error(let kind, _) = IdentityOracle.creationFailed(user: "ada", message: "refused", unreachable: true, reports: true) else {
            Issue.record("an unreachable auth server is an error"); return
        }
        #expect(kind == .authUnreachable)
        #expect(IdentityOracle.creationFailed(user: "ada", message: "422", unreachable: false, reports: false).kind == .skipped)
        #expect(IdentityOracle.noToken(user: "ada", problems: ["no JWT"]).oracle == .tokenMissing)
        // A token step whose token does not verify fails as TokenInvalid, even with a 200.
        var o = Self.answer(Self.exchange(200, body: #"{"token": "x"}"#), expect: [200])
        o.tokenProblems = ["token of ada: signature does not verify"]
        #expect(Self.oracles(try Self.judge(o).outcome) == [.tokenInvalid])
    }

    @Test func aFailedQueryIsAFindingOnlyWhenTheSchemaIsMissingSomething() {
        func judge(_ kind: PostgresError.Kind, _ state: String?) -> Outcome {
            Outcome.database(PostgresError(kind: kind, message: "m", sqlstate: state))
        }
        #expect(Self.oracles(judge(.query, "42P01")) == [.missingTable])
        #expect(Self.oracles(judge(.query, "42703")) == [.missingColumn])
        guard case .error(.databaseUnreachable, _) = judge(.connection, nil) else { Issue.record("unreachable is an error"); return }
        guard case .error(.queryError, _) = judge(.query, "42501") else { Issue.record("permission denied is an error"); return }
    }

    // MARK: credentials

    @Test func oneCredentialOneAuthorizationHeader() {
        #expect(Credential.bearer("tok").header?.value == "Bearer tok")
        #expect(Credential.rawAuthorization("Basic x").header?.value == "Basic x")
        #expect(Credential.none.header == nil)
        let mine = [HTTPHeader("authorization", "Bearer given")]
        #expect(Credential.bearer("tok").adding(to: mine).map(\.value) == ["Bearer given"], "a header the caller set wins")
        let identity = Identity(logicalName: "a", id: "1", email: "a@x", name: "a", password: "p", apiToken: "tok",
                                signUp: Self.exchange(200))
        #expect(identity.credential.adding(to: []).map(\.value) == ["Bearer tok"], "never Bearer Bearer")
    }
}
