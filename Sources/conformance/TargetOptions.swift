import ArgumentParser
import Conformance
import Foundation

/// Where the app is: flags, a target file, the environment and a `.env` file, in that order.
struct TargetOptions: ParsableArguments {
    @Option(name: .customLong("auth-url"), help: "Better Auth's base URL (default: BETTER_AUTH_URL).")
    var authURL: String?

    @Option(name: .customLong("api-url"), help: "The API's base URL (default: API_URL).")
    var apiURL: String?

    @Option(name: .customLong("database-url"), help: "The app's database URL, read only (default: DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("cleanup-database-url"),
            help: "A second role for the clean-up's DELETEs, so --database-url can be SELECT-only (default: CLEANUP_DATABASE_URL).")
    var cleanupDatabaseURL: String?

    @Option(name: .customLong("target"), help: "A target file describing the app's shape (see docs/target.md).")
    var targetFile: String?

    @Option(name: .customLong("env-file"), help: "A .env file to read URLs and BETTER_AUTH_SECRET from.")
    var envFile: String = ".env"

    @Option(name: .customLong("neon-branch"), help: "Refuse to run unless the database's neon.branch_id is this.")
    var neonBranch: String?

    @Option(name: .customLong("ca-file"), help: "A CA bundle to verify the app's TLS certificates with.")
    var caFile: String?

    @Option(name: .customLong("frontend-url"), help: "The front end's URL, for SC-006 (default: FRONTEND_URL).")
    var frontendURL: String?

    @Option(name: .customLong("email-domain"), help: "The domain of the run's test users' emails (default: conformance.example.com).")
    var emailDomain: String?

    func environment() throws -> [String: String] { try TargetLoader.environment(dotEnvPath: envFile) }

    func load() throws -> (Target, [String: String]) {
        let env = try environment()
        var o = TargetLoader.Overrides()
        o.authURL = authURL
        o.apiURL = apiURL
        o.databaseURL = databaseURL
        o.cleanupDatabaseURL = cleanupDatabaseURL
        o.neonBranch = neonBranch
        o.caFile = caFile
        o.frontendURL = frontendURL
        o.emailDomain = emailDomain
        return (try TargetLoader(environment: env).load(file: targetFile, overrides: o), env)
    }
}

/// Prints a user's mistake the way every command does, and exits 2.
func failInput(_ error: Error) -> ExitCode {
    let text: String
    switch error {
    case let e as LoadErrors: text = e.errors.map { "error: \($0)" }.joined(separator: "\n")
    case let e as LoadError: text = "error: \(e)"
    default: text = "error: \(error)"
    }
    writeErr(text + "\n")
    return ExitCode(2)
}

func defaultScenarioPaths(_ paths: [String]) -> [String] { paths.isEmpty ? ["scenarios/phase2"] : paths }
