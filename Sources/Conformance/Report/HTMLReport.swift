import Foundation

/// `reports/report.html`: the run's evidence for a person (a judge, a reviewer). One file that
/// works alone and offline: inline CSS and SVG, no script, no external font, readable printed.
/// The page: a header (run, time, target, counts, what the exit status means), a verdict per
/// criterion, then a section per criterion with its scenarios and cases — failures first and
/// open, with the oracle, the message and every piece of evidence — and the run's notes.
///
/// Every text from the run goes through `t(_:)`: the redactor first (secrets are matched in the
/// form they were registered in), then `HTMLText`. Nothing the app sent reaches the page raw.
public struct HTMLReport: Sendable {
    let redactor: Redactor
    /// The folder report.html is written to (absolute, standardised): screenshots inside it are
    /// shown with a relative link, so the folder can be moved or downloaded as a CI artifact.
    let folder: String?

    public static func render(_ run: RunResult, redactor: Redactor, reportsDirectory: String? = nil) -> String {
        HTMLReport(redactor: redactor, folder: reportsDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }).page(run)
    }

    /// Text from the run made safe for the page: redacted, then escaped.
    func t(_ s: String) -> String { HTMLText.escape(redactor.redact(s)) }

    func page(_ run: RunResult) -> String {
        let verdicts = run.verdicts
        let anchors = Self.anchors(verdicts.map(\.criterion))
        // Images only from beside the report (SC-006's screenshots).
        var h = HTMLDocument.opening(title: "Conformance run \(t(run.runID)): \(Self.statusWord(run.exitStatus))",
                                     css: HTMLStyle.css, images: "'self' file: data:")
        h += header(run, verdicts: verdicts, anchors: anchors)
        h += verdictTable(verdicts, run: run, anchors: anchors)
        h += mostSerious(run)
        for v in verdicts {
            h += criterionSection(v.criterion, verdict: v.verdict, run: run, anchor: anchors[v.criterion] ?? "")
        }
        h += notes(run)
        h += "<footer>Written by conformance. The same results, machine-readable: <a href=\"results.json\">results.json</a>, "
        h += "<a href=\"junit.xml\">junit.xml</a>, <a href=\"summary.md\">summary.md</a>. Passwords, cookies, tokens and the "
        h += "database password are masked as \(HTMLText.escape(Redactor.mask)) wherever they appeared.</footer>\n"
        h += "</div>\n</body>\n</html>\n"
        return h
    }

    // MARK: header

    func header(_ run: RunResult, verdicts: [CriterionVerdict], anchors: [String: String]) -> String {
        let status = run.exitStatus
        let kind = status == 0 ? "passed" : status == 1 ? "failed" : "error"
        var h = "<header class=\"run\">\n<div class=\"kicker\">Conformance report</div>\n<h1>Run <span class=\"mono\">\(t(run.runID))</span></h1>\n"
        h += "<div class=\"banner \(kind)\"><strong>\(Self.statusWord(status))</strong> — exit status \(status): \(HTMLCriteria.exitMeaning(status))."
        for (verdict, words) in [(CriterionVerdict.Verdict.failed, "Failed"), (.error, "Not established (errors)"), (.notJudged, "Not judged")] {
            let ids = verdicts.filter { $0.verdict == verdict }.map(\.criterion)
            guard !ids.isEmpty else { continue }
            let links = ids.map { "<a href=\"#\(anchors[$0] ?? "")\">\(t($0))</a>" }.joined(separator: ", ")
            h += " <br/>\(words): \(links)"
        }
        // Errors inside a criterion that also failed change no verdict, but the run was not
        // carried out in full, and the reader must know before trusting what passed.
        let errors = run.count(.error)
        if errors > 0 { h += " <br/>\(errors) case(s) could not be carried out: they are marked error below." }
        h += "</div>\n<div class=\"counts\">"
        let counts = CaseCounts(run.allCases)
        for (kind, noun) in [(Outcome.Kind.passed, "passed"), (.failed, "failed"), (.error, "errors"), (.skipped, "skipped"), (.notJudged, "not judged")]
        where kind != .notJudged || counts[kind] > 0 {
            h += "<div class=\"count \(Self.cssClass(kind.rawValue))\"><b>\(counts[kind])</b>\(noun)</div>"
        }
        h += "</div>\n<table class=\"meta\">\n"
        h += "<tr><th>Started</th><td>\(Self.time(run.startedAt))</td></tr>\n"
        h += "<tr><th>Duration</th><td>\(Self.duration(run.seconds))</td></tr>\n"
        h += "<tr><th>Cases</th><td>\(run.allCases.count) in \(run.suites.count) scenario(s), \(verdicts.count) criteria</td></tr>\n"
        for (name, value) in run.target {
            h += "<tr><th>Target \(t(name))</th><td class=\"mono\">\(t(value))</td></tr>\n"
        }
        return h + "</table>\n</header>\n"
    }

    func verdictTable(_ verdicts: [CriterionVerdict], run: RunResult, anchors: [String: String]) -> String {
        var h = "<section class=\"verdicts\">\n<h2>Verdict per criterion</h2>\n<div class=\"scroll\"><table class=\"verdicts\">\n"
        h += "<tr><th>Criterion</th><th>Verdict</th><th>What it demands</th><th>Cases</th><th>Judged</th></tr>\n"
        for v in verdicts {
            let cases = run.allCases.filter { $0.criterion == v.criterion }
            let demands = run.criteria[v.criterion]?.demands
                ?? run.suites.first { $0.criterion == v.criterion }.map(\.title) ?? ""
            h += "<tr class=\"\(Self.cssClass(v.verdict.rawValue))\"><td class=\"id\"><a href=\"#\(anchors[v.criterion] ?? "")\">\(t(v.criterion))</a></td>"
            h += "<td>\(Self.badge(v.verdict.rawValue))</td><td>\(t(demands))</td><td class=\"n\">\(Self.tally(cases))</td><td class=\"n\">\(v.judged) of \(v.cases)</td></tr>\n"
        }
        h += "</table></div>\n<dl class=\"legend\">"
        for verdict in CriterionVerdict.Verdict.allCases { h += "<dt>\(Self.badge(verdict.rawValue))</dt><dd>\(HTMLText.escape(verdict.plainWords))</dd>" }
        return h + "</dl>\n</section>\n"
    }

    func notes(_ run: RunResult) -> String {
        var h = "<section class=\"notes\" id=\"notes\">\n<h2>Notes of the run</h2>\n"
        if run.notes.isEmpty { return h + "<p class=\"muted\">No notes.</p>\n</section>\n" }
        h += "<ul>\n"
        for note in run.notes { h += "<li>\(t(note))</li>\n" }
        return h + "</ul>\n</section>\n"
    }

    // MARK: small pieces

    static func statusWord(_ status: Int32) -> String {
        status == 0 ? "Passed" : status == 1 ? "Failed" : "Could not be carried out"
    }

    static func badge(_ label: String) -> String {
        "<span class=\"badge \(cssClass(label))\">\(HTMLText.escape(label))</span>"
    }

    /// "not judged" as a class name.
    static func cssClass(_ label: String) -> String { label.replacingOccurrences(of: " ", with: "-") }

    /// "1 passed · 2 failed": only the outcomes that occur.
    static func tally(_ cases: [CaseResult]) -> String {
        let counts = CaseCounts(cases)
        let parts = [Outcome.Kind.failed, .error, .notJudged, .skipped, .passed].compactMap { kind -> String? in
            counts[kind] == 0 ? nil : "\(counts[kind]) \(kind.rawValue)"
        }
        return parts.isEmpty ? "no cases" : parts.joined(separator: " · ")
    }

    /// Fragment ids from criterion ids: readable (`sc-004`), only [a-z0-9-], never repeated.
    static func anchors(_ criteria: [String]) -> [String: String] {
        var out: [String: String] = [:], used = Set<String>()
        for c in criteria {
            var id = String(c.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-" })
            if id.isEmpty || !(id.first?.isLetter ?? false) { id = "c-" + id }
            var unique = id, n = 2
            while used.contains(unique) { unique = "\(id)-\(n)"; n += 1 }
            used.insert(unique)
            out[c] = unique
        }
        return out
    }

    static func time(_ date: Date) -> String { UTCTime.string(date, format: "yyyy-MM-dd HH:mm:ss 'UTC'") }

    static func duration(_ seconds: Double) -> String {
        let s = seconds.isFinite ? max(0, seconds) : 0
        if s < 1 { return "\(Int((s * 1000).rounded())) ms" }
        if s < 120 { return String(format: "%.1f s", locale: Locale(identifier: "en_US_POSIX"), s) }
        return "\(Int(s) / 60) min \(Int(s) % 60) s"
    }
}
