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

    /// Every file a run leaves (reports/, the journal, screenshots) and its console, `-v`.
    static func outputs(console: String, reports: String) -> [(String, String)] {
        var out = [("console", console)]
        let files = FileManager.default.enumerator(atPath: reports)?.compactMap { $0 as? String } ?? []
        for f in files {
            guard let data = FileManager.default.contents(atPath: reports + "/" + f) else { continue }
            out.append((f, String(decoding: data, as: UTF8.self)))
        }
        return out
    }

    /// What a secret the harness generates looks like, for outputs where its value is unknown to
    /// the test: a generated password, a JWT, a bearer or basic credential, a session cookie.
    static let shapes: [(String, String)] = [
        ("generated password", #"(Cf|Wrong)-[A-Za-z0-9]{26}9z"#),
        ("JWT", #"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"#),
        ("Authorization", #"(?i)authorization: *(bearer|basic) +(?!«redacted»)[A-Za-z0-9._~+/=-]{8,}"#),
        ("session cookie", #"session_token=(?!«redacted»)[A-Za-z0-9._~+/%=-]{8,}"#),
    ]

    /// A passing run and a failing one, `-v`, through the command line as a user runs it, with
    /// every kind of secret planted where it can be: BETTER_AUTH_SECRET and BETTER_AUTH_SECRETS,
    /// the database password, a password in the API URL's userinfo; the users' passwords (their
    /// impostors' and re-sign-ups' too), cookies, session tokens, JWTs and Authorization headers
    /// the run makes. None may reach the console or any file the run writes.
    @Test(arguments: ["passing", "failing"])
    func noSecretInTheConsoleOrAnyFileOfARun(_ kind: String) async throws {
        let stack = try await ReferenceStack.shared()
        let api = kind == "failing" ? try await ReferenceStack.ExtraAPI(faults: ["list-unfiltered"]) : nil
        defer { api?.stop() }
        let userinfoPassword = "ui" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let versioned = ["v" + UUID().uuidString.replacingOccurrences(of: "-", with: ""), "w" + UUID().uuidString.replacingOccurrences(of: "-", with: "")]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in stack.values { env[k] = v }
        env["CI"] = "true"
        env["BETTER_AUTH_SECRETS"] = "2:\(versioned[0]),1:\(versioned[1])"
        let base = URLComponents(string: api?.url ?? stack.apiURL)
        var withUserinfo = try #require(base)
        withUserinfo.user = "reader"
        withUserinfo.password = userinfoPassword
        // Userinfo only in the failing run: curl turns it into Basic auth, which some checks see.
        let apiURL = kind == "failing" ? try #require(withUserinfo.string) : stack.apiURL
        let reports = NSTemporaryDirectory() + "redaction-\(kind)-\(UUID().uuidString)"
        let criteria = kind == "failing" ? ["SC-004", "SC-003"] : ["SC-001", "SC-003", "SC-011"]
        let (status, console) = try await ReferenceStack.run([Harness.binary(), "run", "--target", Harness.patientTarget, "-v", "--keep", "--api-url", apiURL, "--reports", reports]
                                                             + criteria.flatMap { ["--criterion", $0] } + [Harness.packPath], environment: env)
        #expect(kind == "failing" ? status == 1 : (status == 0 || status == 1), "\(console)")
        let run = try #require(CommandLineTests.runID(in: console))

        // The run's users were kept: their sessions, read from the database, are the cookies'
        // and session tokens' values.
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        let sessions = try await db.read("""
            SELECT s.token FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email LIKE $1
            """, [TestEmails(runID: run).likePattern]).compactMap { $0["token"]?.stringValue }
        #expect(!sessions.isEmpty)
        let known = [stack.secret, try #require(DatabaseURL.password(of: stack.databaseURL)), userinfoPassword] + versioned + sessions
        let outputs = Self.outputs(console: console, reports: reports)
        #expect(outputs.count >= 5, "console, junit.xml, results.json, summary.md, report.html")
        for (name, text) in outputs {
            for secret in known where text.contains(secret) {
                Issue.record("\(kind): \(name) shows a secret of length \(secret.count)")
            }
            for (what, pattern) in Self.shapes {
                if let r = text.range(of: pattern, options: .regularExpression) {
                    Issue.record("\(kind): \(name) shows a \(what): …\(text[r].prefix(12))…")
                }
            }
        }
        let (cleaned, cleanOut) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports, "--run", run], environment: env)
        #expect(cleaned == 0, "\(cleanOut)")
        for secret in known { #expect(!cleanOut.contains(secret)) }
    }

    /// The shapes above find what they hunt, and not the mask: otherwise the run test is blind.
    @Test func theSecretShapesRecogniseSecretsAndNotTheMask() {
        func hit(_ text: String) -> Bool { Self.shapes.contains { text.range(of: $0.1, options: .regularExpression) != nil } }
        #expect(hit(Redactor().newPassword()))
        #expect(hit(Redactor().newPassword(prefix: "Wrong-")))
        #expect(hit("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl"))
        #expect(hit("Authorization: Bearer abcdefghijklmnop"))
        #expect(hit("cookie: better-auth.session_token=abcdefghijklmnop.sig"))
        #expect(!hit("Authorization: Bearer «redacted»"))
        #expect(!hit("better-auth.session_token=«redacted»"))
    }
}
