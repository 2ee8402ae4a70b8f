import Foundation
import Testing
@testable import Conformance

/// Judge mode (issue 12): one roster of teams — a clean app, three with different planted faults,
/// one that cannot be reached, one whose secret is missing — judged into one leaderboard whose
/// ranking and cells follow from the faults; the same roster as two shards, merged, gives the
/// same leaderboard.
@Suite struct HackathonJudgeTests {
    static let criteria = ["SC-002", "SC-003", "SC-004", "SC-005"]

    /// The roster a judge would write; secrets only by the names of variables.
    static func roster(_ apis: [String: String], folder: String) throws -> String {
        func team(_ name: String, api: String, auth: String? = nil, database: String = "JUDGE_TEST_DATABASE_URL") -> JSONValue {
            var o = JSONObject([("name", .string(name)), ("apiURL", .string(api)), ("target", .string(Harness.patientTarget))])
            if let auth { o["authURL"] = .string(auth) }
            o["env"] = ["DATABASE_URL": .string(database), "BETTER_AUTH_SECRET": "JUDGE_TEST_SECRET", "BETTER_AUTH_URL": "JUDGE_TEST_AUTH_URL"]
            return .object(o)
        }
        var teams = apis.sorted { $0.key < $1.key }.map { team($0.key, api: $0.value) }
        teams.append(team("unreachable", api: "http://127.0.0.1:9", auth: "http://127.0.0.1:9"))
        teams.append(team("no-secret", api: apis["clean"] ?? "", database: "JUDGE_TEST_NOT_SET"))
        let roster: JSONValue = ["name": "Test hackathon", "pack": .string(Harness.packPath),
                                 "criteria": .array(criteria.map(JSONValue.string)), "teams": .array(teams)]
        let path = folder + "/roster.json"
        try JSONWriter.pretty(roster).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func board(_ reports: String) throws -> Leaderboard {
        try LeaderboardFiles.read(file: reports + "/judge/" + LeaderboardFiles.jsonName)
    }

    /// What a judge compares: rank, team, score and cells.
    static func standings(_ b: Leaderboard) -> [String] {
        b.rows.map { r in "\(r.rank.map(String.init) ?? "-") \(r.team) \(r.score) " + criteria.map { r.cells[$0]?.rawValue ?? "—" }.joined(separator: ",") }
    }

    @Test func aRosterIsJudgedIntoOneLeaderboardAndShardsMergeIntoTheSame() async throws {
        let stack = try await ReferenceStack.shared()
        let faults = ["skip-exp": ["skip-exp"], "toggle-no-owner-check": ["toggle-no-owner-check"], "list-unfiltered": ["list-unfiltered"]]
        var extras: [ReferenceStack.ExtraAPI] = []
        defer { extras.forEach { $0.stop() } }
        var apis = ["clean": stack.apiURL]
        for (name, f) in faults {
            let api = try await ReferenceStack.ExtraAPI(faults: f)
            extras.append(api)
            apis[name] = api.url
        }
        let folder = NSTemporaryDirectory() + "judge-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let roster = try Self.roster(apis, folder: folder)
        var env = ProcessInfo.processInfo.environment
        // The judge's shell holds the teams' values under the names the roster gives — and an
        // app's own variables, which must not leak into any team's run.
        env["JUDGE_TEST_DATABASE_URL"] = stack.databaseURL
        env["JUDGE_TEST_SECRET"] = stack.secret
        env["JUDGE_TEST_AUTH_URL"] = stack.authURL
        env["DATABASE_URL"] = "postgresql://wrong:wrong@127.0.0.1:9/wrong"
        env["API_URL"] = "http://127.0.0.1:9"
        env["CI"] = "true"

        let whole = folder + "/whole"
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "judge", roster, "--reports", whole, "--teams-in-parallel", "3"], environment: env)
        // Two teams could not be judged: the leaderboard is written, and the exit says so.
        #expect(status == 2, "\(out)")
        let board = try Self.board(whole)
        let standings = Self.standings(board)
        // SC-003 and SC-004 weigh 3, SC-002 and SC-005 1: clean 8; one fault each in SC-003 or
        // SC-004, 5 (tied, so the same rank); list-unfiltered fails SC-002/003/004, 1.
        #expect(Array(standings.prefix(5)) == [
            "1 clean 8 passed,passed,passed,passed",
            "2 skip-exp 5 passed,failed,passed,passed",
            "2 toggle-no-owner-check 5 passed,passed,failed,passed",
            "4 list-unfiltered 1 failed,failed,failed,passed",
            "- no-secret 0 —,—,—,—",
        ], "\(standings)\n\(out)")
        // A team nobody can reach is listed, not ranked, and nothing of it reads passed or failed.
        let down = try #require(board.rows.last, "\(standings)")
        #expect(down.team == "unreachable" && down.rank == nil && down.score == 0, "\(standings)")
        #expect(!down.cells.values.contains { $0 == .passed || $0 == .failed }, "\(down.cells)")
        #expect(board.rows.first { $0.team == "no-secret" }?.reason?.contains("JUDGE_TEST_NOT_SET") == true)
        #expect(board.rows.first { $0.team == "unreachable" }?.reason != nil)
        #expect(board.maxScore == 8)
        // Every team's reports sit beside the leaderboard, and each cell links into one.
        let html = try String(contentsOfFile: whole + "/judge/leaderboard.html", encoding: .utf8)
        for team in ["clean", "skip-exp", "toggle-no-owner-check", "list-unfiltered"] {
            #expect(FileManager.default.fileExists(atPath: whole + "/judge/\(team)/report.html"))
            #expect(FileManager.default.fileExists(atPath: whole + "/judge/\(team)/junit.xml"))
            #expect(html.contains("href=\"\(team)/report.html#sc-004\""), "\(team)")
        }
        let csv = try String(contentsOfFile: whole + "/judge/leaderboard.csv", encoding: .utf8)
        #expect(csv.hasPrefix("rank,team,score,max score,SC-002,SC-003,SC-004,SC-005,note\r\n1,clean,8,8,passed,passed,passed,passed,"))
        // No team's secret in anything the judge wrote or printed.
        let password = try #require(URLComponents(string: stack.databaseURL)?.password)
        for file in ["leaderboard.html", "leaderboard.csv", "leaderboard.json", "summary.md"] {
            let text = try String(contentsOfFile: whole + "/judge/" + file, encoding: .utf8)
            #expect(!text.contains(stack.secret) && !text.contains(password), "\(file)")
        }
        #expect(!out.contains(stack.secret) && !out.contains(password))

        // The same roster as two shards (on two machines, say), merged.
        async let first = ReferenceStack.run([Harness.binary(), "judge", roster, "--shard", "1/2", "--reports", folder + "/s1"], environment: env)
        async let second = ReferenceStack.run([Harness.binary(), "judge", roster, "--shard", "2/2", "--reports", folder + "/s2"], environment: env)
        let shards = try await [first, second]
        let s1 = try Self.board(folder + "/s1"), s2 = try Self.board(folder + "/s2")
        #expect(s1.rows.count + s2.rows.count == board.rows.count && !s1.rows.isEmpty && !s2.rows.isEmpty, "\(shards.map(\.output))")
        // `merge` tells judge shards (a leaderboard.json) from run shards.
        let (merged, mergeOut) = try await ReferenceStack.run([Harness.binary(), "merge", folder + "/s1", folder + "/s2",
                                                               "--reports", folder + "/merged"], environment: env)
        #expect(merged == 2, "unranked teams again: \(mergeOut)")
        #expect(Self.standings(try Self.board(folder + "/merged")) == standings)
        #expect(FileManager.default.fileExists(atPath: folder + "/merged/judge/clean/report.html"))
    }

    @Test func aRosterWithASecretInlineIsRefusedWithItsPointer() async throws {
        let folder = NSTemporaryDirectory() + "judge-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/roster.json"
        try #"{"teams": [{"name": "a", "apiURL": "https://a.example.com", "env": {"DATABASE_URL": "postgresql://u:hunter2@db/x"}}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "judge", path, "--reports", folder + "/r"])
        #expect(status == 2, "\(out)")
        #expect(out.contains(path) && out.contains("/teams/0/env/DATABASE_URL") && out.contains("never holds secrets"), "\(out)")
        #expect(!out.contains("hunter2"))
        for (text, pointer) in [(#"{"teams": [{"name": "a b", "apiURL": "https://a.example.com"}]}"#, "/teams/0/name"),
                                (#"{"teams": [{"name": "a", "apiURL": "https://a.example.com"}, {"name": "A", "apiURL": "https://b.example.com"}]}"#, "/teams/1/name"),
                                (#"{"teams": [{"name": "a", "apiUrl": "https://a.example.com"}]}"#, "/teams/0/apiUrl"),
                                (#"{"teams": []}"#, "/teams")] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let (s, o) = try await ReferenceStack.run([Harness.binary(), "judge", path, "--reports", folder + "/r"])
            #expect(s == 2 && o.contains(pointer), "\(text): \(o)")
        }
    }

    @Test func scoresRankTiesAndUnjudgedTeams() {
        let criteria = [Leaderboard.Criterion(id: "SC-003", weight: 3, demands: ""), .init(id: "SC-005", weight: 1, demands: "")]
        func row(_ team: String, _ cells: [String: CriterionVerdict.Verdict], judged: Bool = true) -> Leaderboard.Row {
            let score = criteria.filter { cells[$0.id] == .passed }.reduce(0) { $0 + $1.weight }
            return .init(team: team, rank: judged ? 0 : nil, reason: judged ? nil : "unreachable", score: score, cells: cells, counts: [:],
                         report: nil, anchors: [:], exitStatus: nil)
        }
        let b = Leaderboard.ranked(roster: "r", criteria: criteria, rows: [
            row("z", ["SC-003": .passed, "SC-005": .failed]),
            row("a", ["SC-003": .passed, "SC-005": .error]),
            row("m", ["SC-003": .failed, "SC-005": .passed]),
            row("down", [:], judged: false),
        ])
        // a and z both score 3; z failed a criterion, a did not: a ranks first.
        #expect(b.rows.map(\.team) == ["a", "z", "m", "down"])
        #expect(b.rows.map(\.rank) == [1, 2, 3, nil])
        #expect(LeaderboardFiles.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    }

    /// scenarios/roster.schema.json says what RosterLoader accepts, key for key.
    @Test func theRosterSchemaIsTheLoaders() throws {
        let path = ReferenceStack.root + "/scenarios/roster.schema.json"
        let schema = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: path))))
        func keys(_ v: JSONValue?) -> Set<String> { Set(v?.objectValue?.keys ?? []) }
        #expect(keys(schema["properties"]) == RosterLoader.rosterKeys)
        let team = schema["properties"]?["teams"]?["items"]
        #expect(keys(team?["properties"]) == RosterLoader.teamKeys)
        let variables = team?["properties"]?["env"]?["propertyNames"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(variables) == Roster.teamVariables)
        #expect(schema["additionalProperties"] == .bool(false) && team?["additionalProperties"] == .bool(false))
    }
}
