import ConformancePostgres
import Foundation
import Testing
import TestSupport
@testable import Conformance

/// Nothing left behind (issue 10.2, 10.3): a role that could not delete the run's users stops the
/// run before it creates any; a second role can do the deletes; a clean-up that fails exits 2
/// and `conformance cleanup` finishes it; a run killed with SIGKILL at any moment is cleaned up
/// from its journal, and the database then holds exactly what it held before.
@Suite struct CleanupSafetyTests {
    /// A login role on the stack's cluster with SELECT on every table, and DELETE too if asked.
    struct Role {
        let name: String
        let url: String
    }

    static func makeRole(_ stack: ReferenceStack.Stack, delete: Bool) async throws -> Role {
        let name = "cf_role_" + UUID().uuidString.prefix(8).lowercased()
        let password = "pw" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try await stack.superuserSQL("CREATE ROLE \(name) LOGIN PASSWORD '\(password)'", database: "postgres")
        // Tables other tests' apps create later (owned by the app's role) are covered too, as
        // the README's least-privilege grants advise.
        let owner = URLComponents(string: stack.databaseURL)?.user ?? "app"
        try await stack.superuserSQL("""
            GRANT USAGE ON SCHEMA public TO \(name);
            GRANT SELECT\(delete ? ", DELETE" : "") ON ALL TABLES IN SCHEMA public TO \(name);
            ALTER DEFAULT PRIVILEGES FOR ROLE \(owner) IN SCHEMA public GRANT SELECT\(delete ? ", DELETE" : "") ON TABLES TO \(name);
            """)
        return Role(name: name, url: stack.databaseURL(user: name, password: password))
    }

    static func dropRole(_ stack: ReferenceStack.Stack, _ role: Role) async {
        // DROP OWNED also drops the default privileges granted to the role.
        _ = try? await stack.superuserSQL("DROP OWNED BY \(role.name); ", database: "conformance")
        _ = try? await stack.superuserSQL("DROP ROLE IF EXISTS \(role.name)", database: "postgres")
    }

