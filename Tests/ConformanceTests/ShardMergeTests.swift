import ConformanceHTTP
import Foundation
import Testing
@testable import Conformance

/// Shards and merge without a stack: the partition, `--shard auto`, results.json read back, and
/// every refusal of `merge` (through the command line, where the exit status is the contract).
@Suite struct ShardMergeTests {
    // MARK: the partition

    static let ids = (1...23).map { "sc-\(String(format: "%03d", $0))-x" } + ["Ärger", "zeta", "alpha", "ö"]

    @Test(arguments: [1, 2, 3, 4, 7, 28, 29, 1000])
    func partitionIsDisjointCoveringAndBalanced(total: Int) throws {
        let assignment = Shard.assignment(of: Self.ids, total: total)
        #expect(Set(assignment.keys) == Set(Self.ids))
        #expect(assignment.values.allSatisfy { (1...total).contains($0) })
        var sizes = [Int](repeating: 0, count: total)
        for k in assignment.values { sizes[k - 1] += 1 }
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(sizes)")
        // Every shard's part, taken alone, gives back the whole once.
        let parts = try (1...total).map { k in try Shard(index: k, total: total) }
            .map { shard in Self.ids.filter { assignment[$0] == shard.index } }
        #expect(parts.flatMap { $0 }.sorted() == Self.ids.sorted())
    }

    @Test func partitionDependsOnTheIdsOnlyNotTheirOrder() {
        let a = Shard.assignment(of: Self.ids, total: 4)
        #expect(Shard.assignment(of: Self.ids.reversed(), total: 4) == a)
        #expect(Shard.assignment(of: Self.ids.shuffled(), total: 4) == a)
        // Written down: a change of the rule moves every team's shards and must be deliberate.
        #expect(Shard.assignment(of: ["b", "a", "c", "d", "e"], total: 2) == ["a": 1, "b": 2, "c": 1, "d": 2, "e": 1])
        // Bytes, not collation: "Ä" (0xC3 0x84) sorts after "z" everywhere.
        #expect(Shard.assignment(of: ["Ärger", "zeta", "alpha"], total: 3) == ["alpha": 1, "zeta": 2, "Ärger": 3])
    }

    @Test func theRealPackSplitsIntoItsShards() throws {
        let all = try ScenarioLoader.load(paths: [Harness.packPath])
        let shards = try (1...3).map { try Shard(index: $0, total: 3).select(all) }
        #expect(shards.flatMap { $0.map(\.id) }.sorted() == all.map(\.id).sorted())
        for part in shards {
            // Each part keeps the selection's order.
            #expect(part.map(\.id) == all.map(\.id).filter { id in part.contains { $0.id == id } })
        }
    }

    // MARK: K/N and --shard auto

