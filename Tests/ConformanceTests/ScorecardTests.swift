import Foundation
import Testing
import TestSupport
@testable import Conformance

/// A scorecard a judge can read (issue 12.5): a team's report.html opens with the verdict per
/// criterion and the three most serious findings, each a click from its evidence; it and the
/// leaderboard lay out at desktop and phone widths in a real Chromium without a sideways
/// scrollbar or an error in the console. The screenshots stay in the test's folder.
@Suite(.serialized) struct ScorecardTests {
    static let widths: [(name: String, width: Int, height: Int, mobile: Bool)] = [("desktop", 1280, 900, false), ("phone", 375, 740, true)]

    /// Opens each page at each width; returns what the browser saw, keyed "page@width".
    static func browse(_ pages: [String], in folder: String) async throws -> [String: HeadlessChromium.Layout]? {
        guard let binary = HeadlessChromium.locate(environment: ProcessInfo.processInfo.environment) else { return nil }
        let log = folder + "/server.log"
        let pid = try ChildProcess.start(["/usr/bin/env", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder], output: log)
        defer { kill(pid, SIGTERM); ChildProcess.wait(for: pid) }
        let base = try await ReferenceStack.baseURL(announcedIn: log, by: pid)
        let browser = try await HeadlessChromium.launch(binary: binary)
        var out: [String: HeadlessChromium.Layout] = [:]
        try FileManager.default.createDirectory(atPath: folder + "/shots", withIntermediateDirectories: true)
        for page in pages {
            for w in widths {
                let shot = URL(fileURLWithPath: folder + "/shots/\(page.replacingOccurrences(of: "/", with: "_"))-\(w.name).png")
                out["\(page)@\(w.name)"] = try await browser.layout(of: base + "/" + page, width: w.width, height: w.height, mobile: w.mobile,
                                                                    cookies: [], screenshot: shot)
            }
        }
        await browser.close()
        return out
    }

    @Test func aTeamsReportAndTheLeaderboardReadWellAtEveryWidth() async throws {
        let api = try await ReferenceStack.ExtraAPI(faults: ["list-unfiltered"])
        defer { api.stop() }
        let folder = NSTemporaryDirectory() + "scorecard-\(UUID().uuidString)"
        let team = folder + "/team"
        let result = try await Harness.run(try await Harness.target(apiURL: api.url), try Harness.scenarios(criteria: ["SC-003", "SC-004", "SC-005"]))
        try ReportWriter.write(result, to: team, redactor: Redactor())
        let html = try String(contentsOfFile: team + "/report.html", encoding: .utf8)

        // The lead: verdicts, then the three most serious findings, worst first, each linking to
        // a case that is on the page.
        let serious = try #require(html.range(of: "<h2>Most serious findings</h2>"), "no lead section")
        #expect(html.range(of: "<h2>Verdict per criterion</h2>").map { $0.lowerBound < serious.lowerBound } == true)
        let section = html[serious.upperBound...].prefix { _ in true }.components(separatedBy: "</ol>").first ?? ""
        let links = section.components(separatedBy: "href=\"#").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(Set(links).count == 3, "\(links)")
        for anchor in Set(links) { #expect(html.contains("id=\"\(anchor)\""), "\(anchor) points at nothing") }
        let worst = Severity.mostSerious(result.allCases)
        #expect(worst.count == 3 && Severity(worst[0].1.oracle) == .isolationBreach, "\(worst.map(\.1.oracle))")

        // A leaderboard beside it.
        let criteria = ["SC-003", "SC-004", "SC-005"].map { Leaderboard.Criterion(id: $0, weight: $0 == "SC-005" ? 1 : 3, demands: "demands of \($0)") }
        var rows = [Leaderboard.row(team: "team", result: result, reason: nil, criteria: criteria)]
        rows.append(Leaderboard.row(team: "a-team-with-a-rather-long-name-that-must-wrap", result: nil,
                                    reason: "not set in the judge's environment: TEAM_WITH_A_VERY_LONG_VARIABLE_NAME_DATABASE_URL", criteria: criteria))
        try LeaderboardFiles.write(Leaderboard.ranked(roster: "Scorecard test", criteria: criteria, rows: rows), to: folder, redactor: Redactor())

        guard let seen = try await Self.browse(["team/report.html", "leaderboard.html"], in: folder) else {
            // scripts/test installs Chromium; a bare machine checks the markup only.
            return
        }
        for (page, layout) in seen.sorted(by: { $0.key < $1.key }) {
            #expect(layout.status == 200, "\(page)")
            #expect(layout.scrollWidth <= layout.layoutWidth + 1, "\(page) scrolls sideways: \(layout.figures)")
            #expect(layout.consoleErrors.isEmpty, "\(page): \(layout.consoleErrors)")
            #expect(layout.screenshot.map { FileManager.default.fileExists(atPath: $0) } == true, "\(page): no screenshot")
        }
        #expect(seen.count == 4)
    }
}
