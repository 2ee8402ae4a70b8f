/// `reports/summary.md`, for CI step summaries: a verdict per criterion and the failures.
public enum SummaryMarkdown {
    public static func render(_ run: RunResult, redactor: Redactor) -> String {
        var md = "# Conformance run \(run.runID)\n\n"
        md += "| criterion | verdict | cases |\n|---|---|---|\n"
        for v in ResultsJSON.verdicts(run) {
            let icon = ["passed": "✅ passed", "failed": "❌ failed", "error": "⚠️ error", "skipped": "⏭ skipped"][v.verdict] ?? v.verdict
            md += "| \(v.criterion) | \(icon) | \(v.cases) |\n"
        }
        md += "\n\(run.count("passed")) passed, \(run.count("failed")) failed, \(run.count("error")) errors, \(run.count("skipped")) skipped in \(JUnitReport.seconds(run.seconds)) s\n"
        let bad = run.allCases.filter { $0.outcome.label == "failed" || $0.outcome.label == "error" }
        if !bad.isEmpty {
            md += "\n## Failures and errors\n\n"
            for c in bad.prefix(100) {
                switch c.outcome {
                case .failed(let fs):
                    for f in fs { md += "- **\(c.criterion)** \(escape(c.name)) — `\(f.oracle)`: \(escape(f.message))\n" }
                case .error(let kind, let message):
                    md += "- **\(c.criterion)** \(escape(c.name)) — `\(kind)`: \(escape(message))\n"
                default: break
                }
            }
        }
        if !run.notes.isEmpty {
            md += "\n## Notes\n\n" + run.notes.map { "- \(escape($0))\n" }.joined()
        }
        return redactor.redact(md)
    }

    static func escape(_ s: String) -> String {
        XMLText.oneLine(s, limit: 400).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}