    @Test func shardTextIsStrict() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, total: 4))
        #expect(try Shard(parsing: "1000/1000").total == 1000)
        for bad in ["0/4", "5/4", "1/1001", "1/0", "-1/4", "+1/4", " 1/4", "1/4 ", "1/4/5", "a/b", "1.0/4", "", "/", "1/", "99999999999/1"] {
            #expect(throws: ShardError.self, "\(bad)") { try Shard(parsing: bad) }
        }
        let message = try #require(throws: ShardError.self) { try Shard(parsing: "5/4") }
        #expect(message.description.contains("--shard"))
    }

    @Test func autoReadsTheEnvironmentInOrder() throws {
        func auto(_ env: [String: String]) throws -> Shard { try Shard.resolve("auto", environment: env) }
        #expect(try auto(["CONFORMANCE_SHARD": "3/5", "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2"]) == Shard(index: 3, total: 5))
        #expect(try auto(["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3", "JOB_COMPLETION_INDEX": "0"]) == Shard(index: 2, total: 3))
        // Kubernetes counts from 0.
        #expect(try auto(["JOB_COMPLETION_INDEX": "0", "CONFORMANCE_SHARD_TOTAL": "4"]) == Shard(index: 1, total: 4))
        #expect(try auto(["JOB_COMPLETION_INDEX": "3", "CONFORMANCE_SHARD_TOTAL": "4"]) == Shard(index: 4, total: 4))
        #expect(try auto(["CONFORMANCE_SHARD": "", "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "1"]) == Shard(index: 1, total: 1))
        #expect(try Shard.resolve("AUTO", environment: ["CONFORMANCE_SHARD": "1/2"]) == Shard(index: 1, total: 2))
        for bad: [String: String] in [[:], ["CI": "true"], ["CI_NODE_INDEX": "1"], ["JOB_COMPLETION_INDEX": "0"],
                                      ["JOB_COMPLETION_INDEX": "4", "CONFORMANCE_SHARD_TOTAL": "4"], ["CONFORMANCE_SHARD": "0/2"],
                                      ["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "2"], ["JOB_COMPLETION_INDEX": "-1", "CONFORMANCE_SHARD_TOTAL": "2"]] {
            #expect(throws: ShardError.self, "\(bad)") { try auto(bad) }
        }
        let none = try #require(throws: ShardError.self) { try auto([:]) }
        #expect(none.description.contains("CONFORMANCE_SHARD") && none.description.contains("CI_NODE_INDEX") && none.description.contains("JOB_COMPLETION_INDEX"))
    }

    // MARK: results.json read back

    static let selection = ["sc-b", "sc-a", "sc-c"]

    /// A shard's result as a run would hand it to the reports: every outcome kind, findings with
    /// an exchange and rows, a check tally, a rate-limit wait, criteria texts.
    static func shardRun(_ k: Int, of n: Int, selection: [String] = selection, pack: String = "fnv1a64:0000000000000001",
                         scenarios: [String]? = nil) throws -> RunResult {
        let mine = scenarios ?? selection.filter { Shard.assignment(of: selection, total: n)[$0] == k }
        let suites = mine.map { id -> SuiteResult in
            var check = CaseResult(name: "\(id) probe", criterion: "SC-004", file: "\(id).json", seconds: 0.25,
                                   outcome: .failed([Finding(oracle: .crossUserRead, message: "bob read alice's task",
                                                             evidence: [Evidence("bob's GET", JudgeTests.exchange(200, body: "{\"a\":1}", sent: "{}")),
                                                                        Evidence(.rows, "rows", "[{\"id\":1}]", data: ["id": 1])])]))
            check.check = "isolation"
            check.source.pointer = JSONPointer(["steps", "0"])
            let cases = [check,
                         CaseResult(name: "\(id) ok", criterion: "SC-002", file: "\(id).json", seconds: 0.1, outcome: .passed,
                                    evidence: [Evidence(.figures, "p95", "12 ms", data: [["operation": "tasks.list", "p95Ms": 12]])]),
                         CaseResult(name: "\(id) err", criterion: "SC-002", file: "\(id).json", seconds: 0, outcome: .error(kind: .connectionError, message: "slow")),
                         CaseResult(name: "\(id) skip", criterion: "SC-006", file: "\(id).json", seconds: 0, outcome: .skipped("no front end")),
                         CaseResult(name: "\(id) nj", criterion: "SC-003", file: "\(id).json", seconds: 0, outcome: .notJudged("route missing"))]
            return SuiteResult(scenarioID: id, criterion: "SC-004", title: "Title of \(id)", file: "\(id).json",
                               startedAt: Date(timeIntervalSince1970: 1_800_000_000), seconds: 1.5, cases: cases)
        }
        var run = RunResult(runID: "rshard\(k)", startedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(k)), seconds: 2,
                            target: [("api", "http://api.test")], suites: suites, notes: ["note of \(k)"])
        run.criteria = ["SC-004": CriterionInfo(demands: "isolation", checkedBy: "a matrix"), "SC-002": CriterionInfo(demands: "features", checkedBy: nil)]
        run.rateLimitWaits = [RateLimitWait(route: "/api/auth/sign-up/email", seconds: 1.5, scenario: mine.first, gaveUp: false)]
        run.shard = ShardRecord(shard: try Shard(index: k, total: n), selection: selection, pack: pack)
        return run
    }

    static func write(_ run: RunResult) throws -> String {
        let folder = NSTemporaryDirectory() + "shard-\(UUID().uuidString)"
        _ = try ReportWriter.write(run, to: folder, redactor: Redactor())
        return folder
    }

    @Test func resultsJSONReadBackRendersTheSameReports() throws {
        let run = try Self.shardRun(1, of: 1)
        let folder = try Self.write(run)
        let back = try ResultsReader.read(file: folder + "/results.json")
        #expect(back.shard == run.shard)
        #expect(back.criteria == run.criteria)
        #expect(back.rateLimitWaits == run.rateLimitWaits)
        #expect(back.verdicts == run.verdicts)
        #expect(back.suites.map(\.checkTallies) == run.suites.map(\.checkTallies))
        // Every renderer gives the same text from the file as from the run itself.
        let r = Redactor()
        #expect(ResultsJSON.render(back, redactor: r) == ResultsJSON.render(run, redactor: r))
        #expect(JUnitReport.render(back, redactor: r) == JUnitReport.render(run, redactor: r))
        #expect(SummaryMarkdown.render(back, redactor: r) == SummaryMarkdown.render(run, redactor: r))
        #expect(HTMLReport.render(back, redactor: r) == HTMLReport.render(run, redactor: r))
    }

    @Test func mergeRebuildsTheWholeInSelectionOrder() throws {
        let parts = try (1...2).map { k in
            let run = try Self.shardRun(k, of: 2)
            return ShardMerge.Part(folder: "f\(k)", run: run, record: try #require(run.shard))
        }
        let merged = try ShardMerge.merge(parts.reversed())
        #expect(merged.suites.map(\.scenarioID) == Self.selection)
        #expect(merged.runID == "rshard1+rshard2")
        #expect(merged.shard == nil)
        #expect(merged.mergedFrom.map(\.index) == [1, 2])
        #expect(merged.rateLimitWaits.count == 2)
        #expect(merged.notes.contains("shard 2/2: note of 2"))
        #expect(merged.exitStatus == 1)
        let lint = try JUnitSchema.validate(xml: JUnitReport.render(merged, redactor: Redactor()))
        #expect(lint.status == 0, "\(lint.output)")
    }

    // MARK: the command line

    static func merge(_ folders: [String], _ extra: [String] = []) async throws -> (status: Int32, output: String, out: String) {
        let out = NSTemporaryDirectory() + "merged-\(UUID().uuidString)"
        let (status, output) = try await ReferenceStack.run([Harness.binary(), "merge", "--reports", out] + extra + folders)
        return (status, output, out)
    }

    @Test func mergeRefusesWhatDoesNotBelongTogether() async throws {
        let one = try Self.write(try Self.shardRun(1, of: 2))
        let two = try Self.write(try Self.shardRun(2, of: 2))
        let three = try Self.write(try Self.shardRun(2, of: 3))
        let otherPack = try Self.write(try Self.shardRun(2, of: 2, pack: "fnv1a64:0000000000000002"))
        let otherSelection = try Self.write(try Self.shardRun(2, of: 2, selection: ["sc-a", "sc-b", "sc-d"]))
        let strays = try Self.write(try Self.shardRun(2, of: 2, scenarios: ["sc-a"]))
        var whole = try Self.shardRun(1, of: 1)
        whole.shard = nil
        let unsharded = try Self.write(whole)

        let cases: [([String], String)] = [
            ([one, three], "share N"), ([one, one], "given twice"), ([one, otherPack], "different packs"),
            ([one, otherSelection], "different selections"), ([one, strays], "other shards"),
            ([one, unsharded], "no --shard"), ([one, "/nonexistent/shard"], "no such folder"),
            ([one], "missing shard(s) 2 of 2"),
        ]
        for (folders, words) in cases {
            let r = try await Self.merge(folders)
            #expect(r.status == 2, "\(folders): \(r.output)")
            #expect(r.output.contains(words), "\(words): \(r.output)")
            #expect(!FileManager.default.fileExists(atPath: r.out + "/results.json"))
        }
        // Into a shard's own folder: refused, the shard's results untouched.
        let before = try String(contentsOfFile: one + "/results.json", encoding: .utf8)
        let (status, output) = try await ReferenceStack.run([Harness.binary(), "merge", "--reports", one, one, two])
        #expect(status == 2 && output.contains("merge into another folder"), "\(output)")
        #expect(try String(contentsOfFile: one + "/results.json", encoding: .utf8) == before)

        // --allow-missing merges what is there and says what is not.
        let partial = try await Self.merge([one], ["--allow-missing"])
        #expect(partial.status == 1, "\(partial.output)")
        let notes = try ResultsReader.read(file: partial.out + "/results.json").notes
        #expect(notes.contains { $0.contains("incomplete: shard 2/2") }, "\(notes)")

        let full = try await Self.merge([two, one])
        #expect(full.status == 1, "\(full.output)")
        #expect(try JUnitSchema.validate(file: full.out + "/junit.xml").status == 0)
    }

    static func plan(_ extra: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        for name in ["CONFORMANCE_SHARD", "CI_NODE_INDEX", "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX", "CONFORMANCE_SHARD_TOTAL"] { env[name] = nil }
        for (k, v) in environment { env[k] = v }
        return try await ReferenceStack.run([Harness.binary(), "plan", "--env-file", "/nonexistent/.env", "--auth-url", "http://127.0.0.1:9",
                                             "--api-url", "http://127.0.0.1:9", "--criterion", "SC-004", Harness.packPath] + extra, environment: env)
    }

    @Test func planShowsTheShardAndRefusesBadOnes() async throws {
        let (status, output) = try await Self.plan(["--shard", "2/2"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("shard 2/2: "), "\(output)")
        let auto = try await Self.plan(["--shard", "auto"], environment: ["JOB_COMPLETION_INDEX": "0", "CONFORMANCE_SHARD_TOTAL": "2"])
        #expect(auto.status == 0 && auto.output.contains("shard 1/2: "), "\(auto.output)")
        let empty = try await Self.plan(["--shard", "1000/1000"])
        #expect(empty.status == 0 && empty.output.contains("nothing to run"), "\(empty.output)")
        for bad in [["--shard", "3/2"], ["--shard", "0/2"], ["--shard", "1/1001"], ["--shard", "two"], ["--shard", "auto"]] {
            let r = try await Self.plan(bad)
            #expect(r.status == 2, "\(bad): \(r.output)")
            #expect(r.output.contains("--shard"), "\(bad): \(r.output)")
        }
    }
}
