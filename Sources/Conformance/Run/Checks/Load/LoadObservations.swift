/// What one load worker saw, merged across workers after the phase. Each worker owns its own
/// copy (no lock on the hot path); the phase merges them once the deadline has passed.
struct LoadObservations: Sendable {
    /// Why an answer counts as an error under load; the kinds and their oracles are the judge's.
    typealias Problem = LoadProblem

    struct Tally: Sendable {
        var count = 0
        /// The first exchange of this kind per operation, kept as evidence (redacted later).
        var examples: [Operation: Exchange] = [:]
        var byOperation: [Operation: Int] = [:]
    }

    var latencies: [Operation: LatencyHistogram] = [:]
    var problems: [Problem: Tally] = [:]
    /// Answers that carried another user's taint marker: each is a cross-user read.
    var leaks: [Finding] = []
    var leakCount = 0
    /// Objects created during the loop, deleted (and measured) after it.
    var created: [String] = []
    /// Objects whose last write got no answer: the database may hold either state, so the audit
    /// cannot blame anyone for a difference on them.
    var uncertain: Set<String> = []
    /// Creates that got no answer (or no id) may have stored rows the ledger never learnt of.
    var untrackedCreates = 0

    /// Only the first few leaks keep their evidence: one proves the breach, hundreds bury it.
    static let leakEvidenceLimit = 5

    mutating func record(_ op: Operation, seconds: Double, problem: Problem?, exchange: Exchange) {
        latencies[op, default: LatencyHistogram()].record(seconds: seconds, error: problem != nil)
        guard let problem else { return }
        var t = problems[problem, default: Tally()]
        t.count += 1
        t.byOperation[op, default: 0] += 1
        if t.examples[op] == nil { t.examples[op] = exchange }
        problems[problem] = t
    }

    mutating func leak(_ finding: Finding) {
        leakCount += 1
        if leaks.count < Self.leakEvidenceLimit { leaks.append(finding) }
    }

    mutating func merge(_ other: LoadObservations) {
        for (op, h) in other.latencies { latencies[op, default: LatencyHistogram()].merge(h) }
        for (p, t) in other.problems {
            var mine = problems[p, default: Tally()]
            mine.count += t.count
            for (op, n) in t.byOperation { mine.byOperation[op, default: 0] += n }
            for (op, ex) in t.examples where mine.examples[op] == nil { mine.examples[op] = ex }
            problems[p] = mine
        }
        leakCount += other.leakCount
        leaks += other.leaks.prefix(max(0, Self.leakEvidenceLimit - leaks.count))
        created += other.created
        uncertain.formUnion(other.uncertain)
        untrackedCreates += other.untrackedCreates
    }

    var requestCount: Int { latencies.values.reduce(0) { $0 + $1.count } }
}
