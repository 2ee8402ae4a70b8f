import ConformanceHTTP
import Foundation
import Testing
import TestSupport
@testable import Conformance

/// report.html is read by people in a browser: whatever the app sent must stay text (no markup,
/// no script, no invisible characters), no secret may survive, and the page must parse.
@Suite struct HTMLReportTests {
    static let secrets = ["hunter2-Pa55word!", "sess<&>\"tok'en\"-77", "db-pass-9931"]
    static let jwt = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    static let nasty = "a\u{0}b\u{1B}[31mred\u{1B}[0m <script>alert('x')</script> \"q\" 's' & <img src=x onerror=alert(1)> "
        + "]]> \u{202E}evil\u{202C} \u{7}\u{FFFE}\u{85} é 😀 \r\n" + String(decoding: [0xFF, 0xFE, 0x41], as: UTF8.self)

    func redactor() -> Redactor {
        let r = Redactor()
        for s in Self.secrets { r.add(s) }
        return r
    }

    static func latency(_ ops: [(String, Double?)]) -> JSONValue {
        .array(ops.map { name, p95 in
            .object(JSONObject([("operation", .string(name)), ("count", 40), ("p50Ms", p95.map { .number($0 / 2) } ?? .null),
                                ("p95Ms", p95.map { .number($0) } ?? .null), ("p99Ms", p95.map { .number($0 * 1.2) } ?? .null),
                                ("maxMs", .null), ("errors", 0), ("budgetMs", 200)]))
        })
    }

