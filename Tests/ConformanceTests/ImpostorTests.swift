import Foundation
import Testing
import TestSupport
@testable import Conformance

/// `Fixtures/fixture_api.py`: a small FastAPI app on the reference stack's PostgreSQL, in shapes
/// the reference app does not ship (a login that ignores the password, a verifier open to
/// algorithm confusion, an enum stored by name). Real FastAPI, real PostgreSQL, real HTTP.
final class FixtureAPI: Sendable {
    let url: String
    let prefix: String
    let pid: pid_t
    let databaseURL: String

    init(_ arguments: [String], stack: ReferenceStack.Stack) throws {
        prefix = "fx" + UUID().uuidString.prefix(8).lowercased().filter { $0.isLetter || $0.isNumber }
        databaseURL = stack.databaseURL
        let log = NSTemporaryDirectory() + "conformance-fixture-\(prefix).log"
        let python = ReferenceStack.root + "/reference-app/.venv/bin/python"
        let script = ReferenceStack.root + "/Tests/ConformanceTests/Fixtures/fixture_api.py"
        pid = try ChildProcess.start([python, "-u", script, "--database-url", stack.databaseURL, "--prefix", prefix, "--secret=" + stack.secret] + arguments,
                                     output: log)
        // A shared, busy machine: starting Python and FastAPI can take a while.
        var port: String?
        for _ in 0..<240 where port == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            port = text.split(separator: "\n").first { $0.hasPrefix("READY ") }.map { String($0.dropFirst(6)) }
            if port == nil { usleep(250_000) }
        }
        guard let port else {
            kill(pid, SIGTERM)
            ChildProcess.wait(for: pid)
            throw ReferenceStack.Failure(description: "the fixture API did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        url = "http://127.0.0.1:\(port)"
    }

    func stop() {
        kill(pid, SIGTERM)
        ChildProcess.wait(for: pid)
        _ = try? ChildProcess.runUnchecked("/usr/bin/env", ["psql", databaseURL, "-q", "-c",
            "DROP TABLE IF EXISTS \(prefix)_tasks; DROP TABLE IF EXISTS \(prefix)_users; DROP TYPE IF EXISTS \(prefix)_priority"])
    }

    /// A target for the fixture: its routes and table, with `auth` as given.
    func target(stack: ReferenceStack.Stack, auth: String) throws -> Target {
        let file = NSTemporaryDirectory() + "conformance-fixture-\(prefix).json"
        let text = """
        {
          \(auth)
          "api": { "url": "\(url)" },
          "database": { "expectNeon": false },
          "resources": { "tasks": {
            "table": "\(prefix)_tasks", "owner": "user_id",
            "routes": { "list": "GET /api/tasks", "create": "POST /api/tasks", "get": "GET /api/tasks/{id}",
                        "update": "PUT /api/tasks/{id}", "delete": "DELETE /api/tasks/{id}", "toggle": "PATCH /api/tasks/{id}/complete" }
          } }
        }
        """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { unlink(file) }
        return try TargetLoader(environment: stack.values).load(file: file, overrides: .init())
    }

    static let ownLogin = """
        "auth": { "identity": {
          "signUp": { "path": "/auth/signup", "body": { "name": "${name}", "email": "${email}", "password": "${password}" } },
          "signIn": { "path": "/auth/login", "body": { "email": "${email}", "password": "${password}" } },
          "token": "$.token", "userId": "$.user.id" } },
        """
}

/// Items 10–12 of issue 9 on real servers: an impostor sign-in is a breach of the victim's data,
/// forged claims are judged against what the app issues, algorithm confusion is tried with each
/// encoding of the key, and a value stored in another lossless form is equal.
@Suite(.serialized) struct ImpostorTests {
    static func pack(_ ids: Set<String>) throws -> [Scenario] {
        try ScenarioLoader.load(paths: [Harness.packPath]).filter { ids.contains($0.id) }.map(Harness.withoutTimeBudgets)
    }

    static func cases(_ r: RunResult, _ prefix: String) -> [CaseResult] { r.allCases.filter { $0.name.hasPrefix(prefix) } }

