import Foundation
import Testing
@testable import Conformance

/// A run must never pass because the oracle that would have failed it could not see: an auth
/// server that refuses everyone, a database that cannot be reached, a capture that found nothing.
@Suite(.serialized) struct BlindOracleTests {
    @Test func unreachableAuthServerIsNeverAPass() async throws {
        var target = try await Harness.target()
        target.authURL = "http://127.0.0.1:9"
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-004", "SC-007", "SC-010"]))
        #expect(result.count(.passed) == 0, "\(Harness.describe(result))")
        #expect(result.count(.error) > 0)
        #expect(result.exitStatus == 2)
        let verdicts = Dictionary(uniqueKeysWithValues: result.verdicts.map { ($0.criterion, $0.verdict) })
        #expect(verdicts.values.allSatisfy { $0 == .error }, "\(verdicts)")
    }

    @Test func unreachableDatabaseIsAnErrorNotASkip() async throws {
        var target = try await Harness.target()
        target.databaseURL = "postgresql://app:pw@127.0.0.1:9/conformance?connect_timeout=2"
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-004", "SC-007"]))
        let errors = result.allCases.compactMap { c -> ErrorKind? in if case .error(let k, _) = c.outcome { return k } else { return nil } }
        #expect(errors.contains(.databaseUnreachable), "\(Harness.describe(result))")
        #expect(result.exitStatus != 0)
        #expect(result.notes.contains { $0.contains("clean-up could not run") && $0.contains("cf-\(result.runID)-*@conformance.example.com") }, "\(result.notes)")
        // The users it could not clean up are still there: remove them by the run's addresses.
        let db = try await Database.connect(url: try await ReferenceStack.shared().databaseURL)
        defer { db.close() }
        let clean = try await Harness.target()
        _ = try await Cleanup(database: db, target: clean).run(emails: TestEmails(runID: result.runID), knownUserIDs: [], users: clean.declaredUserTable)
    }

    @Test func neonBranchGuardFailsClosedWithoutADatabase() async throws {
        var target = try await Harness.target()
        target.databaseURL = "postgresql://app:pw@127.0.0.1:9/conformance?connect_timeout=2"
        target.neonBranch = "br-main"
        await #expect(throws: Runner.Refusal.self) { try await Harness.run(target, try Harness.scenarios(criteria: ["SC-002"])) }
        target.databaseURL = nil
        await #expect(throws: Runner.Refusal.self) { try await Harness.run(target, try Harness.scenarios(criteria: ["SC-002"])) }
    }

    @Test func aCaptureThatFindsNothingFailsItsStep() async throws {
        let text = #"""
        {"id": "capture-miss", "criterion": "SC-002", "title": "t", "users": ["cap"],
         "steps": [{"call": "tasks.create", "as": "cap", "body": {"title": "${cap.marker}"}, "capture": {"t": "$.no_such_field"}},
                   {"call": "tasks.delete", "as": "cap", "id": "${t}"}]}
        """#
        let scenario = try ScenarioLoader.parse(JSONNode(value: try JSONParser.parse(text), file: "capture-miss.json"))
        let result = try await Harness.run(try await Harness.target(), [scenario])
        let first = try #require(result.allCases.first)
        guard case .failed(let findings) = first.outcome else { Issue.record("expected a failure, got \(first.outcome.kind.rawValue)"); return }
        #expect(findings.first?.oracle == .captureMissing)
        #expect(result.exitStatus == 1)
    }
}
