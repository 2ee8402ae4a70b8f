import Foundation

/// The outcome of one test case (one step, or one probe of a built-in check).
public enum Outcome: Sendable {
    case passed
    case failed([Finding])
    /// The run could not carry the case out (connection refused, TLS, timeout, 5xx from the auth server...).
    case error(kind: String, message: String)
    case skipped(String)

    public var label: String {
        switch self {
        case .passed: return "passed"
        case .failed: return "failed"
        case .error: return "error"
        case .skipped: return "skipped"
        }
    }
}

public struct CaseResult: Sendable {
    public var name: String
    public var criterion: String
    public var file: String
    public var seconds: Double
    public var outcome: Outcome
    /// Evidence kept for passing cases too (figures, the rows that prove a pass).
    public var evidence: [Evidence]

    public init(name: String, criterion: String, file: String, seconds: Double, outcome: Outcome, evidence: [Evidence] = []) {
        self.name = name
        self.criterion = criterion
        self.file = file
        self.seconds = seconds
        self.outcome = outcome
        self.evidence = evidence
    }
}

public struct SuiteResult: Sendable {
    public var scenarioID: String
    public var criterion: String
    public var title: String
    public var file: String
    public var startedAt: Date
    public var seconds: Double
    public var cases: [CaseResult]

    public func count(_ label: String) -> Int { cases.filter { $0.outcome.label == label }.count }
}

public struct RunResult: Sendable {
    public var runID: String
    public var startedAt: Date
    public var seconds: Double
    public var target: [(String, String)]     // redacted description of the target
    public var suites: [SuiteResult]
    public var notes: [String]

    public var allCases: [CaseResult] { suites.flatMap(\.cases) }
    public func count(_ label: String) -> Int { suites.reduce(0) { $0 + $1.count(label) } }

    /// 0 all passed, 1 a criterion failed, 2 the run could not be carried out as asked. A
    /// proven failure wins over an error elsewhere: it is the more certain news.
    public var exitStatus: Int32 {
        if count("failed") > 0 { return 1 }
        if count("error") > 0 { return 2 }
        return 0
    }
}
