import ArgumentParser
import Conformance
import Foundation

@main
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Proves a deployed multi-user web app meets its success criteria and keeps each user's data to that user.",
        version: ToolVersion.description,
        subcommands: [RunCommand.self, ValidateCommand.self, PlanCommand.self, DoctorCommand.self, CleanupCommand.self, JudgeCommand.self,
                      MergeCommand.self, BenchHTTPCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Usage mistakes exit 2 like every other bad input (ArgumentParser's default is 64).
    static func main() async {
        // A peer that closes its end mid-write (a browser, a server) must not kill the run.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { say(fullMessage(for: error)); Foundation.exit(0) }
            writeErr(fullMessage(for: error) + "\n")
            Foundation.exit(2)
        }
    }
}

/// Prints one line at once with an unbuffered write: `print` would be block-buffered when piped,
/// and a CI log would show nothing until the end.
func say(_ text: String) { writeOut(text + "\n") }

/// Unbuffered writes that survive a reader going away (`conformance plan | head`): SIGPIPE is
/// ignored, so the write fails with EPIPE, and `FileHandle.write(_: Data)` would trap on that.
/// The output is lost either way; a run still writes its reports and cleans up.
func writeOut(_ text: String) { try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8)) }
func writeErr(_ text: String) { try? FileHandle.standardError.write(contentsOf: Data(text.utf8)) }
