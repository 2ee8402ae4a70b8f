/// A criterion's verdict, computed here and nowhere else: the console, JUnit, HTML, JSON and
/// Markdown reports render it as it is.
public struct CriterionVerdict: Sendable, Hashable {
    public enum Verdict: String, Sendable, CaseIterable {
        case passed, failed, error, skipped
        /// Cases ran, but none of them could prove the rule either way.
        case notJudged = "not judged"

        /// How a person reads it in a sentence ("SC-004 failed").
        public var plainWords: String {
            switch self {
            case .passed: return "met: every case that could judge it passed"
            case .failed: return "not met: at least one case proved it broken"
            case .error: return "not established: part of it could not be carried out"
            case .skipped: return "not checked: every case was skipped"
            case .notJudged: return "not judged: no case could observe the rule"
            }
        }
    }

    public var criterion: String
    public var verdict: Verdict
    public var cases: Int
    /// Cases that passed or failed: the ones whose observation could prove something.
    public var judged: Int

    /// Failed if any case failed; else error if any errored; else passed if any passed; else not
    /// judged if any case ran without judging; else skipped.
    public static func judge(_ cases: [CaseResult]) -> [CriterionVerdict] {
        var order: [String] = []
        var byCriterion: [String: [Outcome.Kind]] = [:]
        for c in cases {
            if byCriterion[c.criterion] == nil { order.append(c.criterion) }
            byCriterion[c.criterion, default: []].append(c.outcome.kind)
        }
        return order.sorted().map { criterion in
            let kinds = byCriterion[criterion] ?? []
            let present = Set(kinds)
            let verdict: Verdict = present.contains(.failed) ? .failed
                : present.contains(.error) ? .error
                : present.contains(.passed) ? .passed
                : present.contains(.notJudged) ? .notJudged
                : .skipped
            return CriterionVerdict(criterion: criterion, verdict: verdict, cases: kinds.count,
                                    judged: kinds.filter { $0 == .passed || $0 == .failed }.count)
        }
    }
}
