import ArgumentParser
import Conformance
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios against the app and write reports/ (exit 0 passed, 1 a criterion failed, 2 could not run or could not clean up).")

    @OptionGroup var target: TargetOptions
    @OptionGroup var selection: SelectionOptions

    @Option(name: .customLong("jobs"), help: "Scenarios run in parallel.")
    var jobs: Int = 4

    @Option(name: .customLong("reports"), help: "Folder for junit.xml, results.json, summary.md and report.html.")
    var reports: String = "reports"

    @Option(name: .customLong("rate-limit-patience"),
            help: "Seconds an auth route may answer only 429 (rate-limited) before its requests give up as errors.")
    var rateLimitPatience: Double = PacedSession.defaultPatience

    @Flag(name: .customLong("dry-run"), help: "Print the plan and stop; nothing is sent.")
    var dryRun = false

    @Flag(name: .customLong("keep"), help: "Leave the run's users and their rows in the database.")
    var keep = false

    @Flag(name: .shortAndLong, help: "Print every test case, passed ones too.")
    var verbose = false

    @Argument(help: "Scenario files or folders (default: scenarios/phase2).")
    var paths: [String] = []

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes 1 to 64") }
        guard rateLimitPatience.isFinite, (0...3600).contains(rateLimitPatience) else {
            throw ValidationError("--rate-limit-patience takes 0 to 3600 seconds")
        }
    }

    func run() async throws {
        let t: Target
        let env: [String: String]
        let all: [Scenario]
        let criteria: [String: CriterionInfo]
        do {
            (t, env) = try target.load()
            all = Plan.select(try ScenarioLoader.load(paths: defaultScenarioPaths(paths)), selection.selection)
            try TargetFit.check(all, target: t)
            criteria = try PackLoader.criteria(paths: defaultScenarioPaths(paths))
        } catch {
            throw failInput(error)
        }
        guard !all.isEmpty else {
            throw failInput(LoadError(file: defaultScenarioPaths(paths).joined(separator: " "), location: "-",
                                      message: "no scenario matches the selection"))
        }
        // A shard dealt nothing is no mistake (more shards than scenarios): it runs empty.
        let scenarios: [Scenario]
        let shard: ShardRecord?
        do { (scenarios, shard) = try selection.sharded(all, criteria: criteria) } catch { throw failInput(error) }
        if dryRun {
            for line in Plan(scenarios: scenarios, target: t, shard: shard).lines { say(line) }
            return
        }
        var options = RunOptions()
        options.jobs = jobs
        options.keep = keep
        options.rateLimitPatience = rateLimitPatience
        options.verbose = verbose
        options.reportsDirectory = reports
        options.criteria = criteria
        options.journalFolder = RunJournal.folder(reports: reports)
        options.targetFile = target.targetFile
        let redactor = Redactor()
        let console = Console(verbose: verbose, redactor: redactor)
        let runID = Runner.newRunID()
        console.line("conformance run \(runID): \(scenarios.count) scenario(s)\(shard.map { " (shard \($0.shard) of \($0.selection.count))" } ?? "") against \(t.apiURL)")

        let runner = Runner(target: t, options: options, environment: env, redactor: redactor)
        let work = Task {
            var result = scenarios.isEmpty ? runner.emptyRun(runID: runID) : try await runner.run(scenarios, runID: runID) { console.show($0) }
            result.shard = shard
            return result
        }
        // Ctrl-C or SIGTERM cancels the run; the runner still cleans up before returning.
        let signals = SignalTrap { console.line("interrupted: stopping and cleaning up…"); work.cancel() }
        defer { signals.release() }
        let result: RunResult
        do {
            result = try await work.value
        } catch let refusal as Runner.Refusal {
            console.finish()
            writeErr("error: \(refusal)\n")
            throw ExitCode(2)
        }
        console.finish()
        let writing = Date()
        let files = try ReportWriter.write(result, to: reports, redactor: redactor)
        let reportSeconds = Date().timeIntervalSince(writing)
        appendStepSummary(reports: reports)
        for v in result.verdicts {
            console.line("\(v.criterion.padding(toLength: max(8, v.criterion.count), withPad: " ", startingAt: 0)) \(v.verdict.rawValue) (\(v.cases) case(s), \(v.judged) judged)")
        }
        for n in result.notes { console.line("note: \(n)") }
        if let left = result.cleanupProblem {
            writeErr("error: users were left behind: \(redactor.redact(left))\n")
        }
        console.line(CaseCounts(result.allCases).sentence)
        console.line("reports: \(files.joined(separator: ", "))")
        console.line(String(format: "timing: %d user(s) created in %.1f s, reports %.2f s, redaction %.2f s (the run itself %.1f s)",
                            result.signUps.users, result.signUps.seconds, reportSeconds, redactor.secondsSpent, result.seconds))
        // An interrupted run is neither a pass nor a verdict: 130 (SIGINT) or 143 (SIGTERM).
        if let interrupted = signals.exitStatus {
            console.line("interrupted: the reports cover what ran before the signal; exit status \(interrupted)")
            throw ExitCode(interrupted)
        }
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
    }
}

/// In GitHub Actions, the run's summary.md goes on the job's summary page too. A summary that
/// cannot be appended is a warning: the verdict and the reports are already written.
func appendStepSummary(reports: String) {
    guard let path = ProcessInfo.processInfo.environment[StepSummary.variable], !path.isEmpty else { return }
    do {
        let file = (reports as NSString).appendingPathComponent("summary.md")
        try StepSummary.append(try String(contentsOfFile: file, encoding: .utf8), to: path)
    } catch {
        writeErr("warning: \(error)\n")
    }
}
