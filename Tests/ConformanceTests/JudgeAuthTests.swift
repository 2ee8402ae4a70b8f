import Foundation
import Testing
@testable import Conformance

/// The judge stage of the load, token-lifetime, impostor, layout and JWT-signature checks on
/// hand-built values: no server, no browser, no clock. Each oracle gets an input that breaks its
/// rule, one that keeps it, and the edges (boundaries, missing values) where a slip would flip
/// a verdict.
@Suite struct JudgeAuthTests {
    static func summary(p95: Double, count: Int = 100, errors: Int = 0) -> LatencyHistogram.Summary {
        LatencyHistogram.Summary(count: count, errors: errors, p50: p95 / 2, p95: p95, p99: p95 * 1.5, max: p95 * 2, mean: p95 / 2)
    }

    static func oracle(_ v: LatencyOracle.Verdict) -> Oracle? {
        if case .breach(let o, _) = v { return o }
        return nil
    }

    // MARK: latency

    @Test func p95OverTheBudgetBreaksIt() {
        let v = LatencyOracle.judge(Self.summary(p95: 0.250), seconds: 10, budgetMs: 200, deletesOnly: false)
        #expect(v == .breach(.latencyBudget, "p95 250.0 ms exceeds the 200 ms budget (p50 125.0 ms, p99 375.0 ms, max 500.0 ms; 100 request(s), 0 error(s), 10.0 req/s)"))
    }

    @Test func p95AtOrUnderTheBudgetKeepsIt() {
        guard case .within(let note) = LatencyOracle.judge(Self.summary(p95: 0.2), seconds: 4, budgetMs: 200, deletesOnly: false) else {
            Issue.record("p95 exactly at the budget must pass"); return
        }
        #expect(note.hasPrefix("p95 200.0 ms within the 200 ms budget"))
        #expect(note.contains("25.0 req/s"))
        #expect(Self.oracle(LatencyOracle.judge(Self.summary(p95: 0.2001), seconds: 4, budgetMs: 200, deletesOnly: false)) == .latencyBudget)
        #expect(Self.oracle(LatencyOracle.judge(Self.summary(p95: 0.0005), seconds: 4, budgetMs: 0.5, deletesOnly: false)) == nil)
    }

