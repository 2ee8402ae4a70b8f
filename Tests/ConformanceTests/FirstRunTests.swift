import Foundation
import Testing
@testable import Conformance

/// Issue 3's "done when": the first criteria pass against the clean reference app in both API
/// shapes, the JUnit file validates, a misspelled key exits 2, and nothing of the run remains.
@Suite(.serialized) struct FirstRunTests {
    static let firstCriteria: Set<String> = ["SC-001", "SC-002", "SC-005", "SC-007"]

    @Test func firstCriteriaPassOnTheCleanApp() async throws {
        let result = try await Harness.run(try Harness.target(), try Harness.scenarios(criteria: Self.firstCriteria))
        #expect(Set(result.suites.map(\.criterion)) == Self.firstCriteria)
        #expect(result.count("failed") == 0, "\(Harness.describe(result))")
        #expect(result.count("error") == 0, "\(Harness.describe(result))")
        #expect(result.count("passed") >= 30)
        #expect(result.exitStatus == 0)
    }

    @Test func tokenOnlyShapeWithItsTargetFile() async throws {
        let api = try ReferenceStack.ExtraAPI(faults: [], shape: "token-only")
        defer { api.stop() }
        let target = try Harness.target(apiURL: api.url, targetFile: "targets/token-only.json")
        let result = try await Harness.run(target, try Harness.scenarios(criteria: Self.firstCriteria.union(["SC-004"])))
        #expect(result.count("failed") == 0, "\(Harness.describe(result))")
        #expect(result.count("error") == 0, "\(Harness.describe(result))")
        #expect(result.count("passed") >= 30)

        // The default (official) target against this app cannot work: it must say so, not pass.
        let wrong = try await Harness.run(try Harness.target(apiURL: api.url), try Harness.scenarios(criteria: ["SC-002"]))
        #expect(wrong.count("failed") > 0)
    }

    @Test func cliWritesAValidJUnitFileAndCleansUp() async throws {
        let stack = try ReferenceStack.shared()
        let reports = NSTemporaryDirectory() + "conformance-reports-\(UUID().uuidString)"
        var env = ProcessInfo.processInfo.environment
        for (k, v) in stack.values { env[k] = v }
        env["CI"] = "true"
        let (status, output) = try ReferenceStack.run([Harness.binary(), "run", "--reports", reports, "--criterion", "SC-001",
                                                      "--criterion", "SC-002", "--criterion", "SC-005", "--criterion", "SC-007",
                                                      Harness.packPath], environment: env)
        #expect(status == 0, "\(output)")
        let junit = reports + "/junit.xml"
        let lint = try ReferenceStack.run(["xmllint", "--noout", "--schema", ReferenceStack.root + "/../shared/schemas/junit-ci.xsd", junit])
        #expect(lint.status == 0, "\(lint.output)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("classname=\"SC-002\""))
        #expect(xml.contains("<failure") == false)

        // The run id is printed; no user of that run and no row of theirs may remain.
        let runID = try #require(output.split(separator: " ").first { $0.hasPrefix("r") && $0.hasSuffix(":") }.map { String($0.dropLast()) })
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        let users = try await db.read("SELECT id FROM \"user\" WHERE email LIKE $1", ["%@\(runID).conformance.test"])
        #expect(users.isEmpty)
        let orphans = try await db.read("SELECT count(*) AS n FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = t.user_id)")
        #expect(orphans.first?["n"]?.intValue == 0)
    }

    @Test func misspelledKeyExitsTwoWithFileAndPointer() throws {
        let dir = NSTemporaryDirectory() + "conformance-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/bad.json"
        try #"{"id": "x", "criterion": "SC-002", "title": "t", "users": ["a"], "steps": [{"call": "tasks.list", "as": "a", "expcet": {"status": 200}}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        for command in ["validate", "run"] {
            let (status, output) = try ReferenceStack.run([Harness.binary(), command, "--auth-url", "http://127.0.0.1:9", "--api-url", "http://127.0.0.1:9", file].filter { command == "run" || !$0.contains("url") && !$0.hasPrefix("http") })
            #expect(status == 2, "\(command): \(output)")
            #expect(output.contains(file), "\(output)")
            #expect(output.contains("/steps/0/expcet"), "\(output)")
            #expect(output.contains("did you mean \"expect\""), "\(output)")
        }
    }

    @Test func unreachableServicesAreErrorsNotCrashes() async throws {
        var target = Target(authURL: "http://127.0.0.1:9", apiURL: "http://127.0.0.1:9", databaseURL: nil)
        target.requestTimeout = 5
        let result = try await Harness.run(target, try Harness.scenarios(criteria: ["SC-002"]))
        #expect(result.count("error") > 0)
        #expect(result.exitStatus == 2)
        let xml = JUnitReport.render(result, redactor: Redactor())
        #expect(xml.contains("<error "))
    }
}
