import ConformancePostgres
import Foundation
import Testing
import TestSupport
@testable import Conformance

/// The command line as a user meets it: doctor, the branch guard, Ctrl-C with clean-up.
@Suite(.serialized) struct CommandLineTests {
    func environment(_ extra: [String: String] = [:]) async throws -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in try await ReferenceStack.shared().values { env[k] = v }
        env["CI"] = "true"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Users of one run (other suites create users of their own at the same time).
    func userCount(run: String) async throws -> Int {
        let db = try await Database.connect(url: try await ReferenceStack.shared().databaseURL)
        defer { db.close() }
        return try await db.read("SELECT count(*) AS n FROM \"user\" WHERE email LIKE $1", [TestEmails(runID: run).likePattern]).first?["n"]?.intValue ?? -1
    }

    static func runID(in output: String) -> String? {
        guard let r = output.range(of: "conformance run ") else { return nil }
        let id = output[r.upperBound...].prefix { $0.isLetter || $0.isNumber }
        return id.isEmpty ? nil : String(id)
    }

    @Test func doctorDescribesTheReferenceApp() async throws {
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "doctor"], environment: try environment())
        #expect(status == 0, "\(out)")
        #expect(out.contains("answers {\"ok\":true}"))
        #expect(out.contains("EdDSA"))
        #expect(out.contains("GET /api/{user_id}/tasks"))
        #expect(out.contains("PostgreSQL 15"))
        #expect(out.contains("not Neon"))
        let password = try #require(DatabaseURL.password(of: try await ReferenceStack.shared().databaseURL))
        #expect(!out.contains(password))
    }

    /// The console, verbose, passes through the same redactor as the reports.
    @Test func verboseConsoleShowsNoSecret() async throws {
        let stack = try await ReferenceStack.shared()
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "run", "-v", "--reports", NSTemporaryDirectory() + "verbose-\(UUID().uuidString)",
                                                   "--criterion", "SC-001", "--criterion", "SC-003", Harness.packPath], environment: try environment())
        // 1 is possible on a loaded machine: the pack's own time budgets (maxMs) judge speed.
        #expect(status == 0 || status == 1, "\(out)")
        #expect(out.contains("PASSED SC-003"), "verbose prints passed cases")
        let password = try #require(DatabaseURL.password(of: stack.databaseURL))
        for secret in [stack.secret, password] { #expect(!out.contains(secret)) }
        #expect(!out.contains("eyJ"), "no JWT in the console")
    }

    @Test func doctorSaysPlainlyWhatIsUnreachable() async throws {
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "doctor", "--auth-url", "http://127.0.0.1:9", "--api-url", "http://127.0.0.1:9",
                                                   "--database-url", "postgresql://nobody:pw@127.0.0.1:9/x?connect_timeout=2"],
                                                  environment: try environment(["DATABASE_URL": ""]))
        #expect(status == 2, "\(out)")
        #expect(out.contains("FAIL Better Auth"))
        #expect(out.contains("unreachable"))
        #expect(!out.contains("Fatal error"))
    }

    @Test func wrongNeonBranchRefusesBeforeCreatingAnyone() async throws {
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "run", "--neon-branch", "br-production-1", "--criterion", "SC-002", Harness.packPath],
                                                  environment: try environment())
        #expect(status == 2, "\(out)")
        #expect(out.contains("neon.branch_id"))
        #expect(out.contains("nothing was created"))
        let run = try #require(Self.runID(in: out))
        #expect(try await userCount(run: run) == 0)
    }

    @Test func dryRunPrintsThePlanAndSendsNothing() async throws {
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "run", "--dry-run", "--criterion", "SC-004", Harness.packPath], environment: try environment())
        #expect(status == 0, "\(out)")
        #expect(out.contains("users to create"))
        #expect(out.contains("alice"))
        #expect(out.contains("check isolation"))
        // The check is expanded into the requests it will send, named by user and object.
        #expect(out.contains("bob: GET /api/{bob.id}/tasks/{alice's tasks #1} with bob's token"), "\(out)")
        #expect(Self.runID(in: out) == nil, "a dry run starts no run")
    }

    @Test func interruptStillCleansUp() async throws {
        let log = NSTemporaryDirectory() + "interrupt-\(UUID().uuidString).log"
        // Started, not run: the test must signal it mid-run (ChildProcess writes its output to `log`).
        let pid = try ChildProcess.start([Harness.binary(), "run", "--criterion", "SC-004", "--criterion", "SC-010",
                                          "--reports", NSTemporaryDirectory() + "int-\(UUID().uuidString)", Harness.packPath],
                                         environment: try await environment(), output: log)
        // Wait until the run's users exist, then interrupt it.
        var run: String?
        var created = false
        for _ in 0..<150 where !created {
            try await Task.sleep(nanoseconds: 100_000_000)
            run = run ?? Self.runID(in: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            if let run, try await userCount(run: run) > 0 { created = true }
        }
        #expect(created)
        kill(pid, SIGINT)
        // Bounded: a clean-up that hangs must fail this test, not stall the whole run.
        var exited = false
        var status: Int32 = 0
        for _ in 0..<600 where !exited {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true } else { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        if !exited { kill(pid, SIGKILL); await ChildProcess.wait(for: pid) }
        #expect(exited, "the run did not stop within 60 s of SIGINT")
        let out = try String(contentsOfFile: log, encoding: .utf8)
        #expect(out.contains("interrupted"), "\(out)")
        // Neither a pass nor a verdict: the shell's convention for SIGINT (exit(130): status 130 << 8).
        #expect(exited && (status >> 8) & 0xff == 130, "exit status \((status >> 8) & 0xff)\n\(out)")
        #expect(out.contains("clean-up: deleted"), "\(out)")
        let id = try #require(run)
        #expect(try await userCount(run: id) == 0, "\(out)")
    }
}
