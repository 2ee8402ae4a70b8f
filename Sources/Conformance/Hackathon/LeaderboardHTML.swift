import Foundation

/// leaderboard.html: self-contained (one inline style sheet, no script), a row per team and a
/// column per criterion; each cell links to that criterion's section in the team's report.html.
/// Verdicts are written in words as well as colours, and the table scrolls inside its own box on
/// a phone instead of widening the page.
public enum LeaderboardHTML {
    static let css = """
    :root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --link: #0969da;
      --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
      --err: #9a6700; --err-bg: #fff8c5; --skip: #57606a; --skip-bg: #eaeef2; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
    .page { max-width: 1200px; margin: 0 auto; padding: 24px 20px 48px; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    .sub { color: var(--muted); font-size: 13px; }
    .scroll { overflow-x: auto; margin-top: 18px; border: 1px solid var(--line); border-radius: 8px; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; }
    th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
    th { background: var(--soft); font-weight: 600; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.cell a { display: block; border-radius: 4px; padding: 1px 6px; color: inherit; text-decoration: none; }
    td.passed a { background: var(--pass-bg); color: var(--pass); }
    td.failed a { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
    td.error a { background: var(--err-bg); color: var(--err); }
    td.skipped a, td.not-judged a { background: var(--skip-bg); color: var(--skip); }
    tr.unranked td { color: var(--muted); }
    td.note { white-space: normal; min-width: 16em; overflow-wrap: anywhere; }
    a { color: var(--link); }
    """

    static func cssClass(_ v: CriterionVerdict.Verdict) -> String { v.rawValue.replacingOccurrences(of: " ", with: "-") }

    public static func render(_ b: Leaderboard, redactor: Redactor) -> String {
        func t(_ s: String) -> String { HTMLText.escape(redactor.redact(s)) }
        var h = HTMLDocument.opening(title: "Leaderboard: \(t(b.roster))", css: css)
        h += "<h1>Leaderboard: \(t(b.roster))</h1>\n"
        let ranked = b.rows.filter { $0.rank != nil }.count
        h += "<p class=\"sub\">\(b.rows.count) team(s), \(ranked) ranked. Each criterion met counts its weight ("
        h += b.criteria.map { "\(t($0.id)) \($0.weight)" }.joined(separator: ", ") + "); out of \(b.maxScore).</p>\n"
        h += "<div class=\"scroll\">\n<table>\n<thead><tr><th>rank</th><th>team</th><th>score</th>"
        for c in b.criteria { h += "<th title=\"\(t(c.demands))\">\(t(c.id))</th>" }
        h += "<th>note</th></tr></thead>\n<tbody>\n"
        for r in b.rows {
            h += "<tr\(r.rank == nil ? " class=\"unranked\"" : "")><td class=\"num\">\(r.rank.map(String.init) ?? "—")</td>"
            h += "<td>" + (r.report.map { "<a href=\"\(t($0))\">\(t(r.team))</a>" } ?? t(r.team)) + "</td>"
            h += "<td class=\"num\">\(r.score) / \(b.maxScore)</td>"
            for c in b.criteria {
                guard let v = r.cells[c.id] else { h += "<td>—</td>"; continue }
                let href = (r.report ?? "") + (r.anchors[c.id].map { "#" + $0 } ?? "")
                h += "<td class=\"cell \(cssClass(v))\"><a href=\"\(t(href))\" title=\"\(t(c.id)): \(t(v.plainWords))\">\(t(v.rawValue))</a></td>"
            }
            h += "<td class=\"note\">\(r.rank == nil ? "not ranked: " : "")\(t(r.reason ?? ""))</td></tr>\n"
        }
        h += "</tbody>\n</table>\n</div>\n</div>\n</body>\n</html>\n"
        return h
    }
}
