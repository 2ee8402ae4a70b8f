import Foundation
import Testing
import TestSupport
@testable import Conformance

/// No blind pass against the real reference app: a target that maps routes the API does not
/// have gets 404 for its own calls and for every cross-user probe alike. Those refusals prove
/// nothing — they must come out "not judged", never passed and never `DenialStatus` — while the
/// routes that exist are still judged. And a front end whose page answers 404 or 503 must not
/// pass SC-006 in a real Chromium.
@Suite(.serialized) struct NoBlindPassStackTests {
    /// The reference target with `get` and `update` mapped to paths the API does not serve.
    static func missingRoutes(_ ops: [Conformance.Operation: Route]) async throws -> Target {
        var target = try await Harness.target()
        guard var tasks = target.resources["tasks"] else { throw ReferenceStack.Failure(description: "the reference target maps no tasks") }
        for (op, route) in ops { tasks.routes[op] = route }
        target.resources["tasks"] = tasks
        return target
    }

    static func scenarios(_ ids: Set<String>) throws -> [Scenario] {
        try Harness.scenarios(criteria: ["SC-004"]).filter { ids.contains($0.id) }
    }

    @Test func probesOfRoutesThatDoNotExistAreNotJudged() async throws {
        let target = try await Self.missingRoutes([.get: Route(method: "GET", path: "/api/{userId}/nowhere/{id}"),
                                             .update: Route(method: "PUT", path: "/api/{userId}/tasks/{id}/nowhere")])
        let result = try await Harness.run(target, try Self.scenarios(["SC-004-cross-user-matrix", "SC-004-owner-fields-in-bodies",
                                                                      "SC-004-concurrent-users"]))
        let fired = Harness.failures(result)["SC-004"] ?? []
        #expect(!fired.contains("DenialStatus"), "\(Harness.describe(result))")
        #expect(result.count(.failed) == 0, "\(Harness.describe(result))")

        let cases = result.allCases
        // The matrix: every probe of the missing routes is not judged, with the reason...
        let missing = cases.filter { $0.check == "isolation" && ($0.name.contains(" gets ") || $0.name.contains(" updates ")) }
        #expect(missing.count >= 6, "\(cases.map(\.name))")
        for c in missing {
            #expect(c.outcome.kind == .notJudged, "\(c.name): \(c.outcome.kind.rawValue)")
            #expect(c.outcome.reason?.contains("no such route (404)") == true, "\(c.name): \(c.outcome.reason ?? "")")
        }
        // ...while the routes that exist are judged against their working controls.
        let present = cases.filter { $0.check == "isolation" && ($0.name.contains(" deletes ") || $0.name.contains(" toggles ")) }
        #expect(!present.isEmpty && present.allSatisfy { $0.outcome.kind == .passed }, "\(present.map { "\($0.name): \($0.outcome.kind.rawValue)" })")

        // Mass assignment: the update naming another owner and its control both answer 404.
        let update = cases.filter { $0.check == "massAssignment" && $0.name.contains("updates") }
        #expect(update.count == 1 && update.allSatisfy { $0.outcome.kind == .notJudged }, "\(update.map { "\($0.name): \($0.outcome)" })")
        let create = cases.filter { $0.check == "massAssignment" && $0.name.contains("creates") }
        #expect(create.count == 1 && create.allSatisfy { $0.outcome.kind == .passed }, "the create route exists and is judged")

        // Concurrency: every user's own get answered 404, so the phase proves nothing.
        let phase = cases.filter { $0.check == "concurrency" && $0.name.contains("see only their own data") }
        #expect(phase.count == 1 && phase.allSatisfy { $0.outcome.kind == .notJudged }, "\(phase.map { "\($0.name): \($0.outcome)" })")

        // The reports say how much was judged.
        let matrix = result.suites.first { $0.scenarioID == "SC-004-cross-user-matrix" }
        let tally = matrix?.checkTallies.first { $0.check == "isolation" }
        #expect(tally != nil && (tally?.count.judged ?? 0) < (tally?.count.cases ?? 0), "\(String(describing: tally))")
        let xml = JUnitReport.render(result, redactor: Redactor())
        #expect(xml.contains("<property name=\"judged isolation (/steps/0)\" value=\"\(tally?.count.fraction ?? "?")\"/>"))
    }