    @Test("a login that ignores the password: ImpostorSignIn, and the impostor's reads and write of the victim's task are SC-004")
    func anyPasswordBreachesTheVictimsData() async throws {
        let stack = try await ReferenceStack.shared()
        let api = try FixtureAPI(["--login", "any-password"], stack: stack)
        defer { api.stop() }
        let target = try api.target(stack: stack, auth: FixtureAPI.ownLogin)
        let result = try await Harness.run(target, try Self.pack(["SC-003-every-request-needs-a-valid-jwt"]))
        let failures = Harness.failures(result)
        #expect(failures["SC-003"]?.contains("ImpostorSignIn") == true, "\(failures)")
        #expect(failures["SC-004"]?.isSuperset(of: ["CrossUserRead", "CrossUserWrite"]) == true, "\(failures)")

        let signIn = try #require(result.allCases.first { $0.name == "sign-in as dora with a wrong password" })
        #expect(signIn.criterion == "SC-003")
        guard case .failed(let fs) = signIn.outcome, let note = fs.first?.evidence.first(where: { $0.title == "the password sent" }) else {
            Issue.record("no password note: \(signIn.outcome)"); return
        }
        // The proof that the password was wrong, without the password.
        #expect(note.body.contains("they differ") && note.body.contains("SHA-256"))
        #expect(!note.body.contains("Wrong-"), "\(note.body)")

        let data = Self.cases(result, "an impostor signed in with dora's email")
        #expect(data.count == 3, "\(data.map(\.name))")
        #expect(data.allSatisfy { $0.criterion == "SC-004" && $0.outcome.kind == .failed }, "\(data.map { "\($0.name): \($0.outcome.kind)" })")
        let update = try #require(data.first { $0.name.contains("updates") })
        guard case .failed(let updateFindings) = update.outcome else { return }
        // The database audit saw the row the impostor wrote.
        #expect(updateFindings.contains { $0.message.hasPrefix("database audit:") && $0.oracle == .crossUserWrite }, "\(updateFindings.map(\.message))")
    }

    @Test("a checked login on HS256 tokens without iss/aud: no impostor, wrong iss/aud are notes, an enum stored by name is equal")
    func ownLoginWithoutIssuerAndAnEnumByName() async throws {
        let stack = try await ReferenceStack.shared()
        let api = try FixtureAPI(["--login", "checked"], stack: stack)
        defer { api.stop() }
        let target = try api.target(stack: stack, auth: FixtureAPI.ownLogin)
        let result = try await Harness.run(target, try Self.pack(["SC-003-every-request-needs-a-valid-jwt", "SC-007-api-equals-database"]))
        #expect(result.count(.failed) == 0, "\(Harness.describe(result))")
        #expect(result.count(.error) == 0, "\(Harness.describe(result))")

        let signIn = try #require(result.allCases.first { $0.name == "sign-in as dora with a wrong password" })
        #expect(signIn.outcome.kind == .passed, "\(signIn.outcome)")
        #expect(Self.cases(result, "an impostor").isEmpty, "no impostor got in")

        // The app's tokens carry no iss and no aud: a token whose iss points elsewhere breaks no rule of theirs.
        for claim in ["iss", "aud"] {
            let probes = Self.cases(result, "wrong \(claim) → ")
            #expect(probes.count == 6, "\(probes.map(\.name))")
            for p in probes {
                guard case .notJudged(let why) = p.outcome else { Issue.record("\(p.name): \(p.outcome.kind)"); continue }
                #expect(why.contains("carry no \(claim)"), "\(why)")
            }
        }
        // The expired token, validly signed with the app's secret, is refused, and that refusal is proven.
        let expired = Self.cases(result, "expired → ")
        #expect(!expired.isEmpty && expired.allSatisfy { $0.outcome.kind == .passed }, "\(expired.map { "\($0.name): \($0.outcome.kind)" })")

        let compared = result.allCases.filter { $0.criterion == "SC-007" && $0.name.contains("equals the stored row") }
        #expect(compared.count >= 3 && compared.allSatisfy { $0.outcome.kind == .passed }, "\(compared.map { "\($0.name): \($0.outcome.kind)" })")
        let notes = compared.flatMap(\.evidence).filter { $0.title == "stored in another representation, equal" }.map(\.body)
        #expect(notes.contains { $0.contains("priority") && $0.contains("\"MEDIUM\"") && $0.contains("enum stored by its name") }, "\(notes)")
    }

    /// An expired token answered 404 or 500 while the genuine token gets 200 on the same list is
    /// not accepted (only a success is), and not a pass either: `DenialStatus`.
    @Test(arguments: [404, 500])
    func anExpiredTokenAnsweredNeither401Nor2xxIsADenialStatus(_ status: Int) async throws {
        let stack = try await ReferenceStack.shared()
        let api = try FixtureAPI(["--expired-status", String(status)], stack: stack)
        defer { api.stop() }
        let target = try api.target(stack: stack, auth: FixtureAPI.ownLogin)
        let result = try await Harness.run(target, try Self.pack(["SC-009-token-lifetime"]))
        let expired = try #require(result.allCases.first { $0.name == "an expired token is refused" })
        guard case .failed(let fs) = expired.outcome else { Issue.record("\(expired.outcome)"); return }
        #expect(fs.map(\.oracle) == [.denialStatus], "\(fs.map(\.message))")
        #expect(fs.first?.message.contains("answered \(status)") == true && fs.first?.message.contains("the genuine token got 200") == true)
    }

