import ConformanceHTTP
import ConformancePostgres
import Foundation
import Testing
@testable import Conformance

/// Better Auth in production allows 3 sign-ups (and 3 sign-ins) per 10 s per path and answers 429
/// with `X-Retry-After`; with no client IP every caller shares one bucket. The run paces all its
/// identity traffic through one queue: verdicts must not depend on the limit or on `--jobs`, the
/// waits must be reported, and a limit that outlasts the patience must end as an error.
@Suite(.serialized) struct RateLimitTests {
    /// (scenario, case, outcome) of every case, sorted: what "the same verdicts" means.
    static func verdicts(_ r: RunResult) -> [String] {
        r.suites.flatMap { s in s.cases.map { "\(s.scenarioID) | \($0.name) | \($0.outcome.kind.rawValue)" } }.sorted()
    }

    @Test func productionVerdictsEqualDevelopmentAtEveryJobCount() async throws {
        let scenarios = try Harness.scenarios(criteria: ["SC-004"])
        #expect(!scenarios.isEmpty)
        let own = try await ReferenceStack.PrivateStack(faults: [], environment: ["BETTER_AUTH_ENV": "production"])
        defer { own.stop() }
        let production = try await Harness.target(stack: own.stack)

        // The identity-heavy criteria too (sign-in steps, impostor sign-ins, Better Auth's own
        // protocol probes), each against a server of its own so that no other test's rows are
        // seen: verdicts in production mode equal those in development mode.
        let wide = try Harness.scenarios(criteria: ["SC-001", "SC-003", "SC-004", "SC-011"])
        let devStack = try await ReferenceStack.PrivateStack(faults: [], environment: ["BETTER_AUTH_ENV": "development"])
        defer { devStack.stop() }
        async let devWide = Harness.run(try await Harness.target(stack: devStack.stack), wide, jobs: 4, stack: devStack.stack)
        async let prodWide = Harness.run(production, wide, jobs: 4, stack: own.stack)

        // Side by side on one production server: the runs also compete for its one bucket, as
        // CI jobs sharing a staging server do. The last run's patience is nil: it must give up.
        async let dev = Harness.run(try await Harness.target(stack: devStack.stack), scenarios, jobs: 4, stack: devStack.stack)
        async let jobs1 = Harness.run(production, scenarios, jobs: 1, stack: own.stack)
        async let jobs4 = Harness.run(production, scenarios, jobs: 4, stack: own.stack)
        async let jobs8 = Harness.run(production, scenarios, jobs: 8, stack: own.stack)
        async let impatient = Harness.run(production, scenarios, jobs: 4, rateLimitPatience: 0, stack: own.stack)
        let reference = try await dev
        let runs = [(1, try await jobs1), (4, try await jobs4), (8, try await jobs8)]
        let exhausted = try await impatient

        #expect(reference.count(.failed) == 0 && reference.count(.error) == 0, "\(Harness.describe(reference))")
        #expect(reference.rateLimitWaits.isEmpty, "a development server does not rate-limit")
        for (jobs, run) in runs {
            #expect(run.count(.failed) == 0 && run.count(.error) == 0, "jobs \(jobs): \(Harness.describe(run))")
            #expect(Self.verdicts(run) == Self.verdicts(reference), "jobs \(jobs): verdicts differ from development mode")
            let waits = run.rateLimitWaits
            #expect(!waits.isEmpty, "jobs \(jobs): 13 sign-ups cannot pass a 3-per-10-s limit without waiting")
            #expect(waits.allSatisfy { !$0.gaveUp && $0.seconds > 0 && $0.scenario != nil })
            #expect(waits.contains { $0.route.hasSuffix("/sign-up/email") })
            // The waits reach every report.
            let note = try #require(run.notes.first { $0.contains("rate-limited the run") })
            #expect(note.contains("/sign-up/email"))
            #expect(SummaryMarkdown.render(run, redactor: Redactor()).contains("/sign-up/email"))
            let json = try JSONParser.parse(Array(ResultsJSON.render(run, redactor: Redactor()).utf8))
            #expect(json["rateLimitWaits"]?.arrayValue?.count == waits.count)
            let waited = Set(waits.compactMap(\.scenario))
            let junit = JUnitReport.render(run, redactor: Redactor())
            #expect(junit.components(separatedBy: "<property name=\"rateLimitWaits\"").count - 1 == waited.count)
            let (valid, complaint) = try JUnitSchema.validate(xml: junit)
            #expect(valid == 0, "\(complaint)")
            let total = waits.reduce(0) { $0 + $1.seconds }
            print(String(format: "production SC-004 at --jobs %d: %d wait(s), %.1f s waited (side by side with other runs)", jobs, waits.count, total))
        }

        let (wideDev, wideProd) = (try await devWide, try await prodWide)
        #expect(wideDev.rateLimitWaits.isEmpty, "a development server does not rate-limit")
        #expect(!wideProd.rateLimitWaits.isEmpty)
        #expect(wideProd.count(.error) == 0, "\(Harness.describe(wideProd))")
        #expect(Self.verdicts(wideProd) == Self.verdicts(wideDev),
                "SC-001/003/004/011: production verdicts differ: \(Set(Self.verdicts(wideProd)).symmetricDifference(Self.verdicts(wideDev)).sorted().prefix(10))")

