import Foundation

/// Every team's verdict per criterion and its score, ranked. Built from the teams' runs; written
/// as leaderboard.json (which shards merge from), .csv, .html and summary.md.
///
/// The score: each criterion the team *met* counts its weight (pack.json's `weight`, 1 unless
/// said; isolation and authentication weigh 3 in the Phase II pack); a criterion not met, not
/// judged, skipped or in error counts nothing. Teams rank by score, then by fewer criteria
/// failed, then by name. A team whose run could not judge anything (unreachable, refused, bad
/// target) is listed as not ranked, with the reason — never ranked as failing.
public struct Leaderboard: Sendable, Equatable {
    public struct Criterion: Sendable, Equatable {
        public var id: String
        public var weight: Int
        public var demands: String
    }

    public struct Row: Sendable, Equatable {
        public var team: String
        /// nil: the run could not judge anything; `reason` says why.
        public var rank: Int?
        public var reason: String?
        public var score: Int
        public var cells: [String: CriterionVerdict.Verdict]
        /// Case counts: passed, failed, error, skipped, not judged.
        public var counts: [String: Int]
        /// The team's report, relative to the leaderboard, and its anchors per criterion.
        public var report: String?
        public var anchors: [String: String]
        public var exitStatus: Int32?
    }

    public var roster: String
    public var criteria: [Criterion]
    public var rows: [Row]

    public var maxScore: Int { criteria.reduce(0) { $0 + $1.weight } }

    /// A team's row from its run (`result` nil when the run could not start: `reason` says why).
    public static func row(team: String, result: RunResult?, reason: String?, criteria: [Criterion]) -> Row {
        guard let result else {
            return Row(team: team, rank: nil, reason: reason ?? "the run did not start", score: 0, cells: [:], counts: [:],
                       report: nil, anchors: [:], exitStatus: 2)
        }
        var cells: [String: CriterionVerdict.Verdict] = [:]
        for v in result.verdicts { cells[v.criterion] = v.verdict }
        var counts: [String: Int] = [:]
        for kind in Outcome.Kind.allCases { counts[kind.rawValue] = result.count(kind) }
        let score = criteria.filter { cells[$0.id] == .passed }.reduce(0) { $0 + $1.weight }
        let judged = cells.values.contains { $0 == .passed || $0 == .failed }
        var why = reason
        if !judged, why == nil {
            why = result.allCases.first { $0.outcome.kind == .error }.map { "nothing could be judged: \($0.name): \($0.outcome.reason ?? "")" }
                ?? "nothing could be judged"
        }
        // A criterion in error was not established either way: the judge must see that the
        // score may be low for the run's sake, not the team's.
        let unsettled = criteria.filter { cells[$0.id] == .error }.map(\.id)
        if judged, !unsettled.isEmpty {
            why = ([reason].compactMap { $0 } + ["not established (errors): \(unsettled.joined(separator: ", ")) — see the team's report"]).joined(separator: "; ")
        }
        return Row(team: team, rank: judged ? 0 : nil, reason: why, score: score, cells: cells, counts: counts,
                   report: team + "/report.html", anchors: HTMLReport.anchors(criteria.map(\.id)), exitStatus: result.exitStatus)
    }

    /// Sorts the rows and numbers the ranked ones (ties share a rank).
    public static func ranked(roster: String, criteria: [Criterion], rows: [Row]) -> Leaderboard {
        func failed(_ r: Row) -> Int { r.cells.values.filter { $0 == .failed }.count }
        let judged = rows.filter { $0.rank != nil }.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if failed(a) != failed(b) { return failed(a) < failed(b) }
            return a.team < b.team
        }
        var out: [Row] = []
        for (i, row) in judged.enumerated() {
            var r = row
            if let previous = out.last, previous.score == r.score, failed(previous) == failed(r) { r.rank = previous.rank } else { r.rank = i + 1 }
            out.append(r)
        }
        out += rows.filter { $0.rank == nil }.sorted { $0.team < $1.team }
        return Leaderboard(roster: roster, criteria: criteria, rows: out)
    }

    /// One leaderboard from the shards' (each judged some of the roster's teams).
    public static func merged(_ parts: [Leaderboard]) throws -> Leaderboard {
        guard let first = parts.first else { throw MergeProblem("no leaderboard to merge") }
        var rows: [Row] = []
        for part in parts {
            guard part.roster == first.roster else { throw MergeProblem("leaderboards of different rosters: \"\(first.roster)\" and \"\(part.roster)\"") }
            guard part.criteria == first.criteria else { throw MergeProblem("leaderboards judged by different criteria") }
            for row in part.rows {
                guard !rows.contains(where: { $0.team == row.team }) else { throw MergeProblem("the team \"\(row.team)\" is in two shards") }
                rows.append(row)
            }
        }
        return ranked(roster: first.roster, criteria: first.criteria, rows: rows)
    }

    public struct MergeProblem: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
