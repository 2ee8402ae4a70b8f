import ConformanceHTTP
import Foundation

/// One request carried through everything the harness does with an answer — the transfer,
/// the JSON an oracle reads, the taint-marker scan, the redacted evidence — timed as a whole.
/// `scripts/bench` points it at hostile answers (thousands of headers, 50 MB, a body that never
/// ends, deep JSON) to show that the request timeout bounds all of it, processing included.
public enum AnswerBench {
    public struct Result: Sendable {
        public var seconds: Double
        /// Of `seconds`: the transfer, then each stage of the processing after it.
        public var transfer = 0.0, json = 0.0, markers = 0.0, evidence = 0.0
        public var status: Int?
        public var bodyBytes: Int
        public var bodyTruncated: Bool
        public var headers: Int
        public var headersTruncated: Bool
        public var fault: String?

        /// The one line `scripts/bench` prints.
        public var line: String {
            var text = String(format: "seconds=%.3f (transfer %.3f, json %.3f, markers %.3f, evidence %.3f)",
                              seconds, transfer, json, markers, evidence)
            text += " status=\(status.map(String.init) ?? "-") body=\(bodyBytes)\(bodyTruncated ? " (truncated)" : "")"
            text += " headers=\(headers)\(headersTruncated ? " (truncated)" : "")"
            if let fault { text += " error=\(fault)" }
            return text
        }
    }

    public static func measure(url: String, timeout: Double) async -> Result {
        guard let client = try? HTTPClient() else {
            return Result(seconds: 0, status: nil, bodyBytes: 0, bodyTruncated: false, headers: 0,
                          headersTruncated: false, fault: "no HTTP client")
        }
        defer { client.shutdown() }
        let session = HTTPSession(client: client, timeout: timeout)
        let markers = Markers(runID: "bench")
        let owner = markers.make(owner: "someone")
        let redactor = Redactor()
        redactor.add(owner)
        let clock = ContinuousClock()
        func since(_ moment: ContinuousClock.Instant) -> Double {
            let elapsed = moment.duration(to: clock.now)
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let start = clock.now
        let ex = await session.send("GET", url)
        var result = Result(seconds: 0, status: ex.status, bodyBytes: ex.response?.body.count ?? 0,
                            bodyTruncated: ex.response?.bodyTruncated ?? false, headers: ex.response?.headers.count ?? 0,
                            headersTruncated: ex.response?.headersTruncated ?? false,
                            fault: ex.transportError.map { $0.kind.rawValue })
        result.transfer = since(start)
        // What a case does with an answer, several times over: oracles each read the JSON and
        // the text, the marker scan reads the text, the evidence is rendered for two reports.
        var stage = clock.now
        var kept = 0
        for _ in 0..<3 { kept += ex.json == nil ? 0 : 1 }
        result.json = since(stage)
        stage = clock.now
        for _ in 0..<3 { kept += markers.leaked(in: ex, viewer: nil).count }
        result.markers = since(stage)
        stage = clock.now
        kept += ex.transcript(redactor).utf8.count + (ex.shown(redactor).responseBody?.count ?? 0)
        result.evidence = since(stage)
        result.seconds = since(start)
        // Reading `kept` keeps the work from being optimised away.
        if kept < 0 { result.fault = "impossible" }
        return result
    }
}
