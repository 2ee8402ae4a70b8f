import Foundation

/// SC-008's latency rule, pure: one operation's p95 under load against the budget. The load
/// phase measures; this judges, so the same figures always give the same verdict.
public enum LatencyOracle {
    public enum Verdict: Sendable, Equatable {
        /// Nothing of this operation was measured: no latency to judge (the case is skipped).
        case notSent(String)
        /// Within the budget; the note says by how much.
        case within(String)
        case breach(Oracle, String)
        /// Sent, but every answer was a refusal or an error: how fast an app says no tells
        /// nothing about how fast it does the operation.
        case notJudged(String)
    }

    /// `summary` is the operation's latencies (nil when none was recorded), `seconds` the wall
    /// time it was driven for (its req/s), `deletesOnly` whether it is the deletes after the loop.
    public static func judge(_ summary: LatencyHistogram.Summary?, seconds: Double, budgetMs: Double, deletesOnly: Bool) -> Verdict {
        guard let s = summary else {
            return .notSent(deletesOnly ? "the load phase created no object to delete"
                : "no request of this operation was sent (no object to act on: the creates failed)")
        }
        if s.count > 0, s.errors >= s.count {
            return .notJudged("every one of the \(s.count) request(s) was refused or failed (see the errors case): no latency of the operation itself was measured")
        }
        let rate = seconds > 0 ? Double(s.count) / seconds : 0
        let detail = "p50 \(ms(s.p50)), p99 \(ms(s.p99)), max \(ms(s.max)); \(s.count) request(s), \(s.errors) error(s), \(String(format: "%.1f", rate)) req/s"
        if s.p95 * 1000 > budgetMs {
            return .breach(.latencyBudget, "p95 \(ms(s.p95)) exceeds the \(figure(budgetMs)) ms budget (\(detail))")
        }
        return .within("p95 \(ms(s.p95)) within the \(figure(budgetMs)) ms budget (\(detail))")
    }

    /// Seconds as milliseconds to 0.1 ms, the precision every load message reads in.
    public static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
    /// 200 rather than 200.0, 0.5 stays 0.5.
    public static func figure(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
