import Foundation
import Testing
@testable import Conformance

/// Fixtures/junit.xsd must be able to say no: a report the renderer writes validates, and the
/// same report broken the ways a renderer defect would break it does not.
@Suite struct JUnitSchemaTests {
    /// One suite with every outcome the renderer knows, one case taking exactly 1.5 s.
    static func everyOutcome() -> RunResult {
        let cases = [
            CaseResult(name: "owner reads own task", criterion: "SC-002", file: "scenarios/a.json", seconds: 1.5, outcome: .passed),
            CaseResult(name: "stranger reads the task", criterion: "SC-004", file: "scenarios/a.json", seconds: 0.25,
                       outcome: .failed([Finding(oracle: .crossUserRead, message: "bob read alice's task",
                                                 evidence: [Evidence(.exchange, "GET /api/tasks/1", "HTTP/1.1 200 OK\n{\"title\":\"milk\"}")])])),
            CaseResult(name: "two findings", criterion: "SC-004", file: "scenarios/a.json", seconds: 0.125,
                       outcome: .failed([Finding(oracle: .silentWrite, message: "write answered 200"),
                                         Finding(oracle: .lostWrite, message: "row unchanged")])),
            CaseResult(name: "database down", criterion: "SC-007", file: "scenarios/a.json", seconds: 0,
                       outcome: .error(kind: .databaseUnreachable, message: "connection refused")),
            CaseResult(name: "no browser", criterion: "SC-006", file: "scenarios/a.json", seconds: 0, outcome: .skipped("no front-end URL")),
            CaseResult(name: "own call refused", criterion: "SC-004", file: "scenarios/a.json", seconds: 0.01,
                       outcome: .notJudged("the owner's own request was refused")),
        ]
        let suite = SuiteResult(scenarioID: "isolation-basics", criterion: "SC-004", title: "Isolation basics", file: "scenarios/a.json",
                                startedAt: Date(timeIntervalSince1970: 1_790_000_000), seconds: 2.375, cases: cases)
        return RunResult(runID: "r42", startedAt: Date(timeIntervalSince1970: 1_790_000_000), seconds: 2.375,
                         target: [("api", "http://x")], suites: [suite], notes: [])
    }

    /// A defect a renderer could have, as an edit of a valid report.
    enum Breakage: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case unknownElementInATestCase
        case commaInTime
        case failureAndErrorInOneTestCase

        var testDescription: String { rawValue }

        /// The text replaced (it must occur exactly once in the valid report) and its replacement.
        var edit: (target: String, replacement: String) {
            switch self {
            case .unknownElementInATestCase:
                return ("      <failure message=\"bob read", "      <rerunFailure message=\"retried\" type=\"CrossUserRead\"/>\n      <failure message=\"bob read")
            case .commaInTime:
                return ("time=\"1.500\"", "time=\"1,5\"")
            case .failureAndErrorInOneTestCase:
                return ("</failure>\n    </testcase>\n    <testcase classname=\"SC-004\" name=\"two findings\"",
                        "</failure>\n      <error message=\"boom\" type=\"ConnectionError\">boom</error>\n    </testcase>\n    <testcase classname=\"SC-004\" name=\"two findings\"")
            }
        }

        /// What xmllint's complaint must name, so the report is refused for this defect.
        var complaint: String {
            switch self {
            case .unknownElementInATestCase: return "rerunFailure"
            case .commaInTime: return "1,5"
            case .failureAndErrorInOneTestCase: return "'error'"
            }
        }
    }

    @Test func theRenderedReportValidates() throws {
        let xml = JUnitReport.render(Self.everyOutcome(), redactor: Redactor())
        let (status, output) = try JUnitSchema.validate(xml: xml)
        #expect(status == 0, "\(output)\n\(xml)")
        // Every shape the schema must admit is in the report, so the breakages below edit a valid one.
        for shape in ["<properties>", "<failure ", "<error ", "<skipped message=", "<skipped type=\"NotJudged\"", "/>\n    <testcase"] {
            #expect(xml.contains(shape), "no \(shape) in\n\(xml)")
        }
    }

    @Test(arguments: Breakage.allCases)
    func aBrokenReportIsRejected(_ breakage: Breakage) throws {
        let xml = JUnitReport.render(Self.everyOutcome(), redactor: Redactor())
        let (target, replacement) = breakage.edit
        let pieces = xml.components(separatedBy: target)
        try #require(pieces.count == 2, "\(breakage) expects its target once in\n\(xml)")
        let broken = pieces.joined(separator: replacement)
        let (status, output) = try JUnitSchema.validate(xml: broken)
        #expect(status != 0, "\(breakage) passed validation:\n\(broken)")
        #expect(output.contains("fails to validate"), "\(output)")
        #expect(output.contains(breakage.complaint), "\(output)")
    }
}
