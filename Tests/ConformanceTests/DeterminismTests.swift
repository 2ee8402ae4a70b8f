import Foundation
import Testing
@testable import Conformance

/// CI history compares runs by case name (issue 10.7): the same pack against the same app must
/// give the same cases with the same verdicts every time — no case that comes and goes, no name
/// that carries a database id, a random marker or a run id.
@Suite struct DeterminismTests {
    /// scenario | case | outcome, in report order.
    static func fingerprint(_ r: RunResult) -> [String] {
        r.suites.flatMap { s in s.cases.map { "\(s.scenarioID) | \($0.name) | \($0.outcome.kind.rawValue)" } }
    }

    @Test func theCleanPackGivesTheSameCasesAndVerdictsFiveTimes() async throws {
        // A stack of its own: other suites' users and rows in a shared database would be seen
        // by the scans, and their differences would be theirs, not the harness's.
        let own = try await ReferenceStack.PrivateStack(faults: [])
        defer { own.stop() }
        let target = try await Harness.target(stack: own.stack)
        let scenarios = try Harness.scenarios()
        var runs: [[String]] = []
        var ids: [String] = []
        for _ in 0..<5 {
            let result = try await Harness.run(target, scenarios, stack: own.stack)
            runs.append(Self.fingerprint(result))
            ids.append(result.runID)
        }
        let first = try #require(runs.first)
        #expect(first.count > 100, "the pack ran: \(first.count) cases")
        for (i, run) in runs.enumerated().dropFirst() {
            let missing = Set(first).subtracting(run).sorted(), extra = Set(run).subtracting(first).sorted()
            #expect(run == first, "run \(i + 1) differs from run 1 — only in run 1: \(missing.prefix(8)); only in run \(i + 1): \(extra.prefix(8))")
        }
        // No name carries what changes from run to run.
        for line in first {
            for id in ids { #expect(!line.contains(id), "\(line)") }
            #expect(line.range(of: #"\bcf[a-z0-9]{10,}"#, options: .regularExpression) == nil, "a marker in a case name: \(line)")
        }
    }
}
