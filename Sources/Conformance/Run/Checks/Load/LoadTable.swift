import Foundation

/// The figures of a load phase as a fixed-width text table, the `.figures` evidence of SC-008:
/// plain text so it reads the same in the HTML report, the JUnit output and a terminal.
struct LoadTable: Sendable {
    struct Row: Sendable {
        var label: String
        var histogram: LatencyHistogram
        /// Wall time the operation was driven for; req/s is count over it.
        var seconds: Double
    }

    var rows: [Row]

    static let header = ["operation", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "req/s"]

    func text(budgetMs: Double? = nil) -> String {
        var lines = [Self.header]
        var total = LatencyHistogram()
        for row in rows {
            lines.append(Self.cells(row.label, row.histogram, seconds: row.seconds))
            total.merge(row.histogram)
        }
        if rows.count > 1 {
            // The phase's overall rate: every request over the longest span any operation ran.
            lines.append(Self.cells("all", total, seconds: rows.map(\.seconds).max() ?? 0))
        }
        var out = Self.align(lines)
        if let budgetMs { out += "\nbudget: p95 ≤ \(Self.ms(budgetMs)) ms per operation" }
        return out
    }

    static func cells(_ label: String, _ h: LatencyHistogram, seconds: Double) -> [String] {
        guard let s = h.summary() else { return [label, "0", "-", "-", "-", "-", "0", "-"] }
        let rate = seconds > 0 ? String(format: "%.1f", Double(s.count) / seconds) : "-"
        return [label, "\(s.count)", ms(s.p50 * 1000), ms(s.p95 * 1000), ms(s.p99 * 1000), ms(s.max * 1000), "\(s.errors)", rate]
    }

    static func ms(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Left-aligned first column, right-aligned figures: columns of digits line up.
    static func align(_ lines: [[String]]) -> String {
        let widths = (0..<(lines.first?.count ?? 0)).map { c in lines.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        return lines.map { cells in
            cells.enumerated().map { c, text in
                let pad = String(repeating: " ", count: max(0, widths[c] - text.count))
                return c == 0 ? text + pad : pad + text
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
