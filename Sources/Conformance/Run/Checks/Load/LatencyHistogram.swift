/// The latencies of one operation under load, kept as raw samples so that every figure in the
/// report is exact: a judge may recompute a p95 from the evidence, and bucketed estimates would
/// not match. A load phase of minutes holds tens of thousands of samples, a few hundred KB.
public struct LatencyHistogram: Sendable {
    /// Seconds, in the order recorded (sorted lazily when a figure is asked for).
    public private(set) var samples: [Double] = []
    /// Answers that count against the operation: no answer at all, a 5xx, or another non-2xx.
    /// Their latencies are samples too: dropping slow failures would flatter the percentiles.
    public private(set) var errors = 0

    public init() {}

    public init(samples: [Double], errors: Int = 0) {
        self.samples = samples
        self.errors = errors
    }

    public var count: Int { samples.count }

    public mutating func record(seconds: Double, error: Bool = false) {
        // A clock anomaly (NaN, negative) must not poison the ordering of every later figure.
        samples.append(seconds.isFinite ? max(0, seconds) : 0)
        if error { errors += 1 }
    }

    public mutating func merge(_ other: LatencyHistogram) {
        samples += other.samples
        errors += other.errors
    }

    /// Nearest-rank percentile (the smallest sample with at least p % of samples at or below it),
    /// the definition load tools report; it never invents a value that was not observed.
    /// Nil when there are no samples; `p` is clamped to 0...100.
    public func percentile(_ p: Double) -> Double? {
        Self.percentile(p, sorted: samples.sorted())
    }

    static func percentile(_ p: Double, sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let q = p.isNaN ? 100 : min(max(p, 0), 100)
        // q·n before the division keeps whole ranks exact (95 × 100 / 100 is 95, while
        // 0.95 × 100 is not quite); the epsilon absorbs what rounding is left.
        let rank = Int((q * Double(sorted.count) / 100 - 1e-9).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The figures of the report, computed from one sort.
    public struct Summary: Sendable, Equatable {
        public var count: Int
        public var errors: Int
        public var p50: Double
        public var p95: Double
        public var p99: Double
        public var max: Double
        public var mean: Double
    }

    /// Nil when nothing was recorded: an operation that never ran has no latency to judge.
    public func summary() -> Summary? {
        let sorted = samples.sorted()
        guard let p50 = Self.percentile(50, sorted: sorted), let p95 = Self.percentile(95, sorted: sorted),
              let p99 = Self.percentile(99, sorted: sorted), let top = sorted.last else { return nil }
        return Summary(count: sorted.count, errors: errors, p50: p50, p95: p95, p99: p99, max: top,
                       mean: sorted.reduce(0, +) / Double(sorted.count))
    }
}
