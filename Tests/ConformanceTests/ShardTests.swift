import Foundation
import Testing
@testable import Conformance

/// Issue 12.1's "done when": the clean reference app's pack run whole and run as two shards
/// merged through the command line give the same cases, outcomes and verdicts.
@Suite(.serialized) struct ShardTests {
    static let criteria = ["SC-001", "SC-002", "SC-003", "SC-004", "SC-005", "SC-010"]

    /// The pack with its `maxMs` budgets taken out: they judge the machine's speed, and a loaded
    /// test machine would make the two runs differ for reasons that are not the harness's.
    static func packWithoutTimeBudgets() throws -> String {
        let folder = NSTemporaryDirectory() + "shard-pack-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Harness.packPath) where name.hasSuffix(".json") {
            let text = try String(contentsOfFile: Harness.packPath + "/" + name, encoding: .utf8)
            let stripped = JSONWriter.pretty(withoutBudgets(try JSONParser.parse(text)))
            try stripped.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        return folder
    }

    static func withoutBudgets(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o): return .object(JSONObject(o.pairs.filter { $0.key != "maxMs" }.map { ($0.key, withoutBudgets($0.value)) }))
        case .array(let items): return .array(items.map(withoutBudgets))
        default: return v
        }
    }

    /// scenario | case | outcome, and criterion | verdict | cases | judged, from a results.json.
    static func fingerprint(_ file: String) throws -> (cases: Set<String>, count: Int, verdicts: [String]) {
        let run = try ResultsReader.read(file: file)
        let cases = run.suites.flatMap { s in s.cases.map { "\(s.scenarioID) | \($0.name) | \($0.outcome.kind.rawValue)" } }
        return (Set(cases), cases.count, run.verdicts.map { "\($0.criterion) | \($0.verdict.rawValue) | \($0.cases) | \($0.judged)" })
    }

    @Test func twoShardsMergedGiveTheVerdictsOfOneRun() async throws {
        // A stack of its own, as DeterminismTests: other suites' rows would be seen by the scans.
        let own = try await ReferenceStack.PrivateStack(faults: [])
        defer { own.stop() }
        let pack = try Self.packWithoutTimeBudgets()
        var env = ProcessInfo.processInfo.environment
        for name in ["CONFORMANCE_SHARD", "CI_NODE_INDEX", "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX", "CONFORMANCE_SHARD_TOTAL"] { env[name] = nil }
        for (k, v) in own.stack.values { env[k] = v }
        env["CI"] = "true"
        let environment = env
        let selection = Self.criteria.flatMap { ["--criterion", $0] }
        let base = NSTemporaryDirectory() + "shards-\(UUID().uuidString)"
        @Sendable func run(_ name: String, _ extra: [String]) async throws -> (status: Int32, output: String, reports: String) {
            let reports = base + "/" + name
            let (status, output) = try await ReferenceStack.run([Harness.binary(), "run", "--reports", reports] + selection + extra + [pack],
                                                                environment: environment)
            return (status, output, reports)
        }

        let whole = try await run("whole", [])
        #expect(whole.status == 0, "\(whole.output)")
        // The shards side by side, as CI jobs run them.
        async let first = run("shard-1", ["--shard", "1/2"])
        async let second = run("shard-2", ["--shard", "2/2"])
        let shards = try await [first, second]
        for s in shards { #expect(s.status == 0 || s.status == 1, "\(s.output)") }
        let ids = shards.compactMap { CommandLineTests.runID(in: $0.output) }
        #expect(Set(ids).count == 2, "each shard is a run of its own: \(ids)")

        // Disjoint parts, both non-empty, covering the selection.
        let parts = try shards.map { try ResultsReader.read(file: $0.reports + "/results.json") }
        let scenarioSets = parts.map { Set($0.suites.map(\.scenarioID)) }
        let everything = try ResultsReader.read(file: whole.reports + "/results.json").suites.map(\.scenarioID)
        #expect(scenarioSets.allSatisfy { !$0.isEmpty })
        #expect(scenarioSets[0].isDisjoint(with: scenarioSets[1]))
        #expect(scenarioSets[0].union(scenarioSets[1]) == Set(everything))
        #expect(parts.map { $0.shard?.shard.description } == ["1/2", "2/2"])

        let merged = base + "/merged"
        let (status, output) = try await ReferenceStack.run([Harness.binary(), "merge", "--reports", merged, shards[1].reports, shards[0].reports],
                                                            environment: env)
        #expect(status == whole.status, "\(output)")

        let one = try Self.fingerprint(whole.reports + "/results.json")
        let two = try Self.fingerprint(merged + "/results.json")
        #expect(one.count > 50, "the selection ran: \(one.count) cases")
        #expect(two.count == one.count)
        #expect(two.cases == one.cases, "only unsharded: \(one.cases.subtracting(two.cases).sorted().prefix(8)); only merged: \(two.cases.subtracting(one.cases).sorted().prefix(8))")
        #expect(two.verdicts == one.verdicts)
        // Same scenario order as the whole run, and the shards' run ids in the merged one.
        let mergedRun = try ResultsReader.read(file: merged + "/results.json")
        #expect(mergedRun.suites.map(\.scenarioID) == everything)
        #expect(mergedRun.runID == ids.joined(separator: "+"))
        // The users' creation time: in each run's results.json and timing line, summed by merge.
        let wholeRun = try ResultsReader.read(file: whole.reports + "/results.json")
        #expect(wholeRun.signUps.users > 0 && wholeRun.signUps.seconds > 0 && wholeRun.signUps.seconds < wholeRun.seconds)
        #expect(whole.output.contains("timing: \(wholeRun.signUps.users) user(s) created in"), "\(whole.output.suffix(400))")
        #expect(mergedRun.signUps.users == parts.reduce(0) { $0 + $1.signUps.users })

        let lint = try JUnitSchema.validate(file: merged + "/junit.xml")
        #expect(lint.status == 0, "\(lint.output)")
        for file in ["summary.md", "report.html"] { #expect(FileManager.default.fileExists(atPath: merged + "/" + file)) }
    }

    /// More shards than scenarios: the shard dealt nothing still writes valid, empty reports,
    /// creates no user and exits 0.
    @Test func anEmptyShardWritesEmptyReports() async throws {
        let stack = try await ReferenceStack.shared()
        var env = ProcessInfo.processInfo.environment
        for (k, v) in stack.values { env[k] = v }
        env["CI"] = "true"
        env["CONFORMANCE_SHARD"] = "7/7"
        let reports = NSTemporaryDirectory() + "empty-shard-\(UUID().uuidString)"
        let (status, output) = try await ReferenceStack.run([Harness.binary(), "run", "--shard", "auto", "--reports", reports,
                                                             "--criterion", "SC-005", Harness.packPath], environment: env)
        #expect(status == 0, "\(output)")
        let run = try ResultsReader.read(file: reports + "/results.json")
        #expect(run.suites.isEmpty)
        #expect(run.shard?.shard.description == "7/7")
        #expect(try JUnitSchema.validate(file: reports + "/junit.xml").status == 0)
        let id = try #require(CommandLineTests.runID(in: output))
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        #expect(try await db.read("SELECT id FROM \"user\" WHERE email LIKE $1", [TestEmails(runID: id).likePattern]).isEmpty)
    }
}
