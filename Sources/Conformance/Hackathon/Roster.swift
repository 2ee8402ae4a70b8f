import Foundation

/// A judge's list of submissions (`conformance judge ROSTER.json`): each team and where its app
/// is, and the pack they are all judged by. Secrets are never written in a roster: a team names
/// the environment variables that hold them.
public struct Roster: Sendable {
    public struct Team: Sendable, Equatable {
        public var name: String
        /// A target file (resolved against the roster's folder), as `run --target` takes.
        public var targetFile: String?
        public var authURL: String?
        public var apiURL: String?
        public var frontendURL: String?
        /// The harness's variable (DATABASE_URL, BETTER_AUTH_SECRET, …) → the name of the
        /// environment variable that holds this team's value.
        public var environment: [String: String] = [:]
        /// Where in the roster the team is described, for messages.
        public var pointer: String
    }

    public var file: String
    public var name: String
    /// Scenario files or folders (resolved against the roster's folder); default the Phase II pack.
    public var pack: [String]
    /// Criteria to judge (empty: all the pack's).
    public var criteria: [String]
    public var teams: [Team]

    /// The variables a team may route to one of its own.
    public static let teamVariables: Set<String> = ["DATABASE_URL", "CLEANUP_DATABASE_URL", "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS",
                                                    "BETTER_AUTH_URL", "API_URL", "FRONTEND_URL"]
}

public enum RosterLoader {
    /// The keys of a roster and of a team (held to scenarios/roster.schema.json by a test).
    public static let rosterKeys: Set<String> = ["$schema", "name", "pack", "criteria", "teams"]
    public static let teamKeys: Set<String> = ["name", "target", "authURL", "apiURL", "frontendURL", "env"]

    /// Team names become folder names under reports/judge/: letters, digits, `.`, `_`, `-`.
    static func nameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first, name.count <= 64,
              CharacterSet.alphanumerics.contains(first), first.isASCII,
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) })
        else { return "expected a team name of letters, digits, \".\", \"_\" and \"-\" (at most 64, starting with a letter or digit), found \"\(name)\"" }
        return nil
    }

    static func isVariableName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    public static func load(file: String) throws -> Roster {
        let root = JSONNode(value: try UserFile.parse(file), file: file)
        _ = try root.object(allowing: rosterKeys, context: "a roster")
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folder + "/" + path }
        let name = try root.optional("name")?.nonEmptyString() ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let pack = try root.optional("pack")?.stringOrStrings().map(resolve) ?? []
        let criteria = try root.optional("criteria")?.stringArray() ?? []
        var teams: [Roster.Team] = []
        var seen: [String: String] = [:]
        for node in try root.required("teams", "an array of teams, e.g. [{\"name\": \"alpha\", \"target\": \"alpha.json\"}]").nonEmptyArray("at least one team") {
            _ = try node.object(allowing: teamKeys, context: "a team")
            let nameNode = try node.required("name", "the team's name")
            let teamName = try nameNode.nonEmptyString()
            if let p = nameProblem(teamName) { throw nameNode.error(p) }
            if let other = seen[teamName.lowercased()] { throw nameNode.error("the team \"\(teamName)\" is already named at \(other)") }
            seen[teamName.lowercased()] = nameNode.pointer.description
            var team = Roster.Team(name: teamName, pointer: node.pointer.description)
            if let target = try node.optional("target")?.nonEmptyString() { team.targetFile = resolve(target) }
            team.authURL = try node.optional("authURL")?.nonEmptyString()
            team.apiURL = try node.optional("apiURL")?.nonEmptyString()
            team.frontendURL = try node.optional("frontendURL")?.nonEmptyString()
            for (key, value) in [("authURL", team.authURL), ("apiURL", team.apiURL), ("frontendURL", team.frontendURL)] {
                if let value, let p = TargetLoader.httpURLProblem(value), let n = node.optional(key) { throw n.error(p) }
            }
            if let env = node.optional("env") {
                let entries = try env.entries()
                for entry in entries {
                    let variable: String = entry.key
                    let valueNode: JSONNode = entry.node
                    guard Roster.teamVariables.contains(variable) else {
                        let known = Roster.teamVariables.sorted().joined(separator: ", ")
                        throw valueNode.error("expected one of " + known + JSONNode.suggestion(variable, in: Roster.teamVariables))
                    }
                    let holder = try valueNode.nonEmptyString()
                    guard isVariableName(holder) else {
                        let example = "TEAM_" + teamName.uppercased().replacingOccurrences(of: "-", with: "_") + "_" + variable
                        throw valueNode.error("expected the name of an environment variable (e.g. \"\(example)\"), not a value: a roster never holds secrets")
                    }
                    team.environment[variable] = holder
                }
            }
            if team.targetFile == nil, team.apiURL == nil, team.environment["API_URL"] == nil {
                throw node.error("a team needs a target file (\"target\"), an \"apiURL\" or an \"env\" entry for API_URL")
            }
            teams.append(team)
        }
        return Roster(file: file, name: name, pack: pack, criteria: criteria, teams: teams)
    }
}
