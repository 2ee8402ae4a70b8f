/// How many cases ended each way, in the order and words every report uses.
public struct CaseCounts: Sendable {
    public var byKind: [Outcome.Kind: Int]

    public init(_ cases: [CaseResult]) {
        var counts: [Outcome.Kind: Int] = [:]
        for c in cases { counts[c.outcome.kind, default: 0] += 1 }
        byKind = counts
    }

    public subscript(_ kind: Outcome.Kind) -> Int { byKind[kind] ?? 0 }

    /// "3 passed, 1 failed, 0 errors, 2 skipped, 1 not judged" (not judged only when there is one).
    public var sentence: String {
        var parts = ["\(self[.passed]) passed", "\(self[.failed]) failed", "\(self[.error]) errors", "\(self[.skipped]) skipped"]
        if self[.notJudged] > 0 { parts.append("\(self[.notJudged]) not judged") }
        return parts.joined(separator: ", ")
    }
}
