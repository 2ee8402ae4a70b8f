import ConformanceCrypto
import ConformanceHTTP
import ConformancePostgres
import Foundation
import Testing
import TestSupport
@testable import Conformance

/// The tool as it is installed and run in CI: `--version`, shell completions, `scripts/install`,
/// GitHub's step summary and plain console output. Offline: nothing here needs the reference stack.
@Suite struct ToolingTests {
    static var binary: String { Harness.binary() }

    /// The environment of a CI job with nothing of this machine's configuration in it.
    static func ciEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "CI": "true"]
        for (k, v) in extra { env[k] = v }
        return env
    }

    static func temporaryFolder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func versionNamesTheToolAndTheLibrariesItRunsWith() async throws {
        let (status, out) = try await ReferenceStack.run([Self.binary, "--version"], environment: Self.ciEnvironment())
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.first == "conformance \(ToolVersion.number)", "\(out)")
        // The versions of the libraries loaded, as each reports itself.
        #expect(lines.contains { $0.hasPrefix("libcurl \(CurlLibrary.version)") }, "\(out)")
        #expect(lines.contains("libpq \(PQLibrary.version)"), "\(out)")
        #expect(lines.contains(OpenSSLLibrary.version), "\(out)")
        #expect(OpenSSLLibrary.version.hasPrefix("OpenSSL 3."), "\(OpenSSLLibrary.version)")
        #expect(PQLibrary.version.first?.isNumber == true, "\(PQLibrary.version)")
        #expect(CurlLibrary.version.first?.isNumber == true, "\(CurlLibrary.version)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameEverySubcommand(shell: String) async throws {
        let (status, out) = try await ReferenceStack.run([Self.binary, "--generate-completion-script", shell], environment: Self.ciEnvironment())
        #expect(status == 0, "\(out)")
        for subcommand in ["run", "validate", "plan", "doctor", "cleanup", "bench-http"] {
            #expect(out.contains(subcommand), "the \(shell) completion script does not mention \(subcommand)")
        }
        // fish names options without their dashes (`-l 'neon-branch'`).
        #expect(out.contains("neon-branch"), "the \(shell) completion script does not complete run's options")
    }

    @Test func installPutsBinaryCompletionsAndPackUnderThePrefixTwice() async throws {
        let prefix = try Self.temporaryFolder("install-prefix")
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let installed = [
            "bin/conformance", "share/bash-completion/completions/conformance", "share/zsh/site-functions/_conformance",
            "share/fish/vendor_completions.d/conformance.fish", "share/conformance/scenarios/phase2/pack.json",
        ]
        // --binary: the debug build stands in for the release build, which takes minutes.
        for attempt in 1...2 {
            let (status, out) = try await ReferenceStack.run(["scripts/install", "--binary", Self.binary, prefix])
            #expect(status == 0, "attempt \(attempt): \(out)")
            #expect(out.contains("installed \(prefix)/bin/conformance"), "\(out)")
            #expect(out.contains("conformance \(ToolVersion.number)"), "\(out)")
            for file in installed {
                let size = (try? FileManager.default.attributesOfItem(atPath: prefix + "/" + file)[.size] as? Int) ?? 0
                #expect(size > 0, "attempt \(attempt): \(file) is missing or empty")
            }
        }
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/conformance"))
        // The installed pack is the one the installed binary runs.
        let (status, out) = try await ReferenceStack.run([prefix + "/bin/conformance", "validate", prefix + "/share/conformance/scenarios/phase2"],
                                                         environment: Self.ciEnvironment())
        #expect(status == 0, "\(out)")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: prefix).filter { $0.contains(".new") || $0.contains("XXXX") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }

    @Test func installHelpAndDryRunWriteNothing() async throws {
        let (helpStatus, help) = try await ReferenceStack.run(["scripts/install", "--help"])
        #expect(helpStatus == 0, "\(help)")
        #expect(help.contains("usage: scripts/install"))
        let prefix = NSTemporaryDirectory() + "install-dry-\(UUID().uuidString)"
        let (status, out) = try await ReferenceStack.run(["scripts/install", "--dry-run", prefix])
        #expect(status == 0, "\(out)")
        #expect(out.contains("would install \(prefix)/bin/conformance"), "\(out)")
        #expect(out.contains("would build"), "\(out)")
        #expect(!FileManager.default.fileExists(atPath: prefix), "a dry run created \(prefix)")
        let (badStatus, _) = try await ReferenceStack.run(["scripts/install", "--no-such-option"])
        #expect(badStatus == 2)
    }

    /// GitHub's job summary file already holds what earlier steps wrote: `run` appends its
    /// summary.md after it, never replaces it. The run here cannot reach anything (port 9): it
    /// still writes its reports (exit 2), which is when a summary matters most. NO_COLOR and a
    /// pipe: not one escape sequence in the console.
    @Test func runAppendsItsSummaryToGitHubsStepSummary() async throws {
        let folder = try Self.temporaryFolder("step-summary")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let summaryFile = folder + "/step-summary.md"
        let earlier = "## An earlier step\n\nwrote this line.\n"
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: summaryFile))
        let reports = folder + "/reports"
        let env = Self.ciEnvironment(["GITHUB_STEP_SUMMARY": summaryFile, "NO_COLOR": "1"])
        let (status, out) = try await ReferenceStack.run(
            [Self.binary, "run", "--auth-url", "http://127.0.0.1:9", "--api-url", "http://127.0.0.1:9",
             "--database-url", "postgresql://nobody:not-a-password@127.0.0.1:9/none?connect_timeout=2",
             "--criterion", "SC-001", "--reports", reports, Harness.packPath],
            environment: env)
        #expect(status == 2, "\(out)")
        let summary = try String(contentsOfFile: reports + "/summary.md", encoding: .utf8)
        #expect(summary.contains("SC-001"), "\(summary)")
        let after = try String(contentsOfFile: summaryFile, encoding: .utf8)
        #expect(after.hasPrefix(earlier), "the earlier step's lines were not kept:\n\(after)")
        #expect(after == earlier + "\n" + summary + (summary.hasSuffix("\n") ? "" : "\n"), "\(after)")
        #expect(!out.contains("\u{1B}"), "an escape sequence in the console: \(out.debugDescription)")
        #expect(!after.contains("\u{1B}"))
    }

    @Test func stepSummaryFileIsCreatedWhenMissingAndAppendedToAfterwards() throws {
        let folder = try Self.temporaryFolder("step-summary-unit")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/summary.md"
        try StepSummary.append("| a |\n|---|", to: file)
        try StepSummary.append("second", to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "| a |\n|---|\n\nsecond\n")
        #expect(throws: StepSummary.Failure.self) { try StepSummary.append("x", to: folder + "/no/such/folder/file") }
    }

    @Test func progressLineIsRewrittenOnlyOnARealTerminalOutsideCI() {
        #expect(TerminalPolicy.rewritesProgressLine(stderrIsTerminal: true, environment: [:]))
        #expect(TerminalPolicy.rewritesProgressLine(stderrIsTerminal: true, environment: ["NO_COLOR": "1"]),
                "NO_COLOR is about colour, which the console never prints")
        #expect(!TerminalPolicy.rewritesProgressLine(stderrIsTerminal: false, environment: [:]))
        #expect(!TerminalPolicy.rewritesProgressLine(stderrIsTerminal: true, environment: ["CI": "true"]))
        #expect(!TerminalPolicy.rewritesProgressLine(stderrIsTerminal: true, environment: ["TERM": "dumb"]))
    }
}
