/// The body of report.html: a section per criterion, its scenarios, their cases. Failures and
/// errors come first and open (`<details open>`): a judge sees the proof without a click; passed
/// and skipped cases are one collapsed line each, their evidence a click away.
extension HTMLReport {
    func criterionSection(_ criterion: String, verdict: CriterionVerdict.Verdict, run: RunResult, anchor: String) -> String {
        let cases = run.allCases.filter { $0.criterion == criterion }
        var h = "<section class=\"criterion \(Self.cssClass(verdict.rawValue))\" id=\"\(anchor)\">\n"
        h += "<div class=\"crit-head\"><h2>\(t(criterion))</h2>\(Self.badge(verdict.rawValue))<span class=\"sub\">\(cases.count) case(s): \(Self.tally(cases))</span></div>\n"
        if let meaning = run.criteria[criterion] {
            h += "<p class=\"demands\">\(t(meaning.demands))</p>\n"
            if let how = meaning.checkedBy { h += "<p class=\"sub\">How it is checked: \(t(how))</p>\n" }
        }
        h += charts(cases)
        // A suite normally judges one criterion; a case filed under another still shows here.
        let suites = run.suites.compactMap { s -> (SuiteResult, [CaseResult])? in
            let mine = s.cases.filter { $0.criterion == criterion }
            return mine.isEmpty ? nil : (s, mine)
        }
        let ordered = suites.filter { Self.bad($0.1) } + suites.filter { !Self.bad($0.1) }
        for (suite, mine) in ordered { h += scenario(suite, mine) }
        return h + "</section>\n"
    }

    static func bad(_ cases: [CaseResult]) -> Bool { cases.contains { $0.outcome.kind == .failed || $0.outcome.kind == .error } }

    /// One chart per distinct set of latency figures of the criterion: the load phase attaches
    /// the same figures to each of its cases, and one chart says it all.
    func charts(_ cases: [CaseResult]) -> String {
        var seen: [(String, JSONValue)] = []
        var h = ""
        let all = cases.flatMap { c -> [Evidence] in
            if case .failed(let findings) = c.outcome { return findings.flatMap(\.evidence) + c.evidence }
            return c.evidence
        }
        for e in all where e.kind == .figures {
            guard let data = e.data, !seen.contains(where: { $0.0 == e.title && $0.1 == data }) else { continue }
            seen.append((e.title, data))
            let title = redactor.redact(e.title)
            guard let svg = LatencyChart.svg(ResultsJSON.redacted(data, redactor), title: title) else { continue }
            h += "<div class=\"chart-box\"><h4>\(HTMLText.escape(title))</h4>\n\(svg)\n</div>\n"
        }
        return h
    }

    func scenario(_ suite: SuiteResult, _ cases: [CaseResult]) -> String {
        var h = "<div class=\"scenario\">\n<div class=\"scenario-head\"><h3>\(t(suite.title))</h3>"
        h += "<span class=\"sub mono\">\(t(suite.scenarioID)) · \(t(suite.file)) · \(Self.duration(suite.seconds))</span></div>\n"
        let tallies = suite.checkTallies
        if !tallies.isEmpty {
            let items = tallies.map { "<li><span class=\"mono\">\(t($0.label))</span>: \(t($0.count.sentence))</li>" }.joined()
            h += "<ul class=\"judged sub\">\(items)</ul>\n"
        }
        let order: [Outcome.Kind] = [.failed, .error, .notJudged, .skipped, .passed]
        let sorted = cases.enumerated().sorted { a, b in
            let ra = order.firstIndex(of: a.element.outcome.kind) ?? 0, rb = order.firstIndex(of: b.element.outcome.kind) ?? 0
            return ra != rb ? ra < rb : a.offset < b.offset
        }
        for (_, c) in sorted { h += caseBlock(c) }
        return h + "</div>\n"
    }

    func caseBlock(_ c: CaseResult) -> String {
        let label = c.outcome.kind.rawValue
        let css = Self.cssClass(label)
        var line = "\(Self.badge(label)) <span class=\"name\">\(t(c.name))</span>"
        if c.seconds > 0 { line += "<span class=\"time\">\(Self.duration(c.seconds))</span>" }
        var body = ""
        switch c.outcome {
        case .failed(let findings):
            for f in findings { body += finding(f.oracle.rawValue, f.message, f.evidence) }
            if !c.evidence.isEmpty { body += "<div class=\"finding\"><div class=\"sub\">Also recorded with the case</div>\(evidenceList(c.evidence))</div>" }
        case .error(let kind, let message):
            body += finding(kind.rawValue, message, c.evidence)
        case .skipped(let reason), .notJudged(let reason):
            line += " <span class=\"why\">— \(t(reason))</span>"
            body += evidenceList(c.evidence)
        case .passed:
            body += evidenceList(c.evidence)
        }
        // A case with nothing more to show is a plain line: an empty disclosure would mislead.
        let id = c.outcome.kind == .failed ? " id=\"\(Self.caseAnchor(c))\"" : ""
        guard !body.isEmpty else { return "<div class=\"case \(css)\"\(id)><div class=\"line\">\(line)</div></div>\n" }
        let open = Self.bad([c]) ? " open=\"\"" : ""
        return "<details class=\"case \(css)\"\(open)\(id)><summary>\(line)</summary>\n<div class=\"body\">\(body)</div></details>\n"
    }

    /// A failed case's anchor, from what identifies it (criterion, file, step, name): the same
    /// case gets the same anchor in every run, so a link into last week's report still works.
    static func caseAnchor(_ c: CaseResult) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(c.criterion)|\(c.source.file)|\(c.source.pointer)|\(c.name)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "case-" + String(hash, radix: 16)
    }

    /// The scorecard's lead: the three most serious findings, each a click from its evidence.
    func mostSerious(_ run: RunResult) -> String {
        let worst = Severity.mostSerious(run.allCases)
        guard !worst.isEmpty else { return "" }
        var h = "<section class=\"serious\">\n<h2>Most serious findings</h2>\n<ol class=\"serious\">\n"
        for (c, f) in worst {
            h += "<li><a href=\"#\(Self.caseAnchor(c))\"><span class=\"oracle\">\(t(f.oracle.rawValue))</span></a> "
            h += "<span class=\"sub\">\(t(c.criterion)) · \(HTMLText.escape(Severity(f.oracle).words))</span>"
            h += "<p class=\"message\">\(t(f.message))</p><p class=\"sub\">in <a href=\"#\(Self.caseAnchor(c))\">\(t(c.name))</a></p></li>\n"
        }
        return h + "</ol>\n</section>\n"
    }

    /// The oracle that fired (the failure type, or the kind of infrastructure error), its
    /// message, and every piece of evidence behind it.
    func finding(_ oracle: String, _ message: String, _ evidence: [Evidence]) -> String {
        "<div class=\"finding\"><div><span class=\"oracle\">\(t(oracle))</span></div>\n<p class=\"message\">\(t(message))</p>\(evidenceList(evidence))</div>\n"
    }

    func evidenceList(_ list: [Evidence]) -> String { list.map(evidence).joined() }
}
