import Foundation

/// `reports/results.json`: everything the JUnit file says, with full evidence, machine-readable.
public enum ResultsJSON {
    public static func render(_ run: RunResult, redactor: Redactor) -> String {
        func s(_ text: String) -> JSONValue { .string(redactor.redact(text)) }
        func evidence(_ list: [Evidence]) -> JSONValue {
            .array(list.map { e in
                var o = JSONObject([("kind", .string(e.kind.rawValue)), ("title", s(e.title)), ("text", s(e.text))])
                if let data = e.data { o["data"] = redacted(data, redactor) }
                return .object(o)
            })
        }
        let suites: [JSONValue] = run.suites.map { suite in
            let cases: [JSONValue] = suite.cases.map { c in
                var o = JSONObject([("name", s(c.name)), ("criterion", s(c.criterion)), ("outcome", .string(c.outcome.label)),
                                    ("seconds", .number((c.seconds * 1000).rounded() / 1000))])
                switch c.outcome {
                case .failed(let fs):
                    o["findings"] = .array(fs.map { f in
                        .object(JSONObject([("oracle", .string(f.oracle)), ("message", s(f.message)), ("evidence", evidence(f.evidence))]))
                    })
                case .error(let kind, let message):
                    o["error"] = .object(JSONObject([("kind", .string(kind)), ("message", s(message))]))
                case .skipped(let reason): o["reason"] = s(reason)
                case .passed: break
                }
                if !c.evidence.isEmpty { o["evidence"] = evidence(c.evidence) }
                return .object(o)
            }
            return .object(JSONObject([
                ("id", s(suite.scenarioID)), ("criterion", s(suite.criterion)), ("title", s(suite.title)), ("file", s(suite.file)),
                ("seconds", .number((suite.seconds * 1000).rounded() / 1000)),
                ("counts", counts(suite.cases)), ("cases", .array(cases)),
            ]))
        }
        let root = JSONObject([
            ("runId", .string(run.runID)),
            ("startedAt", .string(ISO8601DateFormatter().string(from: run.startedAt))),
            ("seconds", .number((run.seconds * 1000).rounded() / 1000)),
            ("exitStatus", .number(Double(run.exitStatus))),
            ("target", .object(JSONObject(run.target.map { ($0.0, s($0.1)) }))),
            ("criteria", criteria(run)),
            ("counts", counts(run.allCases)),
            ("notes", .array(run.notes.map(s))),
            ("suites", .array(suites)),
        ])
        return JSONWriter.pretty(.object(root)) + "\n"
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
        .object(JSONObject(["passed", "failed", "error", "skipped"].map { label in
            (label, .number(Double(cases.filter { $0.outcome.label == label }.count)))
        }))
    }

    /// Per criterion: failed if any case failed, error if any errored, skipped if all skipped.
    public static func verdicts(_ run: RunResult) -> [(criterion: String, verdict: String, cases: Int)] {
        var order: [String] = []
        var byCriterion: [String: [CaseResult]] = [:]
        for c in run.allCases {
            if byCriterion[c.criterion] == nil { order.append(c.criterion) }
            byCriterion[c.criterion, default: []].append(c)
        }
        return order.sorted().map { crit in
            let cs = byCriterion[crit] ?? []
            let labels = Set(cs.map(\.outcome.label))
            let verdict = labels.contains("failed") ? "failed" : labels.contains("error") ? "error"
                : labels == ["skipped"] ? "skipped" : "passed"
            return (crit, verdict, cs.count)
        }
    }

    static func criteria(_ run: RunResult) -> JSONValue {
        .object(JSONObject(verdicts(run).map { ($0.criterion, .string($0.verdict)) }))
    }
}