    @Test func anOperationNeverSentIsNotJudgedAndZeroSecondsIsNoRate() {
        #expect(LatencyOracle.judge(nil, seconds: 5, budgetMs: 200, deletesOnly: true) == .notSent("the load phase created no object to delete"))
        #expect(LatencyOracle.judge(nil, seconds: 5, budgetMs: 200, deletesOnly: false)
            == .notSent("no request of this operation was sent (no object to act on: the creates failed)"))
        guard case .within(let note) = LatencyOracle.judge(Self.summary(p95: 0.01), seconds: 0, budgetMs: 200, deletesOnly: false) else {
            Issue.record("expected a pass"); return
        }
        #expect(note.contains("0.0 req/s"))
    }

    @Test func budgetsPrintAsPeopleWriteThem() {
        #expect(LatencyOracle.figure(200) == "200")
        #expect(LatencyOracle.figure(0.5) == "0.5")
        #expect(LatencyOracle.ms(0.12345) == "123.5 ms")
    }

    // MARK: load problems

    @Test func statusesUnderLoadAreClassified() {
        #expect(LoadOracle.problem(status: nil) == .noAnswer)
        #expect(LoadOracle.problem(status: 500) == .serverError)
        #expect(LoadOracle.problem(status: 503) == .serverError)
        #expect(LoadOracle.problem(status: 404) == .unexpectedStatus)
        #expect(LoadOracle.problem(status: 302) == .unexpectedStatus)
        #expect(LoadOracle.problem(status: 199) == .unexpectedStatus)
        #expect(LoadOracle.problem(status: 200) == nil)
        #expect(LoadOracle.problem(status: 204) == nil)
        #expect(LoadProblem.allCases.map(\.oracle) == [.noAnswer, .serverError, .unexpectedStatus, .specMismatch])
    }

    @Test func problemsAreListedInTheirOrderWithCountsPerOperation() {
        let counts: [LoadProblem: (count: Int, byOperation: [String: Int])] = [
            .unexpectedStatus: (3, ["tasks.update": 1, "tasks.get": 2]),
            .noAnswer: (1, ["tasks.list": 1]),
            .serverError: (0, [:]),
        ]
        let found = LoadOracle.problems(counts, total: 40)
        #expect(found.map(\.problem) == [.noAnswer, .unexpectedStatus])
        #expect(found.map(\.oracle) == [.noAnswer, .unexpectedStatus])
        #expect(found.last?.message == "3 of 40 request(s) under load: other non-2xx (tasks.get 2, tasks.update 1)")
        #expect(LoadOracle.problems([:], total: 40).isEmpty, "every answer a usable 2xx passes")
        #expect(LoadOracle.problems([.noID: (2, ["tasks.create": 2])], total: 9).map(\.oracle) == [.specMismatch])
    }

    @Test func failedSetupIsTheAppsFault() {
        #expect(LoadOracle.setup(failed: 0, user: "alice") == nil)
        #expect(LoadOracle.setup(failed: 2, user: "alice")
            == LoadOracle.Breach(oracle: .setupFailed, message: "2 create(s) as alice failed; its workers have fewer objects to act on"))
    }

    @Test func aMarkerUnderLoadIsALeakAndNoMarkerIsNot() {
        #expect(LoadOracle.leak(viewer: "alice", label: "tasks.list", status: 200, markers: 0, owners: []) == nil)
        let leak = LoadOracle.leak(viewer: "alice", label: "tasks.list", status: 403, markers: 2, owners: ["bob", "carol"])
        #expect(leak?.oracle == .crossUserRead, "whatever the status")
        #expect(leak?.message == "under load, alice's tasks.list answer (status 403) held 2 marker(s) of bob, carol")
    }

    @Test func leaksBeyondTheKeptOnesAreCounted() {
        #expect(LoadOracle.leaks(kept: [], total: 0).isEmpty)
        let kept = (0..<5).map { Finding(oracle: .crossUserRead, message: "leak \($0)") }
        let all = LoadOracle.leaks(kept: kept, total: 7)
        #expect(all.count == 6)
        #expect(all.last?.message == "2 more answer(s) under load held other users' markers")
        #expect(all.allSatisfy { $0.oracle == .crossUserRead })
        #expect(LoadOracle.leaks(kept: Array(kept.prefix(1)), total: 1).count == 1)
        // A count without kept evidence still fails: the count alone proves the leak.
        #expect(LoadOracle.leaks(kept: [], total: 3).map(\.message) == ["3 more answer(s) under load held other users' markers"])
    }

    // MARK: audit after load

    static func rowFinding(_ oracle: Oracle, id: String, owner: String) -> Finding {
        Finding(oracle: oracle, message: "tasks \(id) of user \(owner) was changed by someone else",
                evidence: [Evidence(.rows, "public.tasks where id = \(id)", "{}")])
    }

    @Test func aCleanAuditPassesWithItsNotes() {
        guard case .clean(let notes) = LoadOracle.audit([], uncertain: [], untrackedCreates: 0, names: [], limit: 10) else {
            Issue.record("no finding must pass"); return
        }
        #expect(notes.isEmpty)
        guard case .clean(let more) = LoadOracle.audit([Self.rowFinding(.silentWrite, id: "7", owner: "u1")], uncertain: ["7"],
                                                       untrackedCreates: 2, names: [], limit: 10) else {
            Issue.record("a difference on an uncertain object is not a breach"); return
        }
        #expect(more == ["1 difference(s) on objects whose last write got no answer were not counted",
                         "2 create(s) got no usable answer, so stray rows were not looked for"])
    }

    @Test func auditFindingsNameTheUsersAndAreCapped() {
        let raw = [Self.rowFinding(.silentWrite, id: "1", owner: "u1"), Self.rowFinding(.lostWrite, id: "2", owner: "u2"),
                   Self.rowFinding(.crossUserWrite, id: "3", owner: "u1"), Self.rowFinding(.crossUserWrite, id: "4", owner: "u1"),
                   Self.rowFinding(.silentWrite, id: "5", owner: "u1")]
        guard case .breach(let out) = LoadOracle.audit(raw, uncertain: ["5"], untrackedCreates: 0,
                                                       names: [("u1", "alice"), ("u2", "bob")], limit: 2) else {
            Issue.record("expected a breach"); return
        }
        #expect(out.map(\.oracle) == [.silentWrite, .lostWrite, .silentWrite], "the count takes the first finding's oracle")
        #expect(out[0].message == "tasks 1 of user alice (u1) was changed by someone else")
        #expect(out[2].message == "2 more object(s) differ from their owners' own operations (2 crossUserWrite)")
        #expect(out[0].evidence.last?.body == "1 difference(s) on objects whose last write got no answer were not counted")
        #expect(out[1].evidence.count == 1)
    }

    @Test func anAuditUnderTheCapKeepsEveryFindingAndNoNote() {
        let raw = [Self.rowFinding(.orphanRow, id: "9", owner: "u2")]
        guard case .breach(let out) = LoadOracle.audit(raw, uncertain: ["8"], untrackedCreates: 0, names: [], limit: 10) else {
            Issue.record("expected a breach"); return
        }
        #expect(out.map(\.oracle) == [.orphanRow])
        #expect(out[0].evidence.count == 1, "nothing was left unjudged")
    }

    // MARK: token lifetime

    @Test func theLifetimeIsReadFromTheClaims() {
        #expect(TokenLifetimeOracle.reading(exp: 2000, iat: 1100, now: 1500) == .init(seconds: 900, how: "exp - iat"))
        #expect(TokenLifetimeOracle.reading(exp: 2000, iat: nil, now: 1500) == .init(seconds: 500, how: "exp - now (no iat claim: a lower bound)"))
        #expect(TokenLifetimeOracle.reading(exp: nil, iat: 1100, now: 1500) == nil)
    }

    @Test func aLifetimeWithinTheToleranceKeepsTheRule() {
        let week = 604_800.0
        #expect(TokenLifetimeOracle.lifetime(.init(seconds: week, how: "exp - iat"), expected: week, tolerance: 3600)
            == .kept("tokens live 604800 s (7 days); the spec states 7 days (604800 s ± 3600 s)"))
        // The tolerance is inclusive on both sides.
        guard case .kept = TokenLifetimeOracle.lifetime(.init(seconds: week - 3600, how: ""), expected: week, tolerance: 3600),
              case .kept = TokenLifetimeOracle.lifetime(.init(seconds: week + 3600, how: ""), expected: week, tolerance: 3600) else {
            Issue.record("exactly at the tolerance passes"); return
        }
        guard case .breach(.tokenLifetime, _) = TokenLifetimeOracle.lifetime(.init(seconds: week + 3601, how: ""), expected: week, tolerance: 3600) else {
            Issue.record("one second past the tolerance fails"); return
        }
    }

    @Test func betterAuthsDefaultLifetimeIsNamedWhenItBreaksTheRule() {
        #expect(TokenLifetimeOracle.lifetime(.init(seconds: 900, how: "exp - iat"), expected: 604_800, tolerance: 3600)
            == .breach(.tokenLifetime, "tokens live 900 s (15 min, Better Auth's default); the spec states 7 days (604800 s ± 3600 s)"))
        #expect(TokenLifetimeOracle.lifetime(.init(seconds: 3600, how: "exp - iat"), expected: 604_800, tolerance: 0)
            == .breach(.tokenLifetime, "tokens live 3600 s (1 h); the spec states 7 days (604800 s ± 0 s); Better Auth's default is 15 min"))
    }

    @Test func aTokenWithoutExpNeverExpiresAndAnExpiredOneLivesNegative() {
        #expect(TokenLifetimeOracle.lifetime(nil, expected: 900, tolerance: 60)
            == .breach(.tokenLifetime, "the token has no exp claim: it never expires; the spec states 15 min (900 s ± 60 s)"))
        guard case .breach(.tokenLifetime, let m) = TokenLifetimeOracle.lifetime(.init(seconds: -30, how: ""), expected: 900, tolerance: 60) else {
            Issue.record("a negative lower bound is no lifetime"); return
        }
        #expect(m.hasPrefix("tokens live -30 s (-30 s)"))
    }

    @Test func hugeClaimsPrintInsteadOfTrapping() {
        #expect(TokenLifetimeOracle.int(1e300) == "1e+300")
        #expect(TokenLifetimeOracle.duration(1e300) == "1e+300 s")
        #expect(TokenLifetimeOracle.duration(5400) == "1 h 30 min")
        #expect(TokenLifetimeOracle.duration(0) == "0 s")
    }

    @Test func theExpiredProbeNeedsAnAcceptedControl() {
        #expect(TokenLifetimeOracle.controlRefusal(status: 200) == nil)
        #expect(TokenLifetimeOracle.controlRefusal(status: 204) == nil)
        #expect(TokenLifetimeOracle.controlRefusal(status: 401)
            == "the genuine token itself was refused (401): a refusal of the expired one would prove nothing")
        #expect(TokenLifetimeOracle.controlRefusal(status: 302) != nil)
        #expect(TokenLifetimeOracle.controlRefusal(status: nil)?.contains("(0)") == true)
    }

    @Test func anExpiredTokenMustBeRefused() {
        #expect(TokenLifetimeOracle.expired(status: 401, controlStatus: 200, resource: "tasks")
            == .kept("refused with 401; the genuine token was accepted with 200"))
        guard case .kept = TokenLifetimeOracle.expired(status: 403, controlStatus: 200, resource: "tasks") else {
            Issue.record("403 still refuses the token"); return
        }
        #expect(TokenLifetimeOracle.expired(status: 200, controlStatus: 200, resource: "tasks")
            == .breach(.expiredTokenAccepted, "tasks.list answered 200 to a validly signed token that expired an hour ago; expired tokens must be refused (401)"))
        // Only a success accepts it; a 404 or a 5xx while the genuine token got 200 is no pass either.
        for status in [404, 500, 302] {
            guard case .breach(.denialStatus, let m) = TokenLifetimeOracle.expired(status: status, controlStatus: 200, resource: "tasks") else {
                Issue.record("\(status) is neither an acceptance nor a refusal"); return
            }
            #expect(m.contains("while the genuine token got 200"))
        }
    }

    // MARK: impostors

    @Test func aWrongPasswordMustYieldNoCredential() {
        let kept = "bob's own password got a session on the same route"
        #expect(ImpostorOracle.wrongPassword(status: 401, credentialIssued: true, control: nil, victim: "bob") == .kept(title: "refused", note: "answered 401; " + kept))
        #expect(ImpostorOracle.wrongPassword(status: 200, credentialIssued: false, control: nil, victim: "bob")
            == .kept(title: "no credential", note: "answered 200 but issued no token or session; bob's own password got one on the same route"))
        #expect(ImpostorOracle.wrongPassword(status: 200, credentialIssued: true, control: nil, victim: "bob")
            == .breach(.impostorSignIn, "signing in as bob with a wrong password answered 200 with a token or session"))
        #expect(ImpostorOracle.wrongPassword(status: 299, credentialIssued: true, control: "no control", victim: "bob") == .breach(.impostorSignIn,
                "signing in as bob with a wrong password answered 299 with a token or session"), "an acceptance needs no control")
        // Only a 2xx can hand out a credential: a redirect counts as refused.
        #expect(ImpostorOracle.wrongPassword(status: 302, credentialIssued: true, control: nil, victim: "bob") == .kept(title: "refused", note: "answered 302; " + kept))
    }

    @Test func aRefusedWrongPasswordNeedsTheControl() {
        let control = ImpostorOracle.signInControl(status: 401, credentialIssued: false, victim: "bob")
        #expect(control?.contains("bob's own sign-in on the same route answered 401") == true)
        #expect(ImpostorOracle.signInControl(status: 200, credentialIssued: false, victim: "bob")?.contains("no token or session") == true)
        #expect(ImpostorOracle.signInControl(status: 200, credentialIssued: true, victim: "bob") == nil)
        #expect(ImpostorOracle.wrongPassword(status: 401, credentialIssued: false, control: control, victim: "bob") == .notJudged(control ?? ""))
        for status in [404, 405, 429] {
            guard case .notJudged = ImpostorOracle.wrongPassword(status: status, credentialIssued: false, control: nil, victim: "bob") else {
                Issue.record("\(status) proves nothing"); continue
            }
        }
        guard case .error = ImpostorOracle.wrongPassword(status: 503, credentialIssued: false, control: nil, victim: "bob") else {
            Issue.record("a 5xx is the provider failing"); return
        }
    }

    @Test func aSecondSignUpMustNotAnswerWithTheVictimsID() {
        #expect(ImpostorOracle.signUpAnswer(status: 422, userID: "bob-id", victimID: "bob-id", victim: "bob") == .kept(title: "refused", note: "answered 422"))
        #expect(ImpostorOracle.signUpAnswer(status: 200, userID: "bob-id", victimID: "bob-id", victim: "bob")
            == .breach(.impostorSignUp, "the sign-up answered 200 with bob's own user id"))
        #expect(ImpostorOracle.signUpAnswer(status: 200, userID: "someone-else", victimID: "bob-id", victim: "bob") == nil, "the probe goes on")
        #expect(ImpostorOracle.signUpAnswer(status: 201, userID: nil, victimID: "bob-id", victim: "bob") == nil, "the probe goes on")
    }

    @Test func aSessionThatActsAsTheVictimIsABreach() {
        #expect(ImpostorOracle.issuedSession(owner: "bob-id", victimID: "bob-id", victim: "bob")
            == .breach(.impostorSignUp, "the sign-up issued a session that acts as bob"))
        #expect(ImpostorOracle.issuedSession(owner: "new-id", victimID: "bob-id", victim: "bob") == nil)
        #expect(ImpostorOracle.issuedSession(owner: nil, victimID: "bob-id", victim: "bob") == nil)
    }

    @Test func theImpostorsPasswordMustNotOpenTheVictimsAccount() {
        let breach = ImpostorOracle.Verdict.breach(.impostorSignUp, "after the second sign-up, bob's email signs in with the impostor's password")
        func judge(_ status: Int?, _ credential: Bool, _ user: String?) -> ImpostorOracle.Verdict {
            ImpostorOracle.impostorPassword(status: status, credentialIssued: credential, userID: user, signUpStatus: 200, control: nil, victimID: "bob-id", victim: "bob")
        }
        #expect(judge(200, true, "bob-id") == breach)
        #expect(judge(200, true, nil) == breach, "an unnamed user behind the victim's email is the victim")
        #expect(judge(200, true, "other-id") != breach)
        #expect(judge(200, false, "bob-id") != breach)
        #expect(judge(401, true, "bob-id") != breach)
        #expect(judge(nil, true, "bob-id") != breach)
        #expect(judge(401, false, nil) == .kept(title: "not bob",
                                                note: "answered 200, but the account it describes is not bob's and its password does not open bob's account; bob's own password still does"))
    }

    // MARK: layout

    @Test func unreadableWidthsAreAScenarioError() {
        #expect(LayoutOracle.widths(invalid: []) == nil)
        let bad = LayoutOracle.widths(invalid: ["wide", "10"])
        #expect(bad?.oracle == .scenarioError)
        #expect(bad?.message == "widths must look like \"320\" or \"320x640\": wide, 10")
    }

    @Test func aPhoneLaidOutAtDesktopWidthHasNoResponsiveViewport() {
        #expect(LayoutOracle.judge(width: 320, mobile: true, layoutWidth: 980, scrollWidth: 1200, offenders: [])
            == .breach(.responsiveLayout, "on a 320 px screen the page lays out 980 px wide and is shrunk to fit: no responsive <meta name=\"viewport\" content=\"width=device-width\">"))
        // One px of rounding is not a missing meta tag; nor is a desktop window wider than asked.
        #expect(LayoutOracle.judge(width: 320, mobile: true, layoutWidth: 321, scrollWidth: 321, offenders: []) == .fits("document 321 px wide in a 321 px viewport"))
        #expect(LayoutOracle.judge(width: 1280, mobile: false, layoutWidth: 1400, scrollWidth: 1400, offenders: []) == .fits("document 1400 px wide in a 1400 px viewport"))
    }

    @Test func aDocumentWiderThanItsViewportOverflows() {
        #expect(LayoutOracle.judge(width: 768, mobile: true, layoutWidth: 768, scrollWidth: 900, offenders: ["table.grid", "img#hero"])
            == .breach(.horizontalOverflow, "at 768 px the document is 900 px wide, 132 px more than its 768 px viewport (a horizontal scrollbar); sticking out: table.grid, img#hero"))
        guard case .breach(.horizontalOverflow, let m) = LayoutOracle.judge(width: 1280, mobile: false, layoutWidth: 1280, scrollWidth: 1282, offenders: []) else {
            Issue.record("two px past the viewport overflows"); return
        }
        #expect(!m.contains("sticking out"))
        #expect(LayoutOracle.judge(width: 1280, mobile: false, layoutWidth: 1280, scrollWidth: 1281, offenders: ["x"]) == .fits("document 1281 px wide in a 1280 px viewport"))
    }

    // MARK: JWT signatures

    @Test func aVerifiedTokenPassesWhateverTheAPIAnswered() {
        #expect(JWTSignatureOracle.token(problems: [], jwksURL: nil, apiStatus: 200, user: "alice") == nil)
        #expect(JWTSignatureOracle.token(problems: [], jwksURL: "http://auth.test/api/auth/jwks", apiStatus: 401, user: "alice") == nil)
    }

    @Test func aSymmetricTokenIsSaidSoWithoutTheSignatureNoise() {
        let b = JWTSignatureOracle.token(problems: ["algorithm HS256 is symmetric", "JWKS key for kid x not found", "the signature does not verify"],
                                         jwksURL: nil, apiStatus: 200, user: "alice")
        #expect(b == .init(oracle: .symmetricJWT, message: "alice's token is not a Better Auth JWT: algorithm HS256 is symmetric; the API accepted it (200)"))
    }

    @Test func anUnverifiedTokenNamesWhereTheKeysWereLookedFor() {
        let b = JWTSignatureOracle.token(problems: ["no JWKS to verify the signature against", "sub is x, expected alice-id"],
                                         jwksURL: "http://auth.test/api/auth/jwks", apiStatus: 401, user: "alice")
        #expect(b == .init(oracle: .unverifiedJWT,
                           message: "alice's token is not a Better Auth JWT: no JWKS could be fetched from http://auth.test/api/auth/jwks; sub is x, expected alice-id; the API answered 401"))
        let unsent = JWTSignatureOracle.token(problems: ["the signature does not verify"], jwksURL: nil, apiStatus: nil, user: "alice")
        #expect(unsent == .init(oracle: .unverifiedJWT, message: "alice's token is not a Better Auth JWT: the signature does not verify"))
        let noURL = JWTSignatureOracle.token(problems: ["no JWKS to verify the signature against"], jwksURL: nil, apiStatus: nil, user: "alice")
        #expect(noURL?.message == "alice's token is not a Better Auth JWT: no JWKS to verify the signature against")
    }

    @Test func aSecretSignedTokenMustBeRefusedWithADenial() {
        #expect(JWTSignatureOracle.secretSigned(status: 401, resource: "tasks") == nil)
        #expect(JWTSignatureOracle.secretSigned(status: 403, resource: "tasks") == nil)
        #expect(JWTSignatureOracle.secretSigned(status: 200, resource: "tasks")?.oracle == .secretSignedJWTAccepted)
        #expect(JWTSignatureOracle.secretSigned(status: 204, resource: "tasks")?.message
            == "tasks.list accepted an HS256 token signed with BETTER_AUTH_SECRET (204): the API verifies a custom JWT with the shared secret, not Better Auth's JWKS")
        #expect(JWTSignatureOracle.secretSigned(status: 404, resource: "tasks") == .init(oracle: .denialStatus, message: "answered 404; a refused token is 401 or 403"))
        #expect(JWTSignatureOracle.secretSigned(status: 500, resource: "tasks")?.oracle == .denialStatus)
    }
}
