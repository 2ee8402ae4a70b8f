import Foundation

/// `reports/results.json`: everything the JUnit file says, with full evidence, machine-readable.
public enum ResultsJSON {
    public static func render(_ run: RunResult, redactor: Redactor) -> String {
        func s(_ text: String) -> JSONValue { .string(redactor.redact(text)) }
        let suites: [JSONValue] = run.suites.map { suite in
            let cases: [JSONValue] = suite.cases.map { c in
                var o = JSONObject([("name", s(c.name)), ("criterion", s(c.criterion)), ("outcome", .string(c.outcome.kind.rawValue)),
                                    ("seconds", .number((c.seconds * 1000).rounded() / 1000))])
                if !c.source.pointer.tokens.isEmpty { o["step"] = s(c.source.pointer.description) }
                // For `merge`, which rebuilds the cases from this file: the check tallies key on them.
                o["file"] = s(c.file)
                if !c.check.isEmpty { o["check"] = .string(c.check) }
                switch c.outcome {
                case .failed(let fs):
                    o["findings"] = .array(fs.map { f in
                        .object(JSONObject([("oracle", .string(f.oracle.rawValue)), ("message", s(f.message)),
                                            ("evidence", evidence(f.evidence, redactor))]))
                    })
                case .error(let kind, let message):
                    o["error"] = .object(JSONObject([("kind", .string(kind.rawValue)), ("message", s(message))]))
                case .skipped(let reason), .notJudged(let reason): o["reason"] = s(reason)
                case .passed: break
                }
                if !c.evidence.isEmpty { o["evidence"] = evidence(c.evidence, redactor) }
                return .object(o)
            }
            return .object(JSONObject([
                ("id", s(suite.scenarioID)), ("criterion", s(suite.criterion)), ("title", s(suite.title)), ("file", s(suite.file)),
                ("startedAt", .string(ISO8601DateFormatter().string(from: suite.startedAt))),
                ("seconds", .number((suite.seconds * 1000).rounded() / 1000)),
                ("counts", counts(suite.cases)), ("judged", judged(suite.judged)),
                ("checks", .array(suite.checkTallies.map { t in
                    var o = JSONObject([("check", .string(t.check)), ("step", s(t.step))])
                    if case .object(let j) = judged(t.count) { for (k, v) in j.pairs { o[k] = v } }
                    return .object(o)
                })),
                ("cases", .array(cases)),
            ]))
        }
        var root = JSONObject([
            ("runId", .string(run.runID)),
            ("startedAt", .string(ISO8601DateFormatter().string(from: run.startedAt))),
            ("seconds", .number((run.seconds * 1000).rounded() / 1000)),
            ("exitStatus", .number(Double(run.exitStatus))),
            ("target", .object(JSONObject(run.target.map { ($0.0, s($0.1)) }))),
            ("criteria", criteria(run)),
            ("verdicts", .array(run.verdicts.map { v in
                .object(JSONObject([("criterion", s(v.criterion)), ("verdict", .string(v.verdict.rawValue)),
                                    ("judged", .number(Double(v.judged))), ("cases", .number(Double(v.cases)))]))
            })),
            ("counts", counts(run.allCases)),
            ("notes", .array(run.notes.map(s))),
            ("rateLimitWaits", .array(run.rateLimitWaits.map { w in
                var o = JSONObject([("route", s(w.route)), ("seconds", .number((w.seconds * 1000).rounded() / 1000)), ("gaveUp", .bool(w.gaveUp))])
                if let scenario = w.scenario { o["scenario"] = s(scenario) }
                return .object(o)
            })),
            ("signUps", .object(JSONObject([("users", .number(Double(run.signUps.users))),
                                            ("seconds", .number((run.signUps.seconds * 1000).rounded() / 1000))]))),
            ("suites", .array(suites)),
        ])
        for (key, value) in mergeFields(run, redactor) { root[key] = value }
        return JSONWriter.pretty(.object(root)) + "\n"
    }

