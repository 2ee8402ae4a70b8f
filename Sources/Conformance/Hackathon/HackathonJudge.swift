import Foundation
import ConformancePostgres

/// Judges every team of a roster exactly as `conformance run` would judge its app — each team's
/// reports in `<reports>/<team>/` — and ranks them. Teams run a few at a time; a team that cannot
/// be reached, refuses, or has a bad target is a row with the reason, and the others go on.
public struct HackathonJudge: Sendable {
    public var roster: Roster
    public var scenarios: [Scenario]
    public var criteriaInfo: [String: CriterionInfo]
    /// The judge's folder: `reports/judge` by default.
    public var folder: String
    public var teamsInParallel = 2
    public var jobs = 4
    /// The judge's own environment: teams' variables are looked up in it by name.
    public var environment: [String: String]

    public init(roster: Roster, scenarios: [Scenario], criteriaInfo: [String: CriterionInfo], folder: String, environment: [String: String]) {
        self.roster = roster
        self.scenarios = scenarios
        self.criteriaInfo = criteriaInfo
        self.folder = folder
        self.environment = environment
    }

    /// The leaderboard's columns: the selected scenarios' criteria, with the pack's weights.
    public var criteria: [Leaderboard.Criterion] {
        Set(scenarios.map(\.criterion)).sorted().map { id in
            Leaderboard.Criterion(id: id, weight: criteriaInfo[id]?.weight ?? 1, demands: criteriaInfo[id]?.demands ?? "")
        }
    }

    /// Variables a judge's own shell may hold that must never leak into a team's run.
    static let harnessVariables = Roster.teamVariables.union(["NEXT_PUBLIC_API_URL"])

    /// The team's environment: the judge's, without any app's settings, plus the team's own
    /// variables read from the names the roster gives. Missing variables are named.
    public func environment(for team: Roster.Team) -> (env: [String: String], missing: [String]) {
        var env = environment.filter { !Self.harnessVariables.contains($0.key) }
        var missing: [String] = []
        for (variable, holder) in team.environment.sorted(by: { $0.key < $1.key }) {
            if let value = environment[holder], !value.isEmpty { env[variable] = value } else { missing.append(holder) }
        }
        return (env, missing)
    }

    /// The secrets a team's variables hold, for the judge's own redactor.
    public func secrets(of team: Roster.Team) -> [String] {
        team.environment.values.compactMap { environment[$0] }.flatMap { value -> [String] in
            [value, DatabaseURL.password(of: value)].compactMap { $0 }
        }
    }

    public func run(teams: [Roster.Team], redactor: Redactor, progress: @escaping @Sendable (String) -> Void) async -> Leaderboard {
        for team in teams { for s in secrets(of: team) { redactor.add(s) } }
        var rows: [Leaderboard.Row] = []
        await withTaskGroup(of: Leaderboard.Row.self) { group in
            var next = 0
            func launch() {
                guard next < teams.count, !Task.isCancelled else { return }
                let team = teams[next]
                next += 1
                group.addTask { await judge(team, progress: progress) }
            }
            for _ in 0..<max(1, min(teamsInParallel, teams.count)) { launch() }
            for await row in group {
                rows.append(row)
                launch()
            }
        }
        return Leaderboard.ranked(roster: roster.name, criteria: criteria, rows: rows)
    }

    func judge(_ team: Roster.Team, progress: @escaping @Sendable (String) -> Void) async -> Leaderboard.Row {
        progress("team \(team.name): started")
        let (env, missing) = environment(for: team)
        guard missing.isEmpty else {
            return finish(team, result: nil, reason: "not set in the judge's environment: \(missing.joined(separator: ", "))", progress: progress)
        }
        let target: Target
        do {
            var o = TargetLoader.Overrides()
            o.authURL = team.authURL
            o.apiURL = team.apiURL
            o.frontendURL = team.frontendURL
            target = try TargetLoader(environment: env).load(file: team.targetFile, overrides: o)
            try TargetFit.check(scenarios, target: target)
        } catch {
            return finish(team, result: nil, reason: "the team's target: \(error)", progress: progress)
        }
        let teamFolder = folder + "/" + team.name
        var options = RunOptions()
        options.jobs = jobs
        options.reportsDirectory = teamFolder
        options.journalFolder = RunJournal.folder(reports: teamFolder)
        options.targetFile = team.targetFile
        options.criteria = criteriaInfo
        let redactor = Redactor()
        do {
            let result = try await Runner(target: target, options: options, environment: env, redactor: redactor).run(scenarios) { _ in }
            _ = try ReportWriter.write(result, to: teamFolder, redactor: redactor)
            return finish(team, result: result, reason: result.cleanupProblem.map { redactor.redact("users left behind: \($0)") }, progress: progress)
        } catch {
            return finish(team, result: nil, reason: redactor.redact("\(error)"), progress: progress)
        }
    }

    func finish(_ team: Roster.Team, result: RunResult?, reason: String?, progress: @Sendable (String) -> Void) -> Leaderboard.Row {
        let row = Leaderboard.row(team: team.name, result: result, reason: reason, criteria: criteria)
        let met = criteria.filter { row.cells[$0.id] == .passed }.count
        progress("team \(team.name): " + (row.rank == nil ? "not ranked (\(row.reason ?? ""))" : "\(met) of \(criteria.count) criteria met, score \(row.score)"))
        return row
    }
}
