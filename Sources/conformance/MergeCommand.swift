import ArgumentParser
import Conformance
import Foundation

/// `conformance merge`: the reports of `run --shard K/N` jobs put back together, rendered by the
/// same renderers as a run; its exit status is the one the whole run would have had.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the reports folders of the shards of one run into one set of reports (exit 0 passed, 1 a criterion failed, 2 refused or could not be carried out).")

    @Argument(help: "The shards' reports folders (or their results.json files).")
    var folders: [String]

    @Option(name: .customLong("reports"), help: "Folder for the merged junit.xml, results.json, summary.md and report.html.")
    var reports: String = "reports"

    @Flag(name: .customLong("allow-missing"), help: "Merge even when some shards are missing (the reports say which).")
    var allowMissing = false

    func validate() throws {
        guard !folders.isEmpty else { throw ValidationError("merge takes the reports folders of the shards") }
    }

    func run() async throws {
        // Shards of `conformance judge` carry a leaderboard: they merge into one leaderboard.
        if !folders.isEmpty, folders.allSatisfy({ judgeFolder(in: $0) != nil }) {
            return try mergeJudgeShards(folders, into: reports + "/judge")
        }
        let merged: RunResult
        do {
            let parts = try ShardMerge.load(folders)
            // Writing into a shard's own folder would overwrite the results being merged.
            let out = URL(fileURLWithPath: reports).standardizedFileURL.resolvingSymlinksInPath().path
            if let clash = parts.first(where: { URL(fileURLWithPath: $0.folder).standardizedFileURL.resolvingSymlinksInPath().path == out }) {
                throw MergeError("--reports \(reports) is the folder of shard \(clash.record.shard): merge into another folder")
            }
            merged = try ShardMerge.merge(parts, allowMissing: allowMissing)
        } catch {
            throw failInput(error)
        }
        let redactor = Redactor()
        let files = try ReportWriter.write(merged, to: reports, redactor: redactor)
        appendStepSummary(reports: reports)
        for v in merged.verdicts {
            say("\(v.criterion.padding(toLength: max(8, v.criterion.count), withPad: " ", startingAt: 0)) \(v.verdict.rawValue) (\(v.cases) case(s), \(v.judged) judged)")
        }
        for n in merged.notes { say("note: \(redactor.redact(n))") }
        if let left = merged.cleanupProblem {
            FileHandle.standardError.write(Data("error: users were left behind: \(redactor.redact(left))\n".utf8))
        }
        say(CaseCounts(merged.allCases).sentence)
        say("reports: \(files.joined(separator: ", "))")
        if merged.exitStatus != 0 { throw ExitCode(merged.exitStatus) }
    }
}