    /// No blind pass: told that the API takes Better Auth session tokens, the harness sends a
    /// credential the clean app refuses from everyone. Every forged probe is refused too — and
    /// none of those refusals may pass, since the genuine token got 401 on the same call.
    @Test func refusalsOfAnAPIThatRefusesTheGenuineTokenAreNotJudged() async throws {
        let stack = try await ReferenceStack.shared()
        let file = NSTemporaryDirectory() + "conformance-session-\(UUID().uuidString).json"
        try #"{"auth": {"token": "session"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        defer { unlink(file) }
        let target = try TargetLoader(environment: stack.values).load(file: file, overrides: .init())
        let text = #"{"id": "blind", "criterion": "SC-003", "title": "refused genuine token", "users": ["bla", "blb"], "steps": [{"check": "credentials"}]}"#
        let scenario = try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse(text), file: "blind.json"))
        let result = try await Harness.run(target, [scenario])
        // A session token is no JWT to forge from, and no object could be made: the four header
        // probes on list and create are what was sent.
        let sent = result.allCases.filter { $0.outcome.kind != .skipped }
        #expect(sent.count == 2 * TokenForge.headerNames.count, "\(result.allCases.map { "\($0.name): \($0.outcome.kind)" })")
        #expect(sent.allSatisfy { $0.outcome.kind == .notJudged }, "\(sent.filter { $0.outcome.kind != .notJudged }.map { "\($0.name): \($0.outcome.kind)" })")
        #expect(sent.allSatisfy { $0.outcome.reason?.contains("the genuine token got 401") == true })
    }

    /// The reference app's `custom-auth` fault: home-made HS256 tokens without iss or aud. A
    /// validly signed token with a wrong iss is accepted there, and that is a note, not a failure.
    @Test func customAuthWrongIssuerIsANoteNotAFailure() async throws {
        let own = try await ReferenceStack.PrivateStack(faults: ["custom-auth"])
        defer { own.stop() }
        let target = try await Harness.target(targetFile: "targets/custom-auth-example.json", stack: own.stack)
        let result = try await Harness.run(target, try Self.pack(["SC-003-every-request-needs-a-valid-jwt"]))
        for claim in ["iss", "aud"] {
            let probes = Self.cases(result, "wrong \(claim) → ")
            #expect(probes.count == 6, "\(probes.map(\.name))")
            for p in probes {
                guard case .notJudged(let why) = p.outcome else { Issue.record("\(p.name): \(p.outcome.kind) \(Harness.describe(result))"); continue }
                #expect(why.contains("carry no \(claim)"), "\(why)")
            }
        }
        // Its login checks bcrypt: the wrong password is refused, proven by the right one getting a token.
        let signIn = try #require(result.allCases.first { $0.name == "sign-in as dora with a wrong password" })
        #expect(signIn.outcome.kind == .passed, "\(signIn.outcome)")
    }

    @Test("algorithm confusion is caught for each encoding of the public key a verifier may hold",
          arguments: [("pem", "PEM"), ("pem-nonl", "PEM without final newline"), ("der", "DER"), ("raw", "raw key bytes"), ("jwk", "JWK JSON")])
    func algorithmConfusionPerEncoding(_ encoding: String, _ probe: String) async throws {
        let stack = try await ReferenceStack.shared()
        let base = try await Harness.target().authBaseURL
        let api = try FixtureAPI(["--jwks", base + "/jwks", "--hmac-key", encoding, "--issuer", stack.authURL], stack: stack)
        defer { api.stop() }
        let target = try api.target(stack: stack, auth: "")
        let text = #"{"id": "alg-confusion", "criterion": "SC-003", "title": "algorithm confusion", "users": ["acx", "acy"], "steps": [{"check": "credentials"}]}"#
        let scenario = try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse(text), file: "alg-confusion.json"))
        let result = try await Harness.run(target, [scenario])
        #expect(result.count(.error) == 0, "\(Harness.describe(result))")
        let failed = result.allCases.filter { $0.outcome.kind == .failed }
        let name = "HS256 keyed with the JWKS key (\(probe)) → "
        #expect(failed.count == 6 && failed.allSatisfy { $0.name.hasPrefix(name) }, "\(encoding): \(Harness.describe(result))")
        #expect(Set(Harness.failures(result)["SC-003"] ?? []) == ["ForgedTokenAccepted"])
        // The other encodings were refused while the genuine token was accepted: proven passes.
        let others = result.allCases.filter { $0.name.hasPrefix("HS256 keyed with the JWKS key") && !$0.name.hasPrefix(name) }
        #expect(others.count == 24 && others.allSatisfy { $0.outcome.kind == .passed }, "\(others.map { "\($0.name): \($0.outcome.kind)" })")
    }
}
