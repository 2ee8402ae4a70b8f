import Foundation
@testable import Conformance

/// Runs the harness in-process against a reference API and summarises what failed.
enum Harness {
    static var packPath: String { ReferenceStack.root + "/scenarios/phase2" }

    /// A target file for the command line that only lengthens the request timeout: tests judge
    /// behaviour, and a loaded machine's auth server may take longer than the default 30 s.
    static let patientTarget: String = {
        let path = NSTemporaryDirectory() + "conformance-patient-\(getpid()).json"
        try? #"{"requestTimeout": 120}"#.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static func target(apiURL: String? = nil, targetFile: String? = nil, stack given: ReferenceStack.Stack? = nil) async throws -> Target {
        let stack: ReferenceStack.Stack
        if let given { stack = given } else { stack = try await ReferenceStack.shared() }
        var env = stack.values
        if let apiURL { env["API_URL"] = apiURL }
        var target = try TargetLoader(environment: env).load(file: targetFile.map { ReferenceStack.root + "/" + $0 }, overrides: .init())
        // Tests judge behaviour, not speed (see withoutTimeBudgets): a machine running every
        // suite at once may take longer than the default 30 s to answer.
        target.requestTimeout = 120
        return target
    }

    static func scenarios(criteria: Set<String> = [], excludingLoad: Bool = true) throws -> [Scenario] {
        var s = Plan.Selection()
        s.criteria = criteria
        return Plan.select(try ScenarioLoader.load(paths: [packPath]), s).filter { !excludingLoad || !$0.runsAlone }.map(withoutTimeBudgets)
    }

    /// The pack's `maxMs` budgets judge the app's speed on the machine it runs on; a test machine
    /// is shared and may be loaded, so tests judge behaviour only (scripts/bench measures speed).
    static func withoutTimeBudgets(_ scenario: Scenario) -> Scenario {
        var s = scenario
        for i in s.steps.indices { s.steps[i].expect?.maxMs = nil }
        return s
    }

    static func run(_ target: Target, _ scenarios: [Scenario], redactor: Redactor = Redactor(), keep: Bool = false, jobs: Int = 4,
                    rateLimitPatience: Double = PacedSession.defaultPatience, stack: ReferenceStack.Stack? = nil,
                    journalFolder: String? = nil, progress: @escaping @Sendable (RunEvent) -> Void = { _ in }) async throws -> RunResult {
        var options = RunOptions()
        options.jobs = jobs
        options.keep = keep
        options.rateLimitPatience = rateLimitPatience
        options.journalFolder = journalFolder
        let environment: [String: String]
        if let stack { environment = stack.values } else { environment = try await ReferenceStack.shared().values }
        return try await LiveGate.run {
            try await Runner(target: target, options: options, environment: environment, redactor: redactor)
                .run(scenarios, progress: progress)
        }
    }

    /// criterion → oracles that fired (errors as "error:KIND").
    static func failures(_ r: RunResult) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for c in r.allCases {
            switch c.outcome {
            case .failed(let fs): for f in fs { out[c.criterion, default: []].insert(f.oracle.rawValue) }
            case .error(let kind, _): out[c.criterion, default: []].insert("error:\(kind.rawValue)")
            default: break
            }
        }
        return out
    }

    static func describe(_ r: RunResult) -> String {
        r.allCases.compactMap { c -> String? in
            switch c.outcome {
            case .failed(let fs): return "\(c.criterion) \(c.name): " + fs.map { "[\($0.oracle)] \($0.message)" }.joined(separator: " ")
            case .error(let k, let m):
                // The answer that made it an error, so a flaky setup can be read from the log.
                let answer = c.evidence.compactMap(\.exchange).first.map { " — answered \($0.status.map(String.init) ?? $0.transportError?.message ?? "nothing"): \($0.bodyText.prefix(300))" } ?? ""
                return "\(c.criterion) \(c.name): error \(k) \(m)\(answer)"
            default: return nil
            }
        }.prefix(20).joined(separator: "\n")
    }

    static func binary() -> String {
        ProcessInfo.processInfo.environment["CONFORMANCE_BIN"] ?? ReferenceStack.root + "/.build/debug/conformance"
    }
}
