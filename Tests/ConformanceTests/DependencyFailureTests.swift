import ConformanceHTTP
import Testing
@testable import Conformance

/// A dependency's failure is an error, never a finding (issue 10.1): the auth server answering
/// 500 (its database stopped) while a case was being observed leaves the case unproven.
@Suite struct DependencyFailureTests {
    static let auth = "http://auth.test/api/auth"

    static func failed(_ oracle: Oracle, evidence: [Exchange]) -> CaseResult {
        CaseResult(name: "case", seconds: 0, outcome: .failed([Finding(oracle: oracle, message: "m")]),
                   evidence: evidence.map { Evidence("ex", $0) })
    }

    static func judged(_ c: CaseResult, databaseDown: Bool = false) -> CaseResult {
        DependencyFailure.judge(c, authBaseURL: auth, databaseDown: databaseDown)
    }

    @Test func anAuthServer500MakesTheFailureAnError() {
        let out = Self.judged(Self.failed(.notBetterAuth, evidence: [JudgeTests.exchange(500, url: Self.auth + "/jwks")]))
        guard case .error(let kind, let message) = out.outcome else { Issue.record("expected an error, got \(out.outcome.kind.rawValue)"); return }
        #expect(kind == .dependencyFailed)
        #expect(message.contains("answered 500") && message.contains("/jwks") && message.contains("NotBetterAuth"))
    }

    @Test func anAPI500WhileTheDatabaseIsDownIsAnError() {
        let c = Self.failed(.serverError, evidence: [JudgeTests.exchange(500, url: "http://api.test/api/tasks")])
        #expect(Self.judged(c, databaseDown: true).outcome.kind == .error)
        #expect(Self.judged(c, databaseDown: false).outcome.kind == .failed)
        #expect(DependencyFailure.sawFailedAnswer(c))
        let clean = Self.failed(.crossUserRead, evidence: [JudgeTests.exchange(200, url: "http://api.test/api/tasks")])
        #expect(!DependencyFailure.sawFailedAnswer(clean))
        #expect(Self.judged(clean, databaseDown: true).outcome.kind == .failed, "no server failure seen: the finding stands")
    }

    /// The owner's own call refused while the database is down (the API could not verify the
    /// token): no finding. With the database up the same refusal is the app's answer.
    @Test func aRefusalWhileTheDatabaseIsDownIsAnError() {
        let c = Self.failed(.specMismatch, evidence: [JudgeTests.exchange(401, url: "http://api.test/api/u1/tasks")])
        #expect(DependencyFailure.sawFailedAnswer(c))
        guard case .error(let kind, let message) = Self.judged(c, databaseDown: true).outcome else { Issue.record("expected an error"); return }
        #expect(kind == .dependencyFailed && message.contains("answered 401") && message.contains("SpecMismatch"))
        #expect(Self.judged(c, databaseDown: false).outcome.kind == .failed)
    }

    @Test func anAuthServerThatDoesNotAnswerMakesTheFailureAnError() {
        let out = Self.judged(Self.failed(.unverifiedJWT, evidence: [JudgeTests.exchange(nil, url: Self.auth + "/token")]))
        #expect(out.outcome.kind == .error)
    }

    @Test func findingsTheAuthServerAnsweredNormallyStand() {
        let c = Self.failed(.notBetterAuth, evidence: [JudgeTests.exchange(200, url: Self.auth + "/jwks")])
        #expect(Self.judged(c).outcome.kind == .failed)
        // The API's own 500 is the app's answer, not a dependency's.
        let api = Self.failed(.crossUserRead, evidence: [JudgeTests.exchange(500, url: "http://api.test/api/tasks")])
        #expect(Self.judged(api).outcome.kind == .failed)
    }

    @Test func serverErrorFindingsAreWhatTheCheckLooksFor() {
        let c = Self.failed(.serverError, evidence: [JudgeTests.exchange(500, url: Self.auth + "/sign-up/email")])
        #expect(Self.judged(c).outcome.kind == .failed)
    }
}
