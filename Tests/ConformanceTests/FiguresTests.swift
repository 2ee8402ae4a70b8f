import Foundation
import Testing
@testable import Conformance

/// Issue 5: latency figures (SC-008) and token lifetimes (SC-009) appear in the reports, whatever
/// the verdict (the load phase's verdict depends on how busy the machine is, so it is not asserted).
@Suite(.serialized) struct FiguresTests {
    @Test func latencyAndTokenLifetimeAreInTheReports() async throws {
        let result = try await Harness.run(try await Harness.target(), try Harness.scenarios(criteria: ["SC-008", "SC-009"], excludingLoad: false))
        #expect(result.count(.error) == 0, "\(Harness.describe(result))")
        let json = ResultsJSON.render(result, redactor: Redactor())
        for op in ["tasks.list", "tasks.create", "tasks.get", "tasks.update", "tasks.toggle"] {
            #expect(json.contains(op), "no figures for \(op)")
        }
        #expect(json.contains("p95") && json.contains("p99"))
        let figures = result.allCases.flatMap(\.evidence).filter { $0.kind == .figures }
        #expect(!figures.isEmpty)
        // The numbers themselves, per operation, not just their names.
        let rows = figures.compactMap(\.data).flatMap { $0.arrayValue ?? [] }
        for op in ["tasks.list", "tasks.create", "tasks.get", "tasks.update", "tasks.toggle"] {
            let row = rows.first { $0["operation"]?.stringValue == op }
            // Each worker cycles list, create, get, update, toggle for the phase's 3 s: on a
            // machine running every suite at once it may not reach the last ones.
            if (row?["count"]?.intValue ?? 0) == 0, !["tasks.list", "tasks.create"].contains(op) { continue }
            #expect((row?["count"]?.intValue ?? 0) > 0, "\(op) was measured")
            let p50 = row?["p50Ms"]?.numberValue ?? -1, p95 = row?["p95Ms"]?.numberValue ?? -1, p99 = row?["p99Ms"]?.numberValue ?? -1
            #expect(p50 > 0 && p50 <= p95 && p95 <= p99, "\(op): p50 \(p50) ≤ p95 \(p95) ≤ p99 \(p99)")
        }

        // The reference app issues 7-day tokens, as the spec states: SC-009 passes on the
        // observed lifetime, which the report shows.
        #expect(Harness.failures(result)["SC-009"] == nil, "\(Harness.describe(result))")
        #expect(json.contains("tokens live 604800 s (7 days)"), "the observed lifetime is in the report")
    }

    /// A stack that keeps Better Auth's 15-minute default fails SC-009 with the observed figure.
    @Test func betterAuthsDefaultLifetimeFailsSC009() async throws {
        let own = try await ReferenceStack.PrivateStack(faults: [], environment: ["REFERENCE_JWT_LIFETIME": "15m"])
        defer { own.stop() }
        let result = try await Harness.run(try await Harness.target(stack: own.stack), try Harness.scenarios(criteria: ["SC-009"]))
        let json = ResultsJSON.render(result, redactor: Redactor())
        #expect(Harness.failures(result)["SC-009"]?.contains("TokenLifetime") == true, "\(Harness.describe(result))")
        #expect(json.contains("900 s"), "the observed lifetime is in the report")
        #expect(json.contains("7 days"))
    }

    /// The isolation oracles stay on during the load phase.
    @Test func aLeakUnderLoadIsCaught() async throws {
        let api = try await ReferenceStack.ExtraAPI(faults: ["list-unfiltered"])
        defer { api.stop() }
        let result = try await Harness.run(try await Harness.target(apiURL: api.url), try Harness.scenarios(criteria: ["SC-008"], excludingLoad: false))
        #expect((Harness.failures(result)["SC-008"] ?? []).contains("CrossUserRead"), "\(Harness.describe(result))")
    }
}
