import ArgumentParser
import Conformance

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Print what a run would do, touching nothing.")

    @OptionGroup var target: TargetOptions
    @OptionGroup var selection: SelectionOptions
    @Argument(help: "Scenario files or folders (default: scenarios/phase2).")
    var paths: [String] = []

    func run() async throws {
        do {
            let (t, _) = try target.load()
            let scenarios = Plan.select(try ScenarioLoader.load(paths: defaultScenarioPaths(paths)), selection.selection)
            try TargetFit.check(scenarios, target: t)
            for line in Plan(scenarios: scenarios, target: t).lines { say(line) }
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

    var selection: Plan.Selection {
        var s = Plan.Selection()
        s.criteria = Set(criteria.map { $0.uppercased() })
        s.tags = Set(tags)
        s.filter = filter
        return s
    }
}
