import ArgumentParser
import Conformance
import Foundation

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check scenario files without running them (exit 0 or 2).")

    @Option(name: .customLong("target"), help: "Also check the scenarios against this target file: every resource and operation they use must be defined.")
    var targetFile: String?

    @Flag(name: .shortAndLong, help: "List every valid scenario.")
    var verbose = false

    @Argument(help: "Scenario files or folders (default: scenarios/phase2).")
    var paths: [String] = []

    func run() async throws {
        do {
            let scenarios = try ScenarioLoader.load(paths: defaultScenarioPaths(paths))
            guard !scenarios.isEmpty else {
                // Like `run`: nothing to check is a mistake (a wrong folder), not a success.
                throw LoadError(file: defaultScenarioPaths(paths).joined(separator: " "), location: "-", message: "no scenario files here")
            }
            _ = try PackLoader.criteria(paths: defaultScenarioPaths(paths))
            if let targetFile {
                // Only the shape matters here: placeholder URLs stand in for the ones a run needs.
                var o = TargetLoader.Overrides()
                o.authURL = "http://auth.invalid"
                o.apiURL = "http://api.invalid"
                let t = try TargetLoader(environment: [:]).load(file: targetFile, overrides: o)
                try TargetFit.check(scenarios, target: t)
            }
            if verbose { for s in scenarios { say("\(s.id)  \(s.criterion)  \(s.file)") } }
            say("\(scenarios.count) scenario(s) valid\(targetFile.map { " against \($0)" } ?? "")")
        } catch {
            throw failInput(error)
        }
    }
}
