import ArgumentParser
import Conformance

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check scenario files without running them (exit 0 or 2).")

    @Argument(help: "Scenario files or folders (default: scenarios/phase2).")
    var paths: [String] = []

    func run() async throws {
        do {
            let scenarios = try ScenarioLoader.load(paths: defaultScenarioPaths(paths))
            print("\(scenarios.count) scenario(s) valid: \(scenarios.map(\.id).joined(separator: ", "))")
        } catch {
            throw failInput(error)
        }
    }
}
