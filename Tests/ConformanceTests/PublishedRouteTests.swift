import ConformancePostgres
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif
@testable import Conformance

/// The route scan and the injection sweep against real apps: a tiny FastAPI task API of the
/// tests' own (Fixtures/search_app.py, on the stack's PostgreSQL) whose search route filters by
/// owner, ignores the owner, or builds its SQL by string formatting; and the reference app's
/// unprotected copy of the task routes. The harness is given only the OpenAPI document.
@Suite(.serialized) struct PublishedRouteTests {
    /// One fixture process on a free loopback port, stopped by the test that started it.
    final class SearchApp: Sendable {
        let pid: pid_t
        let url: String
        let table: String

        init(mode: String) async throws {
            let stack = try await ReferenceStack.shared()
            table = "search_tasks_\(mode)"
            let portFile = NSTemporaryDirectory() + "search-app-\(UUID().uuidString).port"
            let python = ReferenceStack.root + "/reference-app/.venv/bin/python"
            let script = ReferenceStack.root + "/Tests/ConformanceTests/Fixtures/search_app.py"
            pid = try ChildProcess.start([python, script, "--mode", mode, "--database-url", stack.databaseURL,
                                          "--table", table, "--port-file", portFile],
                                         output: NSTemporaryDirectory() + "search-app-\(mode).log")
            var port = ""
            // Up to a minute each: a Python start on a loaded machine takes seconds.
            for _ in 0..<1200 where port.isEmpty {
                port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
                if port.isEmpty { try await Task.sleep(nanoseconds: 50_000_000) }
            }
            guard !port.isEmpty else { kill(pid, SIGTERM); await ChildProcess.wait(for: pid); throw ReferenceStack.Failure(description: "the search app wrote no port") }
            url = "http://127.0.0.1:\(port)"
            // The port is bound before the app starts serving: wait for its health route.
            for _ in 0..<1200 {
                let (status, _) = try await ChildProcess.runUnchecked("/usr/bin/curl", ["-sf", "-o", "/dev/null", url + "/health"])
                if status == 0 { return }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            stop()
            throw ReferenceStack.Failure(description: "the search app at \(url) never answered")
        }

        func stop() {
            kill(pid, SIGTERM)
            ChildProcess.wait(for: pid)
        }
    }

    /// The stack's auth server and database, the fixture's API and table; only create and list.
    static func target(_ app: SearchApp) async throws -> Target {
        var target = try await Harness.target(apiURL: app.url)
        var tasks = try #require(target.resources["tasks"])
        tasks.table = app.table
        for op in [Operation.get, .update, .delete, .toggle] {
            tasks.routes[op] = nil
            tasks.absentOperations.insert(op)
        }
        target.resources["tasks"] = tasks
        return target
    }

