import Foundation

/// SC-008's figures as an inline SVG bar chart: per operation, horizontal bars for p50, p95 and
/// p99 against one millisecond axis, with the budget as a dashed vertical line. Horizontal bars
/// keep long operation names readable; p95 is the judged figure, so it is the strong colour and
/// turns red past the budget. Plain SVG with explicit colours: no script, no font, prints as is.
enum LatencyChart {
    struct Row {
        var operation: String
        var count: Int
        var errors: Int
        var p50: Double?
        var p95: Double?
        var p99: Double?
    }

    /// The rows of load-phase figures (`[{"operation", "count", "p50Ms", …, "budgetMs"}]`), or nil
    /// when `data` has another shape: only figures that are latencies are drawn.
    static func rows(_ data: JSONValue) -> (rows: [Row], budgetMs: Double?)? {
        guard let items = data.arrayValue, !items.isEmpty else { return nil }
        var rows: [Row] = []
        var budget: Double?
        for item in items {
            guard let o = item.objectValue, let name = o["operation"]?.stringValue,
                  o["p95Ms"] != nil else { return nil }
            // A figure that is not a finite, non-negative number is drawn as missing, never as a bar.
            func ms(_ key: String) -> Double? { o[key]?.numberValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
            rows.append(Row(operation: name, count: o["count"]?.intValue ?? 0, errors: o["errors"]?.intValue ?? 0,
                            p50: ms("p50Ms"), p95: ms("p95Ms"), p99: ms("p99Ms")))
            if budget == nil { budget = ms("budgetMs") }
        }
        return (rows, budget)
    }

    // Layout, in SVG units: the element is as wide as its box and keeps this aspect ratio.
    static let width = 960.0, barHeight = 10.0, barGap = 2.0, groupGap = 14.0, top = 46.0, bottom = 34.0, right = 64.0
    static let series: [(label: String, colour: String)] = [("p50", "#9cc3e6"), ("p95", "#1f5fa8"), ("p99", "#8a96a3")]
    static let overBudget = "#cf222e"

    /// The chart, or nil when `data` holds no latency figures. `data` must already be redacted;
    /// every name is escaped here.
    static func svg(_ data: JSONValue, title: String) -> String? {
        guard let (rows, budget) = rows(data) else { return nil }
        let longest = rows.map(\.operation.count).max() ?? 0
        let left = min(260, max(110, Double(longest) * 7.2 + 16))
        let plot = width - left - right
        let group = 3 * barHeight + 2 * barGap
        let height = top + Double(rows.count) * (group + groupGap) + bottom
        let peak = rows.flatMap { [$0.p50, $0.p95, $0.p99] }.compactMap { $0 }.max() ?? 0
        let (axisMax, step) = axis(max(peak, budget ?? 0) * 1.08)
        func x(_ ms: Double) -> Double { left + min(ms, axisMax) / axisMax * plot }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"100%\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"12\">"
        s += "<title>\(HTMLText.escape(title))</title>"
        // Legend first, so the colours are explained before they are used.
        var lx = left
        for (label, colour) in series {
            s += "<rect x=\"\(n(lx))\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(n(lx + 17))\" y=\"18\" fill=\"#1f2328\">\(label)\(label == "p95" ? " (judged)" : "")</text>"
            lx += label == "p95" ? 110 : 60
        }
        if let budget {
            s += "<line x1=\"\(n(lx))\" y1=\"14\" x2=\"\(n(lx + 18))\" y2=\"14\" stroke=\"\(overBudget)\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
            s += "<text x=\"\(n(lx + 24))\" y=\"18\" fill=\"#1f2328\">budget: p95 ≤ \(ms(budget)) ms</text>"
        }
        // Grid and axis.
        let plotBottom = height - bottom
        var tick = 0.0
        while tick <= axisMax + step / 2 {
            s += "<line x1=\"\(n(x(tick)))\" y1=\"\(n(top - 8))\" x2=\"\(n(x(tick)))\" y2=\"\(n(plotBottom))\" stroke=\"#d8dee4\" stroke-width=\"1\"/>"
            s += "<text x=\"\(n(x(tick)))\" y=\"\(n(plotBottom + 16))\" text-anchor=\"middle\" fill=\"#57606a\" font-size=\"11\">\(ms(tick))</text>"
            tick += step
        }
        s += "<text x=\"\(n(left + plot))\" y=\"\(n(plotBottom + 30))\" text-anchor=\"end\" fill=\"#57606a\" font-size=\"11\">milliseconds</text>"
        // One group of bars per operation.
        for (i, row) in rows.enumerated() {
            let y0 = top + Double(i) * (group + groupGap)
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(y0 + 13))\" text-anchor=\"end\" fill=\"#1f2328\" font-weight=\"600\">\(HTMLText.escape(row.operation))</text>"
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(y0 + 27))\" text-anchor=\"end\" fill=\"#57606a\" font-size=\"10.5\">\(row.count) req · \(row.errors) err</text>"
            for (j, value) in [row.p50, row.p95, row.p99].enumerated() {
                let y = y0 + Double(j) * (barHeight + barGap)
                guard let value else {
                    if j == 1 { s += "<text x=\"\(n(left + 4))\" y=\"\(n(y + 9))\" fill=\"#57606a\" font-size=\"11\">no requests</text>" }
                    continue
                }
                var colour = series[j].colour
                if j == 1, let budget, value > budget { colour = overBudget }
                let w = max(1, x(value) - left)
                s += "<rect x=\"\(n(left))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(barHeight))\" fill=\"\(colour)\"><title>\(series[j].label) \(ms(value)) ms</title></rect>"
                s += "<text x=\"\(n(left + w + 4))\" y=\"\(n(y + 9))\" fill=\"#1f2328\" font-size=\"10\">\(ms(value))</text>"
            }
        }
        if let budget {
            s += "<line x1=\"\(n(x(budget)))\" y1=\"\(n(top - 8))\" x2=\"\(n(x(budget)))\" y2=\"\(n(plotBottom))\" stroke=\"\(overBudget)\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        }
        s += "<line x1=\"\(n(left))\" y1=\"\(n(top - 8))\" x2=\"\(n(left))\" y2=\"\(n(plotBottom))\" stroke=\"#57606a\" stroke-width=\"1\"/>"
        return s + "</svg>"
    }

    /// A round axis end and tick step (1, 2 or 5 × 10ⁿ) giving four to eight ticks.
    static func axis(_ top: Double) -> (max: Double, step: Double) {
        let span = top.isFinite && top > 0 ? top : 1
        let raw = span / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return ((span / step).rounded(.up) * step, step)
    }

    /// SVG coordinates with at most one decimal, whatever the locale.
    static func n(_ v: Double) -> String { String(format: "%.1f", locale: Locale(identifier: "en_US_POSIX"), v) }

    /// Milliseconds as the text table writes them: whole numbers bare, else one decimal.
    static func ms(_ v: Double) -> String {
        v == v.rounded() && v < 1e9 ? String(Int(v)) : String(format: "%.1f", locale: Locale(identifier: "en_US_POSIX"), v)
    }
}
