import Foundation
import Testing
import TestSupport
@testable import Conformance

/// SC-006 in a real headless Chromium against real pages served over loopback: a responsive page
/// passes at every width, a page wider than a phone fails with `HorizontalOverflow`, a page
/// without a viewport tag fails on phones, and each width leaves a screenshot. Without Chromium
/// the check must say so and skip. (`scripts/test` installs Debian's chromium.)
@Suite(.serialized) struct FrontendTests {
    static let pages: [String: String] = [
        "fits.html": #"<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0"><p style="max-width:100%">Tasks</p></body></html>"#,
        "wide.html": #"<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0"><div id="banner" style="width:900px">wide</div></body></html>"#,
        "fixed.html": #"<!doctype html><html><head></head><body><p>no viewport tag</p></body></html>"#,
    ]

    static var chromiumAvailable: Bool {
        HeadlessChromium.locate(environment: ProcessInfo.processInfo.environment) != nil
    }

    /// A static server on 127.0.0.1 with the pages above; returns its base URL and pid.
    func serve() async throws -> (String, pid_t, String) {
        let dir = NSTemporaryDirectory() + "frontend-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, html) in Self.pages { try html.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        let log = dir + "/server.log"
        let pid = try ChildProcess.start(["/usr/bin/env", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir], output: log)
        return (try await ReferenceStack.baseURL(announcedIn: log, by: pid), pid, dir)
    }

    func run(page: String, base: String, reports: String) async throws -> RunResult {
        var target = try await Harness.target()
        target.frontendURL = base + "/" + page
        var options = RunOptions()
        options.reportsDirectory = reports
        return try await Runner(target: target, options: options, environment: [:], redactor: Redactor())
            .run(try Harness.scenarios(criteria: ["SC-006"])) { _ in }
    }

    @Test func pagesAreJudgedInARealBrowser() async throws {
        guard Self.chromiumAvailable else {
            // Without a browser the check must skip with the reason, not pass.
            let result = try await run(page: "fits.html", base: "http://127.0.0.1:9", reports: NSTemporaryDirectory())
            #expect(!result.allCases.isEmpty)
            #expect(result.allCases.allSatisfy { if case .skipped(let why) = $0.outcome { return why.contains("Chromium") } else { return false } })
            return
        }
        let (base, pid, dir) = try await serve()
        defer { kill(pid, SIGTERM); ChildProcess.wait(for: pid); try? FileManager.default.removeItem(atPath: dir) }
        let reports = dir + "/reports"

        let fits = try await run(page: "fits.html", base: base, reports: reports)
        #expect(fits.count(.passed) == 3, "\(Harness.describe(fits))")
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: reports + "/screenshots")) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 3, "\(shots)")

        let wide = try await run(page: "wide.html", base: base, reports: reports)
        let wideFailures = Harness.failures(wide)["SC-006"] ?? []
        #expect(wideFailures.contains("HorizontalOverflow"), "\(Harness.describe(wide))")
        // 900 px fits the desktop width.
        #expect(wide.allCases.contains { $0.name.contains("1280") && $0.outcome.kind == .passed })

        let fixed = try await run(page: "fixed.html", base: base, reports: reports)
        #expect((Harness.failures(fixed)["SC-006"] ?? []).contains("ResponsiveLayout"), "\(Harness.describe(fixed))")
    }
}