        // No patience: the sign-ups the limit refused end as errors, never as findings about the app.
        #expect(exhausted.count(.failed) == 0, "\(Harness.describe(exhausted))")
        #expect(exhausted.count(.error) > 0)
        let errors = exhausted.allCases.compactMap { c -> (ErrorKind, String)? in
            if case .error(let kind, let message) = c.outcome { return (kind, message) } else { return nil }
        }
        #expect(errors.contains { $0.0 == .authUnreachable && $0.1.contains("rate-limited") }, "\(errors)")
        #expect(exhausted.rateLimitWaits.contains { $0.gaveUp })
        #expect(exhausted.notes.contains { $0.contains("gave up") })
        // Its users were still cleaned up: none of that run's domain is left.
        let db = try await Database.connect(url: own.stack.databaseURL)
        defer { db.close() }
        for run in runs.map(\.1) + [exhausted] {
            let left = try await db.connection.query("SELECT count(*) FROM \"user\" WHERE email LIKE $1",
                                                     [TestEmails(runID: run.runID).likePattern])
            #expect(left.rows.first?.first == .int(0), "run \(run.runID) left users behind")
        }
    }

    // MARK: reading the server's answers (no network)

    static func answer(_ headers: [HTTPHeader]) -> HTTPResponse {
        HTTPResponse(status: 429, headers: headers, body: [], effectiveURL: "http://127.0.0.1:1/api/auth/sign-up/email")
    }

    @Test func retryAfterReadsBetterAuthsHeaderAndTheStandardOne() throws {
        #expect(PacedSession.retryAfter(Self.answer([HTTPHeader("X-Retry-After", "7")])) == 7)
        #expect(PacedSession.retryAfter(Self.answer([HTTPHeader("Retry-After", "2.5")])) == 2.5)
        let now = try #require(PacedSession.httpDate("Tue, 01 Dec 2026 10:00:00 GMT"))
        #expect(PacedSession.retryAfter(Self.answer([HTTPHeader("Retry-After", "Tue, 01 Dec 2026 10:00:30 GMT")]), now: now) == 30)
        #expect(PacedSession.retryAfter(Self.answer([HTTPHeader("Retry-After", "soon")])) == nil)
        #expect(PacedSession.retryAfter(Self.answer([HTTPHeader("Retry-After", "-3")])) == nil)
        #expect(PacedSession.retryAfter(Self.answer([])) == nil)
    }

    @Test func routesAreKeyedByOriginAndPathNotQuery() {
        let a = PacedSession.bucketKey("https://app.example/api/auth/token?x=1")
        let b = PacedSession.bucketKey("https://app.example/api/auth/token")
        let c = PacedSession.bucketKey("https://other.example/api/auth/token")
        #expect(a.id == b.id && a.id != c.id)
        #expect(a.route == "/api/auth/token")
    }

    @Test func aRefusalPastThePatienceIsATransportErrorKeepingThe429() {
        let req = HTTPRequest(method: "POST", url: "http://127.0.0.1:1/api/auth/sign-up/email")
        let ex = Exchange(request: req, response: Self.answer([HTTPHeader("X-Retry-After", "9")]), transportError: nil, seconds: 0.01)
        let out = PacedSession.exhausted(ex, asked: 9, refusedFor: 121, patience: 120)
        #expect(out.status == 429)
        #expect(out.transportError?.kind == .rateLimited)
        #expect(out.transportError?.message.contains("/api/auth/sign-up/email answered 429 (retry after 9 s)") == true)
    }

    @Test func theNoteSumsWaitsPerRoute() throws {
        let waits = [RateLimitWait(route: "/a", seconds: 9.5, scenario: "S1", gaveUp: false),
                     RateLimitWait(route: "/b", seconds: 1, scenario: nil, gaveUp: false),
                     RateLimitWait(route: "/a", seconds: 10, scenario: "S2", gaveUp: false),
                     RateLimitWait(route: "/a", seconds: 0, scenario: "S2", gaveUp: true)]
        let line = try #require(RateLimitWait.summary(waits))
        #expect(line.contains("20.5 s in all"))
        #expect(line.contains("/a 2 wait(s), 19.5 s, 1 request(s) gave up"))
        #expect(line.contains("/b 1 wait(s), 1.0 s"))
        #expect(RateLimitWait.summary([]) == nil)
    }
}