    /// Evidence as data: an exchange as its request and response (headers and bodies redacted,
    /// bodies bounded), anything else as its text.
    static func evidence(_ list: [Evidence], _ redactor: Redactor) -> JSONValue {
        .array(list.map { e in
            var o = JSONObject([("kind", .string(e.kind.rawValue)), ("title", .string(redactor.redact(e.title))),
                                ("text", .string(e.text(redactor: redactor)))])
            if let data = e.data { o["data"] = redacted(data, redactor) }
            if let shown = e.exchange.map({ $0.shown(redactor) }) ?? e.shown { o["exchange"] = exchange(shown) }
            return .object(o)
        })
    }

    /// Figures carry names too (an operation is named after the target's resource): every string
    /// in them, keys included, goes through the redactor like the text beside them.
    static func redacted(_ value: JSONValue, _ redactor: Redactor) -> JSONValue {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let items): return .array(items.map { redacted($0, redactor) })
        case .object(let object): return .object(JSONObject(object.pairs.map { (redactor.redact($0.key), redacted($0.value, redactor)) }))
        case .null, .bool, .number: return value
        }
    }

    static func counts(_ cases: [CaseResult]) -> JSONValue {
        let counts = CaseCounts(cases)
        return .object(JSONObject(Outcome.Kind.allCases.map { ($0.rawValue, .number(Double(counts[$0]))) }))
    }

    /// {"judged": 12, "cases": 14}: the cases that passed or failed, of all.
    static func judged(_ count: JudgedCount) -> JSONValue {
        .object(JSONObject([("judged", .number(Double(count.judged))), ("cases", .number(Double(count.cases)))]))
    }

    static func criteria(_ run: RunResult) -> JSONValue {
        .object(JSONObject(run.verdicts.map { ($0.criterion, .string($0.verdict.rawValue)) }))
    }
}

extension ResultsJSON {
    /// What `conformance merge` needs beyond the fields above to rebuild the whole run: the
    /// criteria texts, the clean-up's trouble, the shard this run was and the shards a merged
    /// run came from. Absent when empty, so a plain run's file is what it always was.
    static func mergeFields(_ run: RunResult, _ redactor: Redactor) -> [(String, JSONValue)] {
        func s(_ text: String) -> JSONValue { .string(redactor.redact(text)) }
        var out: [(String, JSONValue)] = []
        if !run.criteria.isEmpty {
            out.append(("criterionTexts", .object(JSONObject(run.criteria.keys.sorted().compactMap { id in
                run.criteria[id].map { info in
                    var o = JSONObject([("demands", s(info.demands))])
                    if let how = info.checkedBy { o["checkedBy"] = s(how) }
                    return (id, .object(o))
                }
            }))))
        }
        if let problem = run.cleanupProblem { out.append(("cleanupProblem", s(problem))) }
        if let record = run.shard {
            out.append(("shard", .object(JSONObject([
                ("index", .number(Double(record.shard.index))), ("total", .number(Double(record.shard.total))),
                ("selection", .array(record.selection.map(s))), ("pack", .string(record.pack)),
            ]))))
        }
        if !run.mergedFrom.isEmpty {
            out.append(("mergedFrom", .array(run.mergedFrom.map { r in
                .object(JSONObject([("index", .number(Double(r.index))), ("runId", s(r.runID)),
                                    ("startedAt", .string(ISO8601DateFormatter().string(from: r.startedAt))),
                                    ("seconds", .number((r.seconds * 1000).rounded() / 1000)),
                                    ("exitStatus", .number(Double(r.exitStatus))), ("from", s(r.folder))]))
            })))
        }
        return out
    }

    /// An exchange's parts as the reports show them (redacted, bodies bounded), so that a merged
    /// report.html draws request and response apart as the shard's did.
    static func exchange(_ shown: Exchange.Shown) -> JSONValue {
        var o = JSONObject([("requestLine", .string(shown.requestLine)), ("requestHeaders", .array(shown.requestHeaders.map(JSONValue.string)))])
        if let body = shown.requestBody { o["requestBody"] = .string(body) }
        if let status = shown.status {
            o["status"] = .string(status)
            o["responseHeaders"] = .array(shown.responseHeaders.map(JSONValue.string))
            if let body = shown.responseBody { o["responseBody"] = .string(body) }
        }
        if let fault = shown.fault { o["fault"] = .string(fault) }
        return .object(o)
    }
}
