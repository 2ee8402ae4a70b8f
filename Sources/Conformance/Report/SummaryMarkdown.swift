/// `reports/summary.md`, for CI step summaries: a verdict per criterion and the failures.
public enum SummaryMarkdown {
    public static func render(_ run: RunResult, redactor: Redactor) -> String {
        var md = "# Conformance run \(run.runID)\n\n"
        md += "| criterion | verdict | cases | judged |\n|---|---|---|---|\n"
        for v in run.verdicts {
            md += "| \(v.criterion) | \(icon(v.verdict)) \(v.verdict.rawValue) | \(v.cases) | \(v.judged) of \(v.cases) |\n"
        }
        md += "\n\(CaseCounts(run.allCases).sentence) in \(JUnitReport.seconds(run.seconds)) s\n"
        // Per check: how much of each verdict rests on observation.
        let tallies = run.suites.flatMap { suite in suite.checkTallies.map { (suite.scenarioID, $0) } }
        if !tallies.isEmpty {
            md += "\n## Probes judged per check\n\n"
            for (scenario, t) in tallies { md += "- \(escape(scenario)) · `\(t.check)` \(escape(t.step)): \(t.count.sentence)\n" }
        }
        let bad = run.allCases.filter { $0.outcome.kind == .failed || $0.outcome.kind == .error }
        if !bad.isEmpty {
            md += "\n## Failures and errors\n\n"
            for c in bad.prefix(100) {
                switch c.outcome {
                case .failed(let fs):
                    for f in fs { md += "- **\(c.criterion)** \(escape(c.name)) — `\(f.oracle.rawValue)`: \(escape(f.message))\n" }
                case .error(let kind, let message):
                    md += "- **\(c.criterion)** \(escape(c.name)) — `\(kind.rawValue)`: \(escape(message))\n"
                default: break
                }
            }
        }
        if !run.notes.isEmpty {
            md += "\n## Notes\n\n" + run.notes.map { "- \(escape($0))\n" }.joined()
        }
        return redactor.redact(md)
    }

    static func icon(_ v: CriterionVerdict.Verdict) -> String {
        switch v {
        case .passed: return "✅"
        case .failed: return "❌"
        case .error: return "⚠️"
        case .skipped: return "⏭"
        case .notJudged: return "❔"
        }
    }

    static func escape(_ s: String) -> String {
        XMLText.oneLine(s, limit: 400).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}
