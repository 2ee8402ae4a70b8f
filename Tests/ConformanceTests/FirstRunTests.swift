import ConformanceHTTP
import Foundation
import Testing
@testable import Conformance

/// Issue 3's "done when": the first criteria pass against the clean reference app in both API
/// shapes, the JUnit file validates, a misspelled key exits 2, and nothing of the run remains.
@Suite(.serialized) struct FirstRunTests {
    static let firstCriteria: Set<String> = ["SC-001", "SC-002", "SC-005", "SC-007"]

    @Test func firstCriteriaPassOnTheCleanApp() async throws {
        let result = try await Harness.run(try await Harness.target(), try Harness.scenarios(criteria: Self.firstCriteria))
        #expect(Set(result.suites.map(\.criterion)) == Self.firstCriteria)
        #expect(result.count(.failed) == 0, "\(Harness.describe(result))")
        #expect(result.count(.error) == 0, "\(Harness.describe(result))")
        #expect(result.count(.passed) >= 30)
        #expect(result.exitStatus == 0)
    }

    @Test func tokenOnlyShapeWithItsTargetFile() async throws {
        let api = try await ReferenceStack.ExtraAPI(faults: [], shape: "token-only")
        defer { api.stop() }
        let target = try await Harness.target(apiURL: api.url, targetFile: "targets/token-only.json")
        let result = try await Harness.run(target, try Harness.scenarios(criteria: Self.firstCriteria.union(["SC-004"])))
        #expect(result.count(.failed) == 0, "\(Harness.describe(result))")
        #expect(result.count(.error) == 0, "\(Harness.describe(result))")
        #expect(result.count(.passed) >= 30)

        // The default (official) target against this app cannot work: it must say so, not pass.
        let wrong = try await Harness.run(try await Harness.target(apiURL: api.url), try Harness.scenarios(criteria: ["SC-002"]))
        #expect(wrong.count(.failed) > 0)
    }

    @Test func cliWritesAValidJUnitFileAndCleansUp() async throws {
        let stack = try await ReferenceStack.shared()
        let reports = NSTemporaryDirectory() + "conformance-reports-\(UUID().uuidString)"
        var env = ProcessInfo.processInfo.environment
        for (k, v) in stack.values { env[k] = v }
        env["CI"] = "true"
        // Not SC-001: its scenario holds the pack's time budgets (maxMs), which judge the
        // machine's speed; tests judge behaviour.
        let (status, output) = try await ReferenceStack.run([Harness.binary(), "run", "--reports", reports,
                                                      "--criterion", "SC-002", "--criterion", "SC-005", "--criterion", "SC-007",
                                                      Harness.packPath], environment: env)
        #expect(status == 0, "\(output)")
        let junit = reports + "/junit.xml"
        let lint = try JUnitSchema.validate(file: junit)
        #expect(lint.status == 0, "\(lint.output)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("classname=\"SC-002\""))
        #expect(xml.contains("<failure") == false)

        // The run id is printed; no user of that run and no row of theirs may remain.
        let runID = try #require(output.split(separator: " ").first { $0.hasPrefix("r") && $0.hasSuffix(":") }.map { String($0.dropLast()) })
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        let users = try await db.read("SELECT id FROM \"user\" WHERE email LIKE $1", [TestEmails(runID: runID).likePattern])
        #expect(users.isEmpty)
        let orphans = try await db.read("SELECT count(*) AS n FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = t.user_id)")
        #expect(orphans.first?["n"]?.intValue == 0)
    }