    /// A run with hostile text everywhere the app's answers can reach, and secrets beside it.
    func hostileRun(folder: String, figures: Bool = true) -> RunResult {
        let n = Self.nasty, secret = Self.secrets[0], cookie = Self.secrets[1]
        let request = HTTPRequest(method: "GET", url: "http://x/api/tasks?q=\(secret)", headers: [HTTPHeader("Authorization", "Bearer \(Self.jwt)")])
        let answer = "> not a request line: \(n)\n{\"title\":\"\(n)\",\"token\":\"\(Self.jwt)\"}"
        let response = HTTPResponse(status: 200, headers: [HTTPHeader("set-cookie", "s=\(cookie)")], body: Array(answer.utf8),
                                    effectiveURL: request.url, timings: HTTPTimings(connect: 0, firstByte: 0.003, total: 0.003))
        let exchange = Exchange(request: request, response: response, transportError: nil, seconds: 0.003)
        let rows = JSONWriter.pretty(.object(JSONObject([("id", 7), ("title", .string(n)), ("owner", .string(secret)), ("gone", .null)])))
        let data = figures ? Self.latency([("tasks.list", 80), ("<script>op</script>\(secret)", 250), ("tasks.never", nil)]) : nil
        let load = Evidence(.figures, "latency \(n)", "operation p95\ntasks.list 80.0", data: data)
        let shots = folder + "/screenshots"
        let sc004 = [
            CaseResult(name: "fine \(n)", criterion: "SC-004", file: "p.json", seconds: 0.2, outcome: .passed,
                       evidence: [Evidence(.note, "ok", n)]),
            CaseResult(name: "bad \(n) \(secret)", criterion: "SC-004", file: "p.json", seconds: 2, outcome: .failed([
                Finding(oracle: .crossUserRead, message: "leak of \(cookie)\n\(n) \(Self.jwt)",
                        evidence: [Evidence("t \(n)", exchange), Evidence(.rows, "row \(n)", rows),
                                   Evidence(.rows, "not json", "before:\n\(n)"), Evidence(.note, n, "\(n) \(secret)")]),
            ])),
            CaseResult(name: "err", criterion: "SC-004", file: "p.json", seconds: 0, outcome: .error(kind: .connectionError, message: n)),
        ]
        let others = [
            CaseResult(name: "ok", criterion: "SC-002", file: "p.json", seconds: 0.0004, outcome: .passed),
            CaseResult(name: "skip", criterion: "SC-006", file: "p.json", seconds: 0, outcome: .skipped("no browser \(n)")),
            CaseResult(name: "shots", criterion: "SC-006", file: "p.json", seconds: 1, outcome: .passed, evidence: [
                Evidence(.note, "screenshot 320×640", "\(shots)/shot 1.png"),
                Evidence(.note, "outside", "/etc/shadow.png"),
                Evidence(.note, "climbing out", "\(shots)/../../elsewhere.png"),
            ]),
            CaseResult(name: "tasks.list latency", criterion: "SC-008", file: "p.json", seconds: 0, outcome: .passed, evidence: [load]),
            CaseResult(name: "op latency", criterion: "SC-008", file: "p.json", seconds: 0,
                       outcome: .failed([Finding(oracle: .latencyBudget, message: "p95 250 ms", evidence: [load])])),
        ]
        let suites = [
            SuiteResult(scenarioID: "s\(n)", criterion: "SC-004", title: n, file: "p.json", startedAt: Date(), seconds: 3, cases: sc004),
            SuiteResult(scenarioID: "rest", criterion: "SC-002", title: "rest", file: "q.json", startedAt: Date(), seconds: 1, cases: others),
        ]
        return RunResult(runID: "r1\(n)", startedAt: Date(), seconds: 4.5,
                         target: [("api", "http://x/<script>"), ("database", "postgresql://app:\(Self.secrets[2])@db/x")],
                         suites: suites, notes: [n, "clean-up with \(secret)"])
    }

    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "html-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/screenshots", withIntermediateDirectories: true)
        return dir
    }

    @Test func hostileTextStaysTextAndNoSecretSurvives() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = HTMLReport.render(hostileRun(folder: dir), redactor: redactor(), reportsDirectory: dir)

        for s in Self.secrets + [Self.jwt] {
            #expect(!html.contains(s), "secret \(s) in the page")
            #expect(!html.contains(HTMLText.escape(s)), "escaped secret \(s) in the page")
        }
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("<img src=x"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("&quot;q&quot;"))
        // Controls and direction overrides are shown, never left live; ANSI colours are dropped.
        let bad = html.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
            || $0 == "\u{202E}" || $0 == "\u{FFFE}" }
        #expect(bad.isEmpty, "\(bad.map(\.value))")
        #expect(html.contains("a\\u0000b") && html.contains("\\u202e"))
        #expect(!html.contains("[31m"))
    }

    @Test func sectionsVerdictsAndOrder() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = hostileRun(folder: dir)
        let html = HTMLReport.render(run, redactor: redactor(), reportsDirectory: dir)
        for criterion in ["SC-002", "SC-004", "SC-006", "SC-008"] {
            let id = criterion.lowercased()
            #expect(html.contains("id=\"\(id)\""), "no section for \(criterion)")
            #expect(html.contains("href=\"#\(id)\""), "no link to \(criterion) in the verdict table")
        }
        #expect(html.components(separatedBy: "<section class=\"criterion ").count - 1 == 4)
        #expect(html.contains("exit status \(run.exitStatus):"))
        #expect(html.contains("1 case(s) could not be carried out"))
        // SC-004: the failure and the error come before the passed case, open; the passed one is shut.
        let sc004 = html.components(separatedBy: "id=\"sc-004\"")[1].components(separatedBy: "</section>")[0]
        let failed = try #require(sc004.range(of: "<details class=\"case failed\" open=\"\" id=\"case-"))
        let error = try #require(sc004.range(of: "<details class=\"case error\" open=\"\">"))
        let passed = try #require(sc004.range(of: "<details class=\"case passed\">"))
        #expect(failed.lowerBound < error.lowerBound && error.lowerBound < passed.lowerBound)
        // The oracle, the message and each kind of evidence are on the page.
        #expect(sc004.contains("CrossUserRead") && sc004.contains("leak of"))
        #expect(sc004.contains("<pre class=\"exchange\">") && sc004.contains("<table class=\"rows\">") && sc004.contains("before:"))
        #expect(html.contains("<td class=\"null\">null</td>"))
    }

    @Test func chartsOnlyWhereFiguresHaveData() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = HTMLReport.render(hostileRun(folder: dir), redactor: redactor(), reportsDirectory: dir)
        #expect(html.components(separatedBy: "<svg").count - 1 == 1, "one chart for the same figures on two cases")
        #expect(html.contains("budget: p95 ≤ 200 ms"))
        #expect(html.contains("no requests"))
        #expect(html.contains("fill=\"\(LatencyChart.overBudget)\""), "a p95 over the budget is drawn red")
        let plain = HTMLReport.render(hostileRun(folder: dir, figures: false), redactor: redactor(), reportsDirectory: dir)
        #expect(!plain.contains("<svg"))
        #expect(LatencyChart.svg(.array([.object(JSONObject([("title", "x")]))]), title: "t") == nil)
        #expect(LatencyChart.svg(Self.latency([("a", .infinity)]), title: "t")?.contains("no requests") == true)
    }

    @Test func screenshotsInsideTheReportsFolderOnly() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = HTMLReport.render(hostileRun(folder: dir), redactor: redactor(), reportsDirectory: dir)
        #expect(html.contains("<img src=\"screenshots/shot%201.png\""))
        #expect(html.components(separatedBy: "<img ").count - 1 == 1, "paths outside the folder stay text")
        #expect(html.contains("/etc/shadow.png"))
        let elsewhere = HTMLReport.render(hostileRun(folder: dir), redactor: redactor(), reportsDirectory: dir + "/other")
        #expect(!elsewhere.contains("<img "))
    }

    /// The page parses as HTML with no error but libxml2's (HTML 4) ignorance of HTML5 and SVG
    /// element names, and as XML with none at all: nothing the app sent broke the markup.
    @Test func xmllintParsesIt() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/report.html"
        try HTMLReport.render(hostileRun(folder: dir), redactor: redactor(), reportsDirectory: dir)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try await ChildProcess.runUnchecked("/usr/bin/env", ["xmllint", "--html", "--noout", path])
        #expect(status == 0, "\(output)")
        let html5 = Set(["header", "main", "section", "footer", "details", "summary", "figure", "figcaption",
                         "svg", "g", "rect", "line", "text", "title"])
        let errors = output.split(separator: "\n").filter { $0.contains("parser error") || $0.contains("parser warning") }
        let unexpected = errors.filter { line in
            guard let r = line.range(of: #"Tag (\w+) invalid"#, options: .regularExpression) else { return true }
            return !html5.contains(line[r].split(separator: " ")[1].lowercased())
        }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(10).joined(separator: "\n"))")
        let (xmlStatus, xmlOutput) = try await ChildProcess.runUnchecked("/usr/bin/env", ["xmllint", "--noout", path])
        #expect(xmlStatus == 0 && xmlOutput.isEmpty, "\(xmlOutput)")
    }

    @Test func reportWriterWritesIt() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try ReportWriter.write(hostileRun(folder: dir), to: dir, redactor: redactor())
        #expect(files.contains(dir + "/report.html"))
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func figuresDataInResultsJSON() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = ResultsJSON.render(hostileRun(folder: dir), redactor: redactor())
        #expect(!json.contains(Self.secrets[0]))
        let v = try JSONParser.parse(json)
        let evidence = v["suites"]?.arrayValue?.flatMap { $0["cases"]?.arrayValue ?? [] }.flatMap { $0["evidence"]?.arrayValue ?? [] } ?? []
        let data = try #require(evidence.compactMap { $0["data"] }.first?.arrayValue)
        #expect(data.count == 3)
        #expect(data[0]["operation"] == "tasks.list" && data[0]["p95Ms"] == .number(80) && data[0]["budgetMs"] == .number(200))
        #expect(data[1]["operation"]?.stringValue?.contains(Redactor.mask) == true)
        #expect(evidence.filter { $0["kind"] == "note" }.allSatisfy { $0["data"] == nil }, "no data key without data")
    }

    @Test func loadPhaseFiguresAreMachineReadable() {
        let table = LoadTable(rows: [
            LoadTable.Row(label: "tasks.list", histogram: LatencyHistogram(samples: [0.010, 0.020, 0.0305], errors: 1), seconds: 1),
            LoadTable.Row(label: "tasks.delete", histogram: LatencyHistogram(), seconds: 0),
        ])
        let data = LoadPhase.figureData(table, budgetMs: 200)
        let first = data.arrayValue?.first
        #expect(first?["operation"] == "tasks.list" && first?["count"] == .number(3) && first?["errors"] == .number(1))
        #expect(first?["p50Ms"] == .number(20) && first?["p99Ms"] == .number(30.5) && first?["maxMs"] == .number(30.5))
        #expect(first?["budgetMs"] == .number(200))
        #expect(data.arrayValue?.last?["p95Ms"] == .null, "an operation never sent has no latency")
        #expect(LatencyChart.svg(data, title: "t") != nil)
    }

    @Test func htmlTextEscapesMarkupAndShowsControls() {
        #expect(HTMLText.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(HTMLText.escape("\u{1B}[1;31mX\u{1B}[0m") == "X")
        #expect(HTMLText.escape("\u{1B}X\u{0}\r\n\t") == "\\u001bX\\u0000\n\t", "a bare ESC is shown, the next character kept")
        #expect(HTMLText.escape("\u{202E}txt") == "\\u202etxt")
        #expect(HTMLText.escape("é😀≤") == "é😀≤")
    }
}
