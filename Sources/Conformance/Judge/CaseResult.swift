import Foundation

/// Where in the user's files a case comes from: the scenario file and the JSON pointer of the
/// step that produced it, so every finding points at what its author wrote.
public struct StepSource: Sendable, Hashable {
    public var file: String
    public var pointer: JSONPointer

    public init(file: String, pointer: JSONPointer = JSONPointer()) {
        self.file = file
        self.pointer = pointer
    }

    public var description: String { "\(file)#\(pointer)" }
}

public struct CaseResult: Sendable {
    /// Stable from run to run (no database or run ids): CI test history keys on it.
    public var name: String
    public var criterion: String
    public var source: StepSource
    public var seconds: Double
    public var outcome: Outcome
    /// Evidence kept for passing cases too (figures, the rows that prove a pass).
    public var evidence: [Evidence]
    /// The built-in check that made this case (its name in scenarios), empty for a plain step:
    /// the reports count each check's judged probes by it.
    public var check: String = ""

    public var file: String {
        get { source.file }
        set { source.file = newValue }
    }

    public init(name: String, criterion: String = "", file: String = "", seconds: Double, outcome: Outcome, evidence: [Evidence] = []) {
        self.name = name
        self.criterion = criterion
        self.source = StepSource(file: file)
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

    public func count(_ kind: Outcome.Kind) -> Int { cases.filter { $0.outcome.kind == kind }.count }
}

/// The users a run created and the wall time spent creating them (built inside the module only).
public struct SignUpTime: Sendable, Equatable {
    public var users: Int
    public var seconds: Double
}

public struct RunResult: Sendable {
    public var runID: String
    public var startedAt: Date
    public var seconds: Double
    public var target: [(String, String)]     // description of the target, redacted when written
    public var suites: [SuiteResult]
    public var notes: [String]
    /// What each criterion demands, from the pack's `pack.json`.
    public var criteria: [String: CriterionInfo] = [:]
    /// Every wait on the auth server's rate limit, and every request that gave up on it.
    public var rateLimitWaits: [RateLimitWait] = []
    /// The run's users and the wall time spent creating them.
    public var signUps = SignUpTime(users: 0, seconds: 0)
    /// The part of a selection this run was (`--shard K/N`); nil for a whole run.
    public var shard: ShardRecord?
    /// For a result `conformance merge` put together: the shard runs it came from, by K.
    public var mergedFrom: [ShardRun] = []

    public var allCases: [CaseResult] { suites.flatMap(\.cases) }
    public func count(_ kind: Outcome.Kind) -> Int { suites.reduce(0) { $0 + $1.count(kind) } }

    /// Every criterion's verdict, judged once; reports only render it.
    public var verdicts: [CriterionVerdict] { CriterionVerdict.judge(allCases) }

    /// Set when the run's users could not all be removed: what was left and the command that
    /// finishes the job. The run then exits 2, whatever it found.
    public var cleanupProblem: String?

    /// 0 all passed, 1 a criterion failed, 2 the run could not be carried out as asked. A
    /// proven failure wins over an error elsewhere: it is the more certain news. A clean-up
    /// that left users behind wins over both: the database needs a hand.
    public var exitStatus: Int32 {
        if cleanupProblem != nil { return 2 }
        if count(.failed) > 0 { return 1 }
        if count(.error) > 0 { return 2 }
        return 0
    }
}

/// One shard run a merged result came from.
public struct ShardRun: Sendable, Equatable {
    public var index: Int
    public var runID: String
    public var startedAt: Date
    public var seconds: Double
    public var exitStatus: Int32
    /// The reports folder it was read from.
    public var folder: String
}
