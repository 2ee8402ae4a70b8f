import ConformancePostgres
import Foundation
import Testing
@testable import Conformance

/// Apps whose users are not Better Auth's: their own register/login routes and users table,
/// sign-ups they refuse, and no login at all (issue 9, items 1, 2, 6, 7, 8).
@Suite(.serialized) struct IdentityShapesTests {
    /// Test addresses pass the common validators' rules while carrying the run id; domains the
    /// validators refuse (special-use names) are refused at load time with the reason.
    @Test func testAddressesCarryTheRunIDOnADomainValidatorsAccept() throws {
        let emails = TestEmails(runID: "r1a2b3c4d5")
        let a = emails.address(for: "Ada_Lovelace")
        #expect(a.hasPrefix("cf-r1a2b3c4d5-ada-lovelace-") && a.hasSuffix("@conformance.example.com"), "\(a)")
        #expect(emails.owns(a) && emails.owns(a.uppercased()))
        #expect(!emails.owns("cf-r1a2b3c4d5-ada@example.com") && !TestEmails(runID: "other").owns(a))
        #expect(emails.likePattern == #"cf-r1a2b3c4d5-%@conformance.example.com"#)
        #expect(TestEmails(runID: "r_1").likePattern.hasPrefix(#"cf-r\_1-"#), "LIKE wildcards in the run id are escaped")
        #expect(TestUserSettings.problem(withDomain: "qa.example.org") == nil)
        for bad in ["run.conformance.test", "x.invalid", "box.local", "localhost", "Upper.Example.com", "a..b.com"] {
            #expect(TestUserSettings.problem(withDomain: bad) != nil, "\(bad) must be refused")
        }
        let dir = NSTemporaryDirectory() + "conformance-domain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/t.json"
        try Data(#"{"users": {"emailDomain": "team.conformance.test"}}"#.utf8).write(to: URL(fileURLWithPath: file))
        let env = ["BETTER_AUTH_URL": "http://127.0.0.1:1", "API_URL": "http://127.0.0.1:2"]
        #expect { try TargetLoader(environment: env).load(file: file, overrides: .init()) } throws: { error in
            guard let e = error as? LoadError else { return false }
            return e.pointer == "/users/emailDomain" && e.message.contains("EmailStr")
        }
        var o = TargetLoader.Overrides()
        o.emailDomain = "qa.example.org"
        #expect(try TargetLoader(environment: env).load(file: nil, overrides: o).users.emailDomain == "qa.example.org")
    }

    /// Passwords meet the usual composition rules and bcrypt's 72-byte limit.
    @Test func passwordsMeetCommonRules() {
        let p = Redactor().newPassword()
        #expect(p.count >= 12 && p.utf8.count <= 72)
        #expect(p.contains(where: \.isUppercase) && p.contains(where: \.isLowercase) && p.contains(where: \.isNumber))
        #expect(p.contains { !$0.isLetter && !$0.isNumber })
    }

    /// A home-made register/login with its own `users` table: sign-up and sign-in are judged by
    /// the routes the target describes, clean-up deletes exactly the run's users (and their rows)
    /// from that table — found through the owner column's foreign key — and a sign-up the app
    /// refuses is an error of the run's setup, never a failed criterion.
    @Test func ownUsersTableAndRefusedSignUps() async throws {
        let own = try await ReferenceStack.PrivateStack(faults: ["custom-auth"])
        defer { own.stop() }
        let target = try await Harness.target(targetFile: "targets/custom-auth-example.json", stack: own.stack)
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-001", "SC-002", "SC-004", "SC-006"]))
        #expect(result.count(.failed) == 0 && result.count(.error) == 0, "\(Harness.describe(result))")
        #expect(result.notes.contains { $0.contains("clean-up: deleted") && $0.contains("from users") && $0.contains("user_tasks") }, "\(result.notes)")
        let db = try await Database.connect(url: own.stack.databaseURL)
        defer { db.close() }
        let left = try await db.read("SELECT count(*) AS n FROM users WHERE email LIKE $1", [TestEmails(runID: result.runID).likePattern])
        #expect(left.first?["n"]?.intValue == 0)
        #expect(try await db.read("SELECT 1 FROM user_tasks").isEmpty, "the run's rows went with its users")

        // The same app, told to sign up without the `name` it requires: FastAPI answers 422.
        let dir = NSTemporaryDirectory() + "conformance-refused-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/refused.json"
        try Data(#"""
        {"auth": {"identity": {"signUp": {"path": "/auth/signup", "body": {"email": "${email}", "password": "${password}"}},
                               "signIn": {"path": "/auth/login", "body": {"email": "${email}", "password": "${password}"}},
                               "token": "$.token", "userId": "$.user.id"}},
         "resources": {"tasks": {"table": "user_tasks", "owner": "user_id"}}}
        """#.utf8).write(to: URL(fileURLWithPath: file))
        let refusedTarget = try TargetLoader(environment: own.stack.values).load(file: file, overrides: .init())
        let refused = try await Harness.run(refusedTarget, try Harness.scenarios(criteria: ["SC-001", "SC-002", "SC-004", "SC-006"]))
        #expect(refused.count(.failed) == 0, "setup is never a finding: \(Harness.describe(refused))")
        #expect(refused.exitStatus == 2)
        let errors = refused.allCases.filter { $0.outcome.kind == .error }
        #expect(!errors.isEmpty)
        for c in errors {
            guard case .error(let kind, let message) = c.outcome else { continue }
            #expect(kind == .userNotCreated, "\(c.name): \(kind)")
            #expect(message.contains("422"), "\(message)")
            #expect(c.evidence.contains { $0.exchange?.status == 422 }, "the sign-up's answer is the evidence")
        }
        // No front end was given: SC-006 is skipped with that reason, not an error.
        let sc006 = refused.allCases.filter { $0.criterion == "SC-006" }
        #expect(!sc006.isEmpty && sc006.allSatisfy { if case .skipped(let why) = $0.outcome { return why.contains("front-end URL") } else { return false } },
                "\(sc006.map { "\($0.name): \($0.outcome.kind)" })")
    }

    /// A check whose own creates the app refuses (the target's fields do not fit the app: an
    /// empty body gets FastAPI's 422) could not be carried out: errors with the answer as
    /// evidence, exit status 2, and no criterion fails for it.
    @Test func aCheckWhoseSetupTheAppRefusesIsAnError() async throws {
        var target = try await Harness.target()
        target.resources["tasks"]?.textFields = []
        target.resources["tasks"]?.requiredFields = []
        let text = #"{"id": "setup-refused", "criterion": "SC-004", "title": "t", "users": ["sr1", "sr2"], "steps": [{"check": "isolation", "with": {"operations": ["get"]}}]}"#
        let scenario = try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse(text), file: "setup.json"))
        let result = try await Harness.run(target, [scenario])
        #expect(result.count(.failed) == 0, "\(Harness.describe(result))")
        #expect(result.exitStatus == 2)
        let errors = result.allCases.compactMap { c -> (ErrorKind, CaseResult)? in if case .error(let k, _) = c.outcome { return (k, c) } else { return nil } }
        #expect(!errors.isEmpty && errors.allSatisfy { $0.0 == .setupFailed }, "\(Harness.describe(result))")
        #expect(errors.contains { $0.1.evidence.contains { $0.exchange?.status == 422 } }, "the refused create is the evidence")
    }
}