    @Test func aMassAssignmentCreateOnARouteThatDoesNotExistIsNotJudged() async throws {
        // Before: any non-2xx passed. A create route that is not there refuses every body alike.
        let target = try await Self.missingRoutes([.create: Route(method: "POST", path: "/api/{userId}/nowhere")])
        let result = try await Harness.run(target, try Self.scenarios(["SC-004-owner-fields-in-bodies"]))
        let create = result.allCases.filter { $0.check == "massAssignment" && $0.name.contains("creates") }
        #expect(create.count == 1, "\(result.allCases.map(\.name))")
        #expect(create.allSatisfy { $0.outcome.kind == .notJudged }, "\(create.map { "\($0.name): \($0.outcome)" })")
        #expect(create.first?.outcome.reason?.contains("without the owner fields answered 404") == true, "\(create.first?.outcome.reason ?? "")")
        #expect(!result.allCases.contains { $0.outcome.kind == .passed && $0.check == "massAssignment" })
    }

    // MARK: the front end's own status

    static let server = #"""
    import http.server, sys
    PAGE = b'<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0"><p>Tasks</p></body></html>'
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            code = {'/ok': 200, '/missing': 404, '/down': 503}.get(self.path, 404)
            self.send_response(code)
            self.send_header('Content-Type', 'text/html')
            self.send_header('Content-Length', str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        def log_message(self, *args):
            pass
    s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
    print('port', s.server_address[1], flush=True)
    s.serve_forever()
    """#

    func serve() async throws -> (String, pid_t, String) {
        let dir = NSTemporaryDirectory() + "nbp-frontend-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.server.write(toFile: dir + "/server.py", atomically: true, encoding: .utf8)
        let log = dir + "/server.log"
        let pid = try ChildProcess.start(["/usr/bin/env", "python3", "-u", dir + "/server.py"], output: log)
        return (try await ReferenceStack.baseURL(announcedIn: log, by: pid), pid, dir)
    }

    func frontend(_ url: String, reports: String) async throws -> RunResult {
        var target = try await Harness.target()
        target.frontendURL = url
        var options = RunOptions()
        options.reportsDirectory = reports
        return try await Runner(target: target, options: options, environment: [:], redactor: Redactor())
            .run(try Harness.scenarios(criteria: ["SC-006"])) { _ in }
    }

    @Test func aFrontEndErrorPageDoesNotPassSC006() async throws {
        guard HeadlessChromium.locate(environment: ProcessInfo.processInfo.environment) != nil else {
            // Without a browser the check skips (FrontendTests covers that); nothing to show here.
            let result = try await frontend("http://127.0.0.1:9/missing", reports: NSTemporaryDirectory())
            #expect(result.count(.passed) == 0)
            return
        }
        let (base, pid, dir) = try await serve()
        defer { kill(pid, SIGTERM); ChildProcess.wait(for: pid); try? FileManager.default.removeItem(atPath: dir) }
        let reports = dir + "/reports"

        // The same page at 200 passes: the status is read, and read right.
        let ok = try await frontend(base + "/ok", reports: reports)
        #expect(ok.count(.passed) == 3, "\(Harness.describe(ok))")
        #expect(ok.allCases.allSatisfy { c in c.evidence.contains { $0.text(redactor: Redactor()).contains("HTTP status: 200") } })

        let missing = try await frontend(base + "/missing", reports: reports)
        #expect(missing.count(.passed) == 0, "\(Harness.describe(missing))")
        #expect(missing.count(.notJudged) == 3)
        #expect(missing.verdicts.first { $0.criterion == "SC-006" }?.verdict == .notJudged)
        #expect(missing.exitStatus == 0, "not judged fails nothing")

        let down = try await frontend(base + "/down", reports: reports)
        #expect(down.count(.passed) == 0)
        #expect((Harness.failures(down)["SC-006"] ?? []) == ["ServerError"], "\(Harness.describe(down))")
    }
}
