import Foundation

/// leaderboard.json (what shards merge from), leaderboard.csv, leaderboard.html and summary.md.
/// Every text from a run passes through the redactor; the files hold no secret.
public enum LeaderboardFiles {
    public static let jsonName = "leaderboard.json"

    /// Writes the four files into `folder`; returns their paths.
    @discardableResult
    public static func write(_ board: Leaderboard, to folder: String, redactor: Redactor) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = [(jsonName, JSONWriter.pretty(json(board, redactor: redactor)) + "\n"),
                     ("leaderboard.csv", csv(board, redactor: redactor)),
                     ("leaderboard.html", LeaderboardHTML.render(board, redactor: redactor)),
                     ("summary.md", markdown(board, redactor: redactor))]
        var paths: [String] = []
        for (name, text) in files {
            let path = folder + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        return paths
    }

    // MARK: JSON

    public static func json(_ b: Leaderboard, redactor: Redactor) -> JSONValue {
        var o = JSONObject()
        o["roster"] = .string(redactor.redact(b.roster))
        o["maxScore"] = .number(Double(b.maxScore))
        o["criteria"] = .array(b.criteria.map { c in
            ["id": .string(c.id), "weight": .number(Double(c.weight)), "demands": .string(c.demands)]
        })
        o["teams"] = .array(b.rows.map { r in
            var t = JSONObject()
            t["team"] = .string(r.team)
            t["rank"] = r.rank.map { .number(Double($0)) } ?? .null
            t["reason"] = r.reason.map { .string(redactor.redact($0)) } ?? .null
            t["score"] = .number(Double(r.score))
            t["cells"] = .object(JSONObject(b.criteria.compactMap { c in r.cells[c.id].map { (c.id, JSONValue.string($0.rawValue)) } }))
            t["counts"] = .object(JSONObject(r.counts.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.number(Double($0.value))) }))
            t["report"] = r.report.map(JSONValue.string) ?? .null
            t["anchors"] = .object(JSONObject(r.anchors.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
            t["exitStatus"] = r.exitStatus.map { .number(Double($0)) } ?? .null
            return .object(t)
        })
        return .object(o)
    }

    /// Reads a leaderboard.json back (a shard's), for merging.
    public static func read(file: String) throws -> Leaderboard {
        let root = JSONNode(value: try UserFile.parse(file), file: file)
        let roster = try root.required("roster", "the roster's name").string()
        var criteria: [Leaderboard.Criterion] = []
        for c in try root.required("criteria", "the criteria").array() {
            criteria.append(.init(id: try c.required("id", "an id").string(), weight: try c.required("weight", "a weight").int(),
                                  demands: try c.optional("demands")?.string() ?? ""))
        }
        var rows: [Leaderboard.Row] = []
        for t in try root.required("teams", "the teams").array() {
            var cells: [String: CriterionVerdict.Verdict] = [:]
            for (id, v) in try t.optional("cells")?.entries() ?? [] {
                guard let verdict = CriterionVerdict.Verdict(rawValue: try v.string()) else { throw v.error("expected a verdict") }
                cells[id] = verdict
            }
            var counts: [String: Int] = [:]
            for (k, v) in try t.optional("counts")?.entries() ?? [] { counts[k] = try v.int() }
            var anchors: [String: String] = [:]
            for (k, v) in try t.optional("anchors")?.entries() ?? [] { anchors[k] = try v.string() }
            func text(_ key: String) throws -> String? {
                guard let n = t.optional(key), n.value != .null else { return nil }
                return try n.string()
            }
            let rank: Int? = try t.optional("rank").flatMap { $0.value == .null ? nil : try $0.int() }
            let status: Int32? = try t.optional("exitStatus").flatMap { $0.value == .null ? nil : Int32(try $0.int()) }
            rows.append(.init(team: try t.required("team", "the team's name").string(), rank: rank, reason: try text("reason"),
                              score: try t.required("score", "the score").int(), cells: cells, counts: counts,
                              report: try text("report"), anchors: anchors, exitStatus: status))
        }
        return Leaderboard(roster: roster, criteria: criteria, rows: rows)
    }

    // MARK: CSV

    /// RFC 4180 fields; a field a spreadsheet would run as a formula gets a leading apostrophe.
    static func field(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            v = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    public static func csv(_ b: Leaderboard, redactor: Redactor) -> String {
        var lines = [(["rank", "team", "score", "max score"] + b.criteria.map(\.id) + ["note"]).map(field).joined(separator: ",")]
        for r in b.rows {
            let cells = b.criteria.map { r.cells[$0.id]?.rawValue ?? "" }
            let fields = [r.rank.map(String.init) ?? "not ranked", r.team, String(r.score), String(b.maxScore)] + cells + [redactor.redact(r.reason ?? "")]
            lines.append(fields.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: Markdown

    static func md(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    public static func markdown(_ b: Leaderboard, redactor: Redactor) -> String {
        var out = "# Leaderboard: \(md(b.roster))\n\n"
        out += "| rank | team | score | " + b.criteria.map { md($0.id) }.joined(separator: " | ") + " |\n"
        out += "|---|---|---|" + String(repeating: "---|", count: b.criteria.count) + "\n"
        for r in b.rows {
            let cells = b.criteria.map { r.cells[$0.id]?.rawValue ?? "—" }
            out += "| \(r.rank.map(String.init) ?? "not ranked") | \(md(r.team)) | \(r.score) / \(b.maxScore) | " + cells.joined(separator: " | ") + " |\n"
        }
        let unranked = b.rows.filter { $0.rank == nil }
        if !unranked.isEmpty {
            out += "\nNot ranked (the run could not judge anything):\n\n"
            for r in unranked { out += "- \(md(r.team)): \(md(redactor.redact(r.reason ?? "")))\n" }
        }
        out += "\nScore: each criterion met counts its weight (" + b.criteria.map { "\($0.id) \($0.weight)" }.joined(separator: ", ") + ").\n"
        return out
    }
}