    /// Clean-up deletes the run's users and every row they own in every table that references
    /// the user table (found, not configured) — and nothing of anyone else.
    @Test func cleanUpDeletesOnlyTheRunsUsersAndTheirRows() async throws {
        let stack = try await ReferenceStack.shared()
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        let target = try await Harness.target()
        // A bystander with a task and a note, and a table no target names, without ON DELETE CASCADE.
        let client = try HTTPClient(options: HTTPClientOptions())
        defer { client.shutdown() }
        let session = HTTPSession(client: client, timeout: 15)
        let provider = BetterAuthProvider(client: BetterAuthClient(session: session, baseURL: target.authBaseURL), tokenSource: .jwtEndpoint, redactor: Redactor())
        let bystander = try await provider.create(logicalName: "bystander", email: "bystander-\(UUID().uuidString.prefix(8).lowercased())@bystanders.example",
                                                  password: "Cf-" + UUID().uuidString, name: "Bystander")
        let tasks = try #require(target.resources["tasks"])
        let token = try #require(bystander.apiToken)
        let created = try #require(await ResourceClient(session: session, target: target).send(
            .init(resource: tasks, operation: .create, credentials: .bearer(token), pathUserID: bystander.id, body: ["title": "mine"])))
        #expect(created.status == 201 || created.status == 200)
        let table = "cleanup_notes_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await db.connection.transaction { c in
            _ = try await c.query("CREATE TABLE \(table) (id serial PRIMARY KEY, owner text NOT NULL REFERENCES \"user\"(id), body text)")
            return try await c.query("INSERT INTO \(table) (owner, body) VALUES ($1, 'bystander note')", [bystander.id])
        }

        // A run that keeps its users, so that a note can be planted for one of them.
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-002"]), keep: true)
        let runUsers = try await db.read("SELECT id FROM \"user\" WHERE email LIKE $1", [TestEmails(runID: result.runID).likePattern])
        let runUser = try #require(runUsers.first?["id"]?.stringValue)
        _ = try await db.connection.transaction { c in
            try await c.query("INSERT INTO \(table) (owner, body) VALUES ($1, 'run note')", [runUser])
        }

        let report = try await Cleanup(database: db, target: target).run(emails: TestEmails(runID: result.runID), knownUserIDs: [], users: target.declaredUserTable)
        #expect(report.users == runUsers.count)
        #expect(report.rows[table] == 1, "\(report.rows)")
        #expect(try await db.read("SELECT 1 FROM \"user\" WHERE email LIKE $1", [TestEmails(runID: result.runID).likePattern]).isEmpty)
        // Nothing of the bystander was touched.
        #expect(try await db.read("SELECT 1 FROM \"user\" WHERE id = $1", [bystander.id]).count == 1)
        #expect(try await db.read("SELECT 1 FROM tasks WHERE user_id = $1", [bystander.id]).count == 1)
        #expect(try await db.read("SELECT body FROM \(table)").map { $0["body"]?.stringValue } == ["bystander note"])

        _ = try await db.connection.transaction { c in
            _ = try await c.query("DROP TABLE \(table)")
            return try await c.query("DELETE FROM \"user\" WHERE id = $1", [bystander.id])
        }
    }

    @Test func misspelledKeyExitsTwoWithFileAndPointer() async throws {
        let dir = NSTemporaryDirectory() + "conformance-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/bad.json"
        try #"{"id": "x", "criterion": "SC-002", "title": "t", "users": ["a"], "steps": [{"call": "tasks.list", "as": "a", "expcet": {"status": 200}}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        for command in ["validate", "run"] {
            let (status, output) = try await ReferenceStack.run([Harness.binary(), command, "--auth-url", "http://127.0.0.1:9", "--api-url", "http://127.0.0.1:9", file].filter { command == "run" || !$0.contains("url") && !$0.hasPrefix("http") })
            #expect(status == 2, "\(command): \(output)")
            #expect(output.contains(file), "\(output)")
            #expect(output.contains("/steps/0/expcet"), "\(output)")
            #expect(output.contains("did you mean \"expect\""), "\(output)")
        }
    }

    @Test func validateChecksAgainstATargetAndRefusesAnEmptyFolder() async throws {
        let dir = NSTemporaryDirectory() + "conformance-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (emptyStatus, emptyOutput) = try await ReferenceStack.run([Harness.binary(), "validate", dir])
        #expect(emptyStatus == 2, "\(emptyOutput)")
        let target = dir + "/todos.json"
        try #"{"resources": {"todos": {"table": "todos", "owner": "user_id", "routes": {"list": "GET /api/todos"}}}}"#
            .write(toFile: target, atomically: true, encoding: .utf8)
        let (status, output) = try await ReferenceStack.run([Harness.binary(), "validate", "--target", target, Harness.packPath])
        #expect(status == 2, "\(output)")
        #expect(output.contains("sc-004-isolation.json: /steps/0/with/resource"), "\(output)")
        let (fine, fineOutput) = try await ReferenceStack.run([Harness.binary(), "validate", "--target", ReferenceStack.root + "/targets/token-only.json", Harness.packPath])
        #expect(fine == 0 && fineOutput.contains("scenario(s) valid"), "\(fineOutput)")
    }

    @Test func unreachableServicesAreErrorsNotCrashes() async throws {
        var target = Target(authURL: "http://127.0.0.1:9", apiURL: "http://127.0.0.1:9", databaseURL: nil)
        target.requestTimeout = 5
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-002"]))
        #expect(result.count(.error) > 0)
        #expect(result.exitStatus == 2)
        let xml = JUnitReport.render(result, redactor: Redactor())
        #expect(xml.contains("<error "))
    }
}
