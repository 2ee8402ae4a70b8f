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
        let root = JSONObject([
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
            ("suites", .array(suites)),
        ])
        return JSONWriter.pretty(.object(root)) + "\n"
    }

    /// Evidence as data: an exchange as its request and response (headers and bodies redacted,
    /// bodies bounded), anything else as its text.
    static func evidence(_ list: [Evidence], _ redactor: Redactor) -> JSONValue {
        .array(list.map { e in
            var o = JSONObject([("kind", .string(e.kind.rawValue)), ("title", .string(redactor.redact(e.title))),
                                ("text", .string(e.text(redactor: redactor)))])
            if let data = e.data { o["data"] = redacted(data, redactor) }
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
