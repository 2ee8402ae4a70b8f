import ArgumentParser
import Conformance
import Foundation

/// A hackathon's judging: every team of a roster run as `conformance run` would, then one
/// leaderboard. Shards (`--shard K/N`, over teams) run on separate machines and merge with
/// `--merge`.
struct JudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Judge every team of a roster and write reports/judge/leaderboard.{html,csv,json} (exit 0 every team judged, 2 a team could not be, or bad input).")

    @Argument(help: "The roster: teams, their targets and the pack (see docs/judge.md).")
    var roster: String?

    @Option(name: .customLong("reports"), help: "Reports folder; the judge writes into <reports>/judge.")
    var reports: String = "reports"

    @Option(name: .customLong("teams-in-parallel"), help: "Teams judged at the same time.")
    var teamsInParallel: Int = 2

    @Option(name: .customLong("jobs"), help: "Scenarios run in parallel within a team.")
    var jobs: Int = 4

    @Option(name: .customLong("team"), help: "Only this team (repeatable).")
    var teams: [String] = []

    @Option(name: .customLong("shard"), help: "Judge only shard K of N of the roster's teams (K/N, or auto).")
    var shard: String?

    @Option(name: .customLong("merge"), parsing: .upToNextOption, help: "Merge shards' judge folders (each holding leaderboard.json) into <reports>/judge.")
    var merge: [String] = []

    func validate() throws {
        guard (1...32).contains(teamsInParallel) else { throw ValidationError("--teams-in-parallel takes 1 to 32") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes 1 to 64") }
        guard roster != nil || !merge.isEmpty else { throw ValidationError("give a roster file, or --merge with the shards' judge folders") }
    }

    func run() async throws {
        let folder = reports + "/judge"
        if !merge.isEmpty { return try mergeShards(into: folder) }
        guard let rosterFile = roster else { return }
        let loaded: Roster
        let scenarios: [Scenario]
        let info: [String: CriterionInfo]
        var selected: [Roster.Team]
        do {
            loaded = try RosterLoader.load(file: rosterFile)
            let pack = loaded.pack.isEmpty ? defaultScenarioPaths([]) : loaded.pack
            var selection = Plan.Selection()
            selection.criteria = Set(loaded.criteria)
            scenarios = Plan.select(try ScenarioLoader.load(paths: pack), selection)
            info = try PackLoader.criteria(paths: pack)
            guard !scenarios.isEmpty else { throw LoadError(file: rosterFile, location: "/criteria", message: "no scenario of the pack matches the roster's criteria") }
            selected = loaded.teams
            if !teams.isEmpty {
                let unknown = teams.filter { name in !loaded.teams.contains { $0.name == name } }
                guard unknown.isEmpty else { throw LoadError(file: rosterFile, location: "--team", message: "no team \(unknown.joined(separator: ", ")) in the roster") }
                selected = selected.filter { teams.contains($0.name) }
            }
            if let shard {
                // The same partition as `run --shard`, over team names: every machine of a CI
                // matrix computes the same split from the same roster.
                let part = try Shard.resolve(shard, environment: ProcessInfo.processInfo.environment)
                let assignment = Shard.assignment(of: selected.map(\.name), total: part.total)
                selected = selected.filter { assignment[$0.name] == part.index }
            }
        } catch {
            throw failInput(error)
        }
        let redactor = Redactor()
        let console = Console(verbose: false, redactor: redactor)
        console.line("conformance judge: \(selected.count) team(s) of \(loaded.name), \(scenarios.count) scenario(s) each")
        var judge = HackathonJudge(roster: loaded, scenarios: scenarios, criteriaInfo: info, folder: folder, environment: ProcessInfo.processInfo.environment)
        judge.teamsInParallel = teamsInParallel
        judge.jobs = jobs
        let chosen = selected
        let work = Task { await judge.run(teams: chosen, redactor: redactor) { console.line($0) } }
        let signals = SignalTrap { console.line("interrupted: stopping the teams' runs and cleaning up…"); work.cancel() }
        defer { signals.release() }
        let board = await work.value
        console.finish()
        let files = try LeaderboardFiles.write(board, to: folder, redactor: redactor)
        for row in board.rows {
            console.line("\(row.rank.map { "#\($0)" } ?? "—")  \(row.team)  \(row.score)/\(board.maxScore)" + (row.rank == nil ? "  not ranked: \(row.reason ?? "")" : ""))
        }
        console.line("leaderboard: \(files.joined(separator: ", "))")
        appendStepSummary(reports: folder)
        if let interrupted = signals.exitStatus { throw ExitCode(interrupted) }
        if board.rows.contains(where: { $0.rank == nil }) { throw ExitCode(2) }
    }

    func mergeShards(into folder: String) throws { try mergeJudgeShards(merge, into: folder) }
}

/// The judge folder a shard's directory holds: itself, or its `judge/`, when a leaderboard.json
/// is there (what `conformance merge` looks for to tell judge shards from run shards).
func judgeFolder(in dir: String) -> String? {
    for candidate in [dir, dir + "/judge"] where FileManager.default.fileExists(atPath: candidate + "/" + LeaderboardFiles.jsonName) {
        return candidate
    }
    return nil
}

/// Shards' leaderboards into one, with every team's reports copied beside it.
func mergeJudgeShards(_ dirs: [String], into folder: String) throws {
    let folders = dirs.map { judgeFolder(in: $0) ?? $0 }
    let parts: [Leaderboard]
    do {
        parts = try folders.map { try LeaderboardFiles.read(file: $0 + "/" + LeaderboardFiles.jsonName) }
    } catch {
        throw failInput(error)
    }
    let board: Leaderboard
    do { board = try Leaderboard.merged(parts) } catch { throw failInput(error) }
    let fm = FileManager.default
    try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (dir, part) in zip(folders, parts) {
        for row in part.rows where fm.fileExists(atPath: dir + "/" + row.team) {
            let destination = folder + "/" + row.team
            guard URL(fileURLWithPath: dir + "/" + row.team).standardizedFileURL != URL(fileURLWithPath: destination).standardizedFileURL else { continue }
            try? fm.removeItem(atPath: destination)
            try fm.copyItem(atPath: dir + "/" + row.team, toPath: destination)
        }
    }
    let files = try LeaderboardFiles.write(board, to: folder, redactor: Redactor())
    say("merged \(parts.count) shard(s), \(board.rows.count) team(s): \(files.joined(separator: ", "))")
    appendStepSummary(reports: folder)
    if board.rows.contains(where: { $0.rank == nil }) { throw ExitCode(2) }
}