    static func environment(_ stack: ReferenceStack.Stack) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in stack.values { env[k] = v }
        env["CI"] = "true"
        return env
    }

    static func users(of run: String, in stack: ReferenceStack.Stack) async throws -> Int {
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        return try await db.read("SELECT count(*) AS n FROM \"user\" WHERE email LIKE $1", [TestEmails(runID: run).likePattern]).first?["n"]?.intValue ?? -1
    }

    /// Users the run's journal says were signed up (a line with the app's id for the email).
    static func signedUp(_ run: String, reports: String) -> Int {
        let text = (try? String(contentsOfFile: RunJournal.folder(reports: reports) + "/\(run).jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("\"id\"") && $0.contains("\"user\"") }.count
    }

    static func journals(_ reports: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: RunJournal.folder(reports: reports))) ?? []).filter { $0.hasSuffix(".jsonl") }
    }

    static func folder(_ name: String) -> String { NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)" }

    @Test func aSelectOnlyRoleRefusesToCreateUsersUnlessKept() async throws {
        let stack = try await ReferenceStack.shared()
        let role = try await Self.makeRole(stack, delete: false)
        defer { Task { await Self.dropRole(stack, role) } }
        let reports = Self.folder("select-only")
        let env = Self.environment(stack)

        let (status, out) = try await ReferenceStack.run([Harness.binary(), "run", "--target", Harness.patientTarget, "--database-url", role.url, "--criterion", "SC-002",
                                                          "--reports", reports, Harness.packPath], environment: env)
        #expect(status == 2, "\(out)")
        #expect(out.contains("refusing to run") && out.contains("may not DELETE") && out.contains("nothing was created"), "\(out)")
        let refused = try #require(CommandLineTests.runID(in: out), "\(out)")
        #expect(try await Self.users(of: refused, in: stack) == 0)
        #expect(Self.journals(reports).isEmpty, "a refused run leaves no journal")

        // With --keep the user asked for the users to stay: the run goes on, its journal stays,
        // and `cleanup` deletes them only when the run is named.
        let (kept, keptOut) = try await ReferenceStack.run([Harness.binary(), "run", "--target", Harness.patientTarget, "--database-url", role.url, "--criterion", "SC-002",
                                                            "--keep", "--reports", reports, Harness.packPath], environment: env)
        #expect(kept == 0 || kept == 1, "\(keptOut)")
        let run = try #require(CommandLineTests.runID(in: keptOut))
        #expect(try await Self.users(of: run, in: stack) > 0)
        #expect(Self.journals(reports) == ["\(run).jsonl"])
        let (unnamed, unnamedOut) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports], environment: env)
        #expect(unnamed == 0 && unnamedOut.contains("kept with --keep"), "\(unnamedOut)")
        #expect(try await Self.users(of: run, in: stack) > 0)
        let (named, namedOut) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports, "--run", run], environment: env)
        #expect(named == 0 && namedOut.contains("run \(run): deleted"), "\(namedOut)")
        #expect(try await Self.users(of: run, in: stack) == 0)
        #expect(Self.journals(reports).isEmpty)
    }

    @Test func aCleanupRoleDoesTheDeletesForASelectOnlyRun() async throws {
        let stack = try await ReferenceStack.shared()
        let reader = try await Self.makeRole(stack, delete: false)
        let deleter = try await Self.makeRole(stack, delete: true)
        defer { Task { await Self.dropRole(stack, reader); await Self.dropRole(stack, deleter) } }
        let reports = Self.folder("cleanup-role")
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "run", "--target", Harness.patientTarget, "--database-url", reader.url, "--cleanup-database-url", deleter.url,
                                                          "--criterion", "SC-002", "--reports", reports, Harness.packPath],
                                                         environment: Self.environment(stack))
        #expect(status == 0 || status == 1, "\(out)")
        #expect(out.contains("clean-up: deleted"), "\(out)")
        let run = try #require(CommandLineTests.runID(in: out))
        #expect(try await Self.users(of: run, in: stack) == 0)
        #expect(Self.journals(reports).isEmpty, "a finished clean-up removes its journal")
        for role in [reader, deleter] {
            let password = try #require(DatabaseURL.password(of: role.url))
            #expect(!out.contains(password), "no password in the console")
        }
    }

    @Test func aFailedCleanupExitsTwoAndTheCleanupCommandFinishesIt() async throws {
        let stack = try await ReferenceStack.shared()
        let deleter = try await Self.makeRole(stack, delete: true)
        defer { Task { await Self.dropRole(stack, deleter) } }
        var target = try await Harness.target()
        target.cleanupDatabaseURL = deleter.url
        let reports = Self.folder("failed-cleanup")
        let revoked = Locked(false)
        // The privilege check passed when the run began; the right is taken away while it runs,
        // so the clean-up itself fails — as it would if a DBA changed grants mid-run.
        let revoke = "REVOKE DELETE ON \"user\" FROM \(deleter.name)"
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-002"]), journalFolder: RunJournal.folder(reports: reports)) { event in
            guard case .scenarioStarted = event, !revoked.current else { return }
            revoked.withLock { $0 = true }
            try? stack.superuserSQLBlocking(revoke)
        }
        #expect(revoked.current)
        #expect(result.cleanupProblem != nil, "\(result.notes)")
        #expect(result.cleanupProblem?.contains("conformance cleanup --run \(result.runID)") == true, "\(result.cleanupProblem ?? "")")
        #expect(result.exitStatus == 2)
        #expect(try await Self.users(of: result.runID, in: stack) > 0)
        let journal = try #require(JournalEntry.read(path: RunJournal.folder(reports: reports) + "/\(result.runID).jsonl"))
        #expect(journal.cleanupFailure != nil)
        #expect(!journal.emails.isEmpty && journal.emails.allSatisfy { TestEmails(runID: result.runID).owns($0) })

        let (status, out) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports], environment: Self.environment(stack))
        #expect(status == 0, "\(out)")
        #expect(out.contains("run \(result.runID): deleted"), "\(out)")
        #expect(try await Self.users(of: result.runID, in: stack) == 0)
        #expect(Self.journals(reports).isEmpty)
    }

    /// Everything of the stack's that a run could add: users, their sessions and accounts, tasks.
    static func snapshot(_ stack: ReferenceStack.Stack) async throws -> [String] {
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        var out: [String] = []
        for (table, column) in [("user", "email"), ("session", "\"userId\""), ("account", "\"userId\""), ("tasks", "user_id")] {
            let rows = try await db.read("SELECT \(column)::text AS v FROM \"\(table)\" ORDER BY 1")
            out += rows.map { "\(table): \($0["v"]?.stringValue ?? "?")" }
        }
        return out
    }

    @Test func runsKilledAtRandomMomentsAreCleanedUpFromTheirJournals() async throws {
        let own = try await ReferenceStack.PrivateStack(faults: [])
        defer { own.stop() }
        let stack = own.stack
        let env = Self.environment(stack)
        // A bystander: users another run kept on purpose, journalled elsewhere, must survive.
        let bystanders = Self.folder("bystander")
        let (keptStatus, keptOut) = try await ReferenceStack.run([Harness.binary(), "run", "--target", Harness.patientTarget, "--criterion", "SC-002", "--keep", "--reports", bystanders,
                                                                  Harness.packPath], environment: env)
        #expect(keptStatus == 0 || keptStatus == 1, "\(keptOut)")
        let before = try await Self.snapshot(stack)
        #expect(before.contains { $0.hasPrefix("user: cf-") }, "the bystander run left its users")

        let reports = Self.folder("killed")
        var generator = SystemRandomNumberGenerator()
        // One kill early (around the first sign-ups), one in the middle, one late (possibly
        // during the clean-up itself).
        let delays = [Double.random(in: 0...1.5, using: &generator), .random(in: 1.5...5, using: &generator), .random(in: 5...12, using: &generator)]
        var killedRuns: [String] = []
        for delay in delays {
            let log = Self.folder("killed-log")
            let pid = try ChildProcess.start([Harness.binary(), "run", "--target", Harness.patientTarget, "--criterion", "SC-004", "--criterion", "SC-005", "--criterion", "SC-010",
                                              "--reports", reports, Harness.packPath], environment: env, output: log)
            // The moment the journal exists the run may start signing up; the kill comes `delay` later.
            var journalled = false
            for _ in 0..<600 where !journalled {
                if let runID = CommandLineTests.runID(in: (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""),
                   FileManager.default.fileExists(atPath: RunJournal.folder(reports: reports) + "/\(runID).jsonl") {
                    journalled = true
                    killedRuns.append(runID)
                } else {
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
            }
            #expect(journalled, "the run wrote no journal: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            if delay < 1.5 {
                // While it runs, `cleanup` leaves it alone.
                let (status, out) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports], environment: env)
                #expect(status == 0 && (out.contains("still running") || out.contains("nothing to clean up")), "\(out)")
            }
            kill(pid, SIGKILL)
            _ = await ChildProcess.wait(for: pid)
        }
        // The kills left users behind (else this test would prove nothing)…
        var leftByKills = 0
        for run in killedRuns { leftByKills += try await Self.users(of: run, in: stack) }
        #expect(leftByKills > 0, "delays \(delays): no kill left a user behind")
        // …and `cleanup` removes exactly them.
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports], environment: env)
        #expect(status == 0, "delays \(delays): \(out)")
        #expect(Self.journals(reports).isEmpty, "\(out)")
        let after = try await Self.snapshot(stack)
        #expect(after == before, "delays \(delays), runs \(killedRuns): \(out)\nleft: \(Set(after).subtracting(before).sorted().prefix(10))\ngone: \(Set(before).subtracting(after).sorted().prefix(10))")
    }

    /// The database stops mid-run: the auth server and the API answer 500, the harness's own
    /// reads fail. None of that is a finding; the run exits 2, its journal stays, and once the
    /// database is back `cleanup` removes the users.
    @Test func aDatabaseStoppedMidRunGivesErrorsNotFindings() async throws {
        let own = try await ReferenceStack.PrivateStack(faults: [])
        defer { own.stop() }
        let stack = own.stack
        let env = Self.environment(stack)
        let reports = Self.folder("db-stopped")
        let log = Self.folder("db-stopped-log")
        let pid = try ChildProcess.start([Harness.binary(), "run", "--target", Harness.patientTarget, "--criterion", "SC-011", "--criterion", "SC-004", "--criterion", "SC-002",
                                          "--reports", reports, Harness.packPath], environment: env, output: log)
        var run: String?
        for _ in 0..<1200 {
            run = run ?? CommandLineTests.runID(in: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            // Most users exist, so the checks themselves meet the dead database. Read from the
            // run's journal, not the database: a file read cannot fall behind a run that, on a
            // busy machine, might otherwise finish between two polls.
            if let run, Self.signedUp(run, reports: reports) >= 10 { break }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        let id = try #require(run)
        try await stack.stopDatabase()
        var restarted = false
        defer { if !restarted { Task { try? await stack.startDatabase() } } }
        let status = await ChildProcess.wait(for: pid)
        let out = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 2, "\(out)")
        let junit = (try? String(contentsOfFile: reports + "/junit.xml", encoding: .utf8)) ?? ""
        #expect(!junit.isEmpty, "\(out)")
        #expect(!junit.contains("<failure"), "a stopped database is no finding:\n\(out)")
        #expect(out.contains("conformance cleanup --run \(id)"), "\(out)")
        #expect(Self.journals(reports) == ["\(id).jsonl"])

        try await stack.startDatabase()
        restarted = true
        #expect(try await Self.users(of: id, in: stack) > 0)
        let (cleaned, cleanOut) = try await ReferenceStack.run([Harness.binary(), "cleanup", "--reports", reports], environment: env)
        #expect(cleaned == 0, "\(cleanOut)")
        #expect(try await Self.users(of: id, in: stack) == 0)
        #expect(Self.journals(reports).isEmpty)
    }
}
