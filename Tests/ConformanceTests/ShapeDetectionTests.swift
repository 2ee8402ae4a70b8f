import Foundation
import Testing
@testable import Conformance

/// The harness on the shapes real Phase II back ends ship (issue 9.14): its own register/login
/// with `EmailStr` and integer ids, no login at all, no toggle route, an enum stored by name, a
/// search route, a route whose body model is not the task's. Each shape runs as an extra API on
/// the shared stack, variants side by side; the clean variants fail nothing, the faulty ones fail
/// the expected criterion with the expected oracle. The harness knows nothing of these shapes
/// beyond the target file a user would write from docs/target.md.
@Suite struct ShapeDetectionTests {
    struct Variant: Sendable, CustomStringConvertible {
        var shape: String
        var faults: [String] = []
        var target: String
        var criteria: Set<String>
        /// criterion → at least one of these oracles must fire; empty: nothing may fail.
        var expect: [String: Set<String>] = [:]
        /// Criteria that may fail for what the shape is, not for a planted fault (home-made auth
        /// fails SC-011 by definition); everything else must pass.
        var inherent: Set<String> = []
        var description: String { ([shape] + faults).joined(separator: "+") }
    }

    static let core: Set<String> = ["SC-001", "SC-002", "SC-003", "SC-004", "SC-005", "SC-007", "SC-010"]

    static let variants: [Variant] = [
        .init(shape: "own-login", target: "targets/own-login-example.json", criteria: core),
        .init(shape: "own-login", faults: ["own-tasks-no-owner-check"], target: "targets/own-login-example.json",
              criteria: ["SC-004"], expect: ["SC-004": ["CrossUserRead", "CrossUserWrite", "SilentWrite"]]),
        .init(shape: "own-login", faults: ["login-any-password"], target: "targets/own-login-example.json",
              criteria: ["SC-003", "SC-004"], expect: ["SC-003": ["ImpostorSignIn", "WrongPasswordAccepted"],
                                                      "SC-004": ["CrossUserRead", "CrossUserWrite"]]),
        .init(shape: "no-login", target: "targets/no-login-example.json", criteria: ["SC-001", "SC-002", "SC-003", "SC-004", "SC-011"],
              expect: ["SC-003": ["UnauthenticatedAccess"], "SC-004": ["CrossUserRead"], "SC-011": ["NoLogin"]]),
        .init(shape: "varied", target: "targets/varied-example.json", criteria: core),
        .init(shape: "varied", faults: ["search-unfiltered"], target: "targets/varied-example.json",
              criteria: ["SC-003", "SC-004"], expect: ["SC-003": ["CrossUserRead"]]),
        .init(shape: "varied", faults: ["search-sql-string"], target: "targets/varied-example.json",
              criteria: ["SC-010"], expect: ["SC-010": ["InjectionError", "CrossUserRead", "ServerError"]]),
    ]

    @Test(arguments: variants)
    func shapeIsJudgedRight(_ v: Variant) async throws {
        // An own users table holds bcrypt hashes that another test's SC-011 scan of the shared
        // database would read: those shapes get a stack of their own.
        let stack = v.shape == "own-login" ? try await ReferenceStack.isolated() : try await ReferenceStack.shared()
        let api = try await ReferenceStack.ExtraAPI(faults: v.faults, shape: v.shape, on: stack)
        defer { api.stop() }
        let target = try await Harness.target(apiURL: api.url, targetFile: v.target, stack: stack)
        let result = try await Harness.run(target, try Harness.scenarios(criteria: v.criteria))
        let failures = Harness.failures(result)
        #expect(result.count(.error) == 0, "\(v): \(Harness.describe(result))")
        if v.expect.isEmpty {
            let unexpected = failures.filter { !v.inherent.contains($0.key) }
            #expect(unexpected.isEmpty, "\(v) must fail nothing: \(Harness.describe(result))")
            #expect(result.count(.passed) > 20, "\(v): judged on evidence, not skipped")
        }
        for (criterion, oracles) in v.expect {
            let fired = failures[criterion] ?? []
            #expect(!fired.isDisjoint(with: oracles), "\(v): \(criterion) fired \(fired.sorted()); all: \(failures)")
        }
        // Nothing outside the expected criteria fails for a planted fault.
        let stray = Set(failures.keys).subtracting(v.expect.keys).subtracting(v.inherent)
        #expect(stray.isEmpty, "\(v): unexpected failures in \(stray.sorted()): \(Harness.describe(result))")
        // Clean-up removed every user and row of the run, from whichever users table.
        #expect(result.notes.contains { $0.hasPrefix("clean-up: deleted") }, "\(result.notes)")
        #expect(!result.notes.contains { $0.contains("left") && $0.hasPrefix("clean-up") }, "\(result.notes)")
    }
}
