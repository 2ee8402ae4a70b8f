import ConformanceHTTP
import ConformancePostgres
import Foundation
import Testing
@testable import Conformance

/// Every output passes through one redactor: a real run's passwords, cookies, session tokens,
/// JWTs, the database password and BETTER_AUTH_SECRET must appear in none of them.
@Suite(.serialized) struct RedactionTests {
    @Test func noSecretReachesAnyOutput() async throws {
        let stack = try await ReferenceStack.shared()
        let redactor = Redactor()
        let target = try await Harness.target()
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-001", "SC-002", "SC-003"]), redactor: redactor, keep: false)
        // What the run learnt: every secret of every user it created, plus the two given ones.
        var secrets: [String] = [stack.secret, try #require(DatabaseURL.password(of: stack.databaseURL))]
        // The run's own users are cleaned up and their secrets were never exposed to the test, so
        // sign one more user up through the same redactor and plant all of its secrets in a
        // failure, a note and the evidence: the reporters must mask every one of them.
        let client = try HTTPClient(options: HTTPClientOptions())
        defer { client.shutdown() }
        let provider = BetterAuthProvider(client: BetterAuthClient(session: HTTPSession(client: client, timeout: 10), baseURL: target.authBaseURL),
                                          tokenSource: .jwtEndpoint, redactor: redactor)
        let identity = try await provider.create(logicalName: "redact", email: "redact-\(UUID().uuidString.prefix(8).lowercased())@redaction.conformance.test",
                                                 password: "Cf-" + UUID().uuidString, name: "Redaction")
        let token = try #require(identity.apiToken)
        let cookie = try #require(identity.cookie)
        let session = try #require(identity.sessionToken)
        secrets += [identity.password, token, session, cookie]
        var planted = result
        let leakyText = "password=\(identity.password) token=\(token) Cookie: \(cookie) session=\(session) db=\(stack.databaseURL) secret=\(stack.secret)"
        planted.suites[0].cases.append(CaseResult(name: "planted \(token)", criterion: "SC-000", file: "x", seconds: 0,
                                                  outcome: .failed([Finding(oracle: .crossUserRead, message: leakyText,
                                                                            evidence: [Evidence(.exchange, "t \(session)", leakyText)])])))
        planted.notes.append(leakyText)
        let outputs = [JUnitReport.render(planted, redactor: redactor), ResultsJSON.render(planted, redactor: redactor),
                       SummaryMarkdown.render(planted, redactor: redactor)]
        for output in outputs {
            for s in secrets { #expect(!output.contains(s), "a secret of length \(s.count) leaked") }
            #expect(output.contains(Redactor.mask))
        }
        // Clean up the extra user.
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        _ = try await db.connection.transaction { c in try await c.query("DELETE FROM \"user\" WHERE email LIKE '%@redaction.conformance.test'") }
    }
}