    static func scenarios() throws -> [Scenario] {
        let texts = [
            #"{"id": "fixture-routes", "criterion": "SC-003", "title": "routes", "users": ["pia", "pol"], "steps": [{"check": "unnamedRoutes"}]}"#,
            #"{"id": "fixture-injection", "criterion": "SC-010", "title": "injection", "users": ["ina", "ike"], "steps": [{"check": "injection"}]}"#,
        ]
        return try texts.map { try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse($0), file: "fixture.json")) }
    }

    static func cases(_ r: RunResult, named part: String) -> [CaseResult] { r.allCases.filter { $0.name.contains(part) } }

    @Test func ownerFilteredSearchPasses() async throws {
        let app = try await SearchApp(mode: "filtered")
        defer { app.stop() }
        let result = try await Harness.run(try Self.target(app), try Self.scenarios())
        #expect(result.count(.failed) == 0 && result.count(.error) == 0, "\(Harness.describe(result))")
        // Judged on evidence: the search was called with the run's search term by each user, and
        // with another user's text, and every hostile q reached the query.
        let search = Self.cases(result, named: "GET /api/{user_id}/tasks/search as").filter { $0.name.contains("shows only") }
        #expect(search.count == 4 && search.allSatisfy { $0.outcome.kind == .passed }, "\(search.map { "\($0.name): \($0.outcome)" })")
        // A route that refuses its owner too: its refusals of anonymous callers are not judged.
        let archive = Self.cases(result, named: "PUT /api/archive/{id} with")
        #expect(archive.count == 2 && archive.allSatisfy { $0.outcome.kind == .notJudged }, "\(archive.map { "\($0.name): \($0.outcome)" })")
        // A route that refuses every token, its owner's too: a 401 or 403 to an anonymous caller
        // or another user proves nothing there.
        let vault = Self.cases(result, named: "GET /api/{user_id}/vault ")
        let names = ["as pia shows only pia's data", "without credentials", "with a malformed token", "as pol on pia's ids"]
        #expect(names.allSatisfy { n in vault.contains { $0.name.hasSuffix(n) } }, "\(vault.map(\.name))")
        #expect(vault.allSatisfy { $0.outcome.kind == .notJudged }, "\(vault.map { "\($0.name): \($0.outcome)" })")
        #expect(!result.allCases.contains { $0.name.contains("/vault") && $0.outcome.kind == .passed })
        // The list of unmapped routes is information, never a passed probe.
        let unmapped = try #require(result.allCases.first { $0.name == "routes the target does not map" })
        #expect(unmapped.outcome.kind == .skipped && unmapped.evidence.contains { $0.body.contains("/vault") }, "\(unmapped.outcome)")
        let hostile = Self.cases(result, named: "in query parameter q of GET /api/{user_id}/tasks/search")
        #expect(hostile.count == 7 && hostile.allSatisfy { $0.outcome.kind == .passed }, "\(hostile.map { "\($0.name): \($0.outcome)" })")
    }

    @Test func searchIgnoringTheOwnerIsACrossUserRead() async throws {
        let app = try await SearchApp(mode: "unfiltered")
        defer { app.stop() }
        let result = try await Harness.run(try Self.target(app), try Self.scenarios())
        let failures = Harness.failures(result)
        #expect(failures["SC-003"] == ["CrossUserRead"], "\(Harness.describe(result))")
        let failed = result.allCases.filter { $0.outcome.kind == .failed }.map(\.name)
        #expect(!failed.isEmpty && failed.allSatisfy { $0.hasPrefix("GET /api/{user_id}/tasks/search as") }, "\(failed)")
        // Both the run's search term and a piece of the other user's own text find it.
        #expect(failed.contains { $0.hasSuffix("shows only pia's data") && !$0.contains("searching") }, "\(failed)")
        #expect(failed.contains { $0.contains("as pia searching for another user's text") }, "\(failed)")
        // Not an injection: every hostile value was bound as a parameter.
        #expect(failures["SC-010"] == nil, "\(Harness.describe(result))")
    }

    @Test func stringFormattedSearchIsSC010() async throws {
        let app = try await SearchApp(mode: "formatted")
        defer { app.stop() }
        let result = try await Harness.run(try Self.target(app), try Self.scenarios())
        let failures = Harness.failures(result)
        let fired = failures["SC-010"] ?? []
        #expect(fired.contains("InjectionError"), "\(Harness.describe(result))")
        let failed = result.allCases.filter { $0.criterion == "SC-010" && $0.outcome.kind == .failed }.map(\.name)
        #expect(!failed.isEmpty && failed.allSatisfy { $0.contains("query parameter q of GET /api/{user_id}/tasks/search") }, "\(failed)")
        // The owner filter itself is there: the route scan finds no cross-user read.
        #expect(failures["SC-003"] == nil, "\(Harness.describe(result))")
    }

    /// An anonymous copy of the task routes (`/api/tasks/{id}`, no create): the scan aims its
    /// writes at fresh objects of its own users, and the database audit shows them rewritten
    /// and deleted by nobody's request.
    @Test func unprotectedCopyIsCaughtByTheAudit() async throws {
        let api = try await ReferenceStack.ExtraAPI(faults: ["unprotected-route"])
        defer { api.stop() }
        let scan = try Harness.scenarios(criteria: ["SC-003"]).filter { $0.id == "SC-003-routes-in-openapi" }
        #expect(scan.count == 1)
        let result = try await Harness.run(try await Harness.target(apiURL: api.url), scan)
        let audit = try #require(result.allCases.first { $0.name.hasPrefix("the database after the route probes") })
        guard case .failed(let findings) = audit.outcome else { Issue.record("the audit passed: \(audit.outcome)"); return }
        #expect(findings.contains { $0.oracle == .silentWrite && $0.message.contains("was changed by someone else") }, "\(findings.map(\.message))")
        #expect(findings.contains { $0.oracle == .silentWrite && $0.message.contains("is gone from the database") }, "\(findings.map(\.message))")
        let failed = Set(result.allCases.filter { $0.outcome.kind == .failed }.map(\.name))
        for probe in ["PUT /api/tasks/{id} without credentials", "DELETE /api/tasks/{id} without credentials", "PUT /api/tasks/{id} as oscar on olga's ids"] {
            #expect(failed.contains(probe), "\(failed.sorted())")
        }
        // The mapped, protected routes are not blamed.
        #expect(!failed.contains { $0.contains("/api/{user_id}/") }, "\(failed.sorted())")
    }

    /// The reference app's own-login shape publishes `POST /api/auth/register`: the SC-010 sweep
    /// sends it nothing, so no account is created outside the run's test addresses, and every
    /// account and row the run did create is gone afterwards.
    @Test func injectionSweepLeavesNoAccountBehind() async throws {
        let stack = try await ReferenceStack.isolated()
        let api = try await ReferenceStack.ExtraAPI(faults: [], shape: "own-login", on: stack)
        defer { api.stop() }
        let target = try await Harness.target(apiURL: api.url, targetFile: "targets/own-login-example.json", stack: stack)
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        // Other tests' runs on this stack create and remove only `cf-` users: those are not counted.
        func foreign() async throws -> Int {
            try await db.read("SELECT count(*) AS n FROM app_users WHERE email NOT LIKE 'cf-%'").first?["n"]?.intValue ?? -1
        }
        let before = try await foreign()
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-010"]))
        #expect(result.count(.failed) == 0 && result.count(.error) == 0, "\(Harness.describe(result))")
        let skipped = result.allCases.filter { $0.name.contains("POST /api/auth/register") || $0.name.contains("POST /api/auth/login") }
        #expect(!skipped.isEmpty && skipped.allSatisfy { $0.outcome.kind == .skipped }, "\(skipped.map { "\($0.name): \($0.outcome)" })")
        // The sweep judged other routes: the skip is no blanket one.
        #expect(result.allCases.contains { $0.name.hasPrefix("hostile value #") && $0.outcome.kind == .passed })
        #expect(try await foreign() == before, "an account outside the run's test addresses was created")
        let left = try await db.read("SELECT count(*) AS n FROM app_users WHERE email LIKE $1", [TestEmails(runID: result.runID).likePattern])
        #expect(left.first?["n"]?.intValue == 0, "the run's own users are cleaned up")
    }
}
