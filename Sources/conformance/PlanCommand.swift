import ArgumentParser
import Conformance
import Foundation

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Print what a run would do, touching nothing.")

    @OptionGroup var target: TargetOptions
    @OptionGroup var selection: SelectionOptions
    @Argument(help: "Scenario files or folders (default: scenarios/phase2).")
    var paths: [String] = []

    func run() async throws {
        do {
            let (t, _) = try target.load()
            let all = Plan.select(try ScenarioLoader.load(paths: defaultScenarioPaths(paths)), selection.selection)
            try TargetFit.check(all, target: t)
            let (scenarios, record) = try selection.sharded(all, criteria: try PackLoader.criteria(paths: defaultScenarioPaths(paths)))
            for line in Plan(scenarios: scenarios, target: t, shard: record).lines { say(line) }
        } catch {
            throw failInput(error)
        }
    }
}

struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("criterion"), help: "Only scenarios of this criterion (repeatable), e.g. SC-004.")
    var criteria: [String] = []

    @Option(name: .customLong("tag"), help: "Only scenarios with this tag (repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("filter"), help: "Only scenarios whose id or title contains this text.")
    var filter: String?

    @Option(name: .customLong("shard"),
            help: "Run only part K of N of the selection (e.g. 2/4), or auto: from CONFORMANCE_SHARD, CI_NODE_INDEX/CI_NODE_TOTAL or JOB_COMPLETION_INDEX/CONFORMANCE_SHARD_TOTAL.")
    var shard: String?

    func validate() throws {
        // A mistyped shard is bad input before anything loads; `auto` is resolved here too, so a
        // job whose CI gives no index stops at once instead of running the whole selection.
        do { _ = try resolvedShard() } catch let e as ShardError { throw ValidationError(e.description) }
    }

    func resolvedShard() throws -> Shard? {
        try shard.map { try Shard.resolve($0, environment: ProcessInfo.processInfo.environment) }
    }

    /// This run's part of the selection, and what its reports record of the whole for `merge`.
    func sharded(_ all: [Scenario], criteria: [String: CriterionInfo]) throws -> ([Scenario], ShardRecord?) {
        guard let shard = try resolvedShard() else { return (all, nil) }
        return (shard.select(all), ShardRecord(shard: shard, selection: all.map(\.id), pack: ShardRecord.packFingerprint(all, criteria: criteria)))
    }

    var selection: Plan.Selection {
        var s = Plan.Selection()
        s.criteria = Set(criteria.map { $0.uppercased() })
        s.tags = Set(tags)
        s.filter = filter
        return s
    }
}
