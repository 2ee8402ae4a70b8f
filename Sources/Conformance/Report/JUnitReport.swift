import Foundation

/// `reports/junit.xml` as CI systems read it (shared/reference/junit.md): one `<testsuite>` per
/// scenario, `classname` = criterion, unique names, counts computed from the cases, times in
/// seconds with a dot, bodies short, every character legal in XML 1.0.
public enum JUnitReport {
    public static func render(_ run: RunResult, redactor: Redactor) -> String {
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let all = run.allCases
        x += "<testsuites name=\"conformance\" tests=\"\(all.count)\" failures=\(q(run.count(.failed))) errors=\(q(run.count(.error))) skipped=\(q(run.count(.skipped) + run.count(.notJudged))) time=\(q(seconds(run.seconds))) timestamp=\(q(timestamp(run.startedAt)))>\n"
        for (i, suite) in run.suites.enumerated() {
            x += "  <testsuite name=\(q(suite.scenarioID, redactor)) tests=\"\(suite.cases.count)\" failures=\(q(suite.count(.failed))) errors=\(q(suite.count(.error))) skipped=\(q(suite.count(.skipped) + suite.count(.notJudged))) time=\(q(seconds(suite.seconds))) timestamp=\(q(timestamp(suite.startedAt))) id=\"\(i)\" hostname=\"localhost\" package=\(q(suite.criterion, redactor))>\n"
            x += "    <properties>\n"
            x += "      <property name=\"criterion\" value=\(q(suite.criterion, redactor))/>\n"
            x += "      <property name=\"title\" value=\(q(suite.title, redactor))/>\n"
            x += "      <property name=\"run\" value=\(q(run.runID, redactor))/>\n"
            // How many cases could prove something (passed or failed): JUnit counts a "not
            // judged" as a skip, and a reader must see how much of a pass was observed.
            x += "      <property name=\"judged\" value=\(q(suite.judged.fraction))/>\n"
            for tally in suite.checkTallies {
                x += "      <property name=\(q("judged " + tally.label, redactor)) value=\(q(tally.count.fraction))/>\n"
            }
            // Time the scenario spent waiting on the auth server's rate limit, so a slow suite says why.
            let waits = run.rateLimitWaits.filter { $0.scenario == suite.scenarioID }
            if !waits.isEmpty {
                let gaveUp = waits.filter(\.gaveUp).count
                let value = String(format: "%d wait(s), %.1f s", waits.count - gaveUp, waits.reduce(0) { $0 + $1.seconds }) + (gaveUp > 0 ? ", \(gaveUp) gave up" : "")
                x += "      <property name=\"rateLimitWaits\" value=\(q(value))/>\n"
            }
            x += "    </properties>\n"
            var names = Set<String>()
            for c in suite.cases {
                var name = c.name, n = 2
                while names.contains(name) { name = "\(c.name) (\(n))"; n += 1 }
                names.insert(name)
                x += "    <testcase classname=\(q(c.criterion, redactor)) name=\(q(name, redactor)) file=\(q(c.file, redactor)) time=\(q(seconds(c.seconds)))"
                switch c.outcome {
                case .passed:
                    x += "/>\n"
                case .skipped(let reason):
                    x += ">\n      <skipped message=\(q(XMLText.oneLine(reason), redactor))/>\n    </testcase>\n"
                case .notJudged(let reason):
                    // JUnit has no "inconclusive": a skip that says so, never a pass.
                    x += ">\n      <skipped type=\"NotJudged\" message=\(q(XMLText.oneLine("not judged: " + reason), redactor))/>\n    </testcase>\n"
                case .error(let kind, let message):
                    x += ">\n      <error message=\(q(XMLText.oneLine(message), redactor)) type=\(q(kind.rawValue))>\(body(message, c.evidence, redactor))</error>\n    </testcase>\n"
                case .failed(let findings):
                    let first = findings.first
                    let message = findings.count == 1 ? (first?.message ?? "") : findings.map { "[\($0.oracle.rawValue)] \($0.message)" }.joined(separator: " | ")
                    let text = findings.map { f in "[\(f.oracle.rawValue)] \(f.message)" }.joined(separator: "\n")
                    let evidence = findings.flatMap(\.evidence)
                    x += ">\n      <failure message=\(q(XMLText.oneLine(message), redactor)) type=\(q(first?.oracle.rawValue ?? "Failure"))>\(body(text, evidence.isEmpty ? c.evidence : evidence, redactor))</failure>\n    </testcase>\n"
                }
            }
            x += "  </testsuite>\n"
        }
        x += "</testsuites>\n"
        return x
    }

    static func body(_ headline: String, _ evidence: [Evidence], _ redactor: Redactor) -> String {
        // Each part redacted whole before the cut: a cut through a secret would leave a part the
        // redactor cannot recognise.
        var text = redactor.redact(headline)
        for e in evidence.prefix(4) { text += "\n\n--- \(redactor.redact(e.title)) ---\n\(e.text(redactor: redactor))" }
        // GitHub check text is capped at 64 KiB; keep bodies to a few KB (full transcripts are in results.json).
        if text.count > 6000 { text = String(text.prefix(6000)) + "\n… (cut; see results.json)" }
        return XMLText.escape(text)
    }

    static func q(_ n: Int) -> String { "\"\(n)\"" }
    static func q(_ s: String) -> String { "\"" + XMLText.escape(s, attribute: true) + "\"" }
    static func q(_ s: String, _ redactor: Redactor) -> String { q(redactor.redact(s)) }

    /// Seconds with a dot and three decimals, whatever the locale.
    public static func seconds(_ s: Double) -> String { String(format: "%.3f", locale: Locale(identifier: "en_US_POSIX"), max(0, s)) }

    static func timestamp(_ d: Date) -> String { UTCTime.string(d, format: "yyyy-MM-dd'T'HH:mm:ss") }
}
