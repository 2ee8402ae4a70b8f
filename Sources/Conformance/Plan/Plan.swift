/// What a run will do, worked out before anything is sent: the scenarios selected, the users to
/// create, and each step's request. `conformance plan` and `--dry-run` print it.
public struct Plan: Sendable {
    public var scenarios: [Scenario]
    public var users: [String]
    public var lines: [String]

    public struct Selection: Sendable {
        public var criteria: Set<String> = []
        public var tags: Set<String> = []
        public var filter: String?
        public init() {}
    }

    public static func select(_ all: [Scenario], _ s: Selection) -> [Scenario] {
        all.filter { sc in
            (s.criteria.isEmpty || s.criteria.contains(sc.criterion.uppercased()) || s.criteria.contains(sc.criterion))
                && (s.tags.isEmpty || !s.tags.isDisjoint(with: sc.tags))
                && (s.filter.map { f in sc.id.localizedCaseInsensitiveContains(f) || sc.title.localizedCaseInsensitiveContains(f) } ?? true)
        }
    }

    /// `shard`: the part of the selection this run takes, with the whole selection's ids.
    public init(scenarios: [Scenario], target: Target, shard: ShardRecord? = nil) {
        self.scenarios = scenarios
        var users: [String] = []
        for s in scenarios { for u in s.users where !users.contains(u) { users.append(u) } }
        self.users = users
        var lines: [String] = []
        lines.append("target: auth \(target.authBaseURL), api \(target.apiURL)")
        if let shard {
            let ids = scenarios.map(\.id)
            lines.append("shard \(shard.shard): \(ids.count) of \(shard.selection.count) selected scenario(s) (ids sorted by their bytes, dealt round-robin)\(ids.isEmpty ? "; nothing to run" : ": " + ids.joined(separator: ", "))")
        }
        lines.append("users to create through \(target.identity.isBetterAuth ? "Better Auth" : "the app's own routes") (once per run): \(users.isEmpty ? "none" : users.joined(separator: ", "))")
        for s in scenarios {
            lines.append("")
            lines.append("\(s.criterion)  \(s.id) — \(s.title)  [\(s.file)]")
            let context = PlanContext(target: target, users: s.users.sorted())
            for step in s.steps {
                lines.append("  - " + Self.describe(step, target: target))
                if case .check(let c) = step.kind, let check = CheckRegistry.descriptor(c.check) {
                    lines += check.plan(c.parameters, context).map { "      · " + $0 }
                }
            }
        }
        self.lines = lines
    }

    static func describe(_ step: Step, target: Target) -> String {
        switch step.kind {
        case .signUp(let u), .signIn(let u):
            let up: Bool
            if case .signUp = step.kind { up = true } else { up = false }
            switch target.identity {
            case .betterAuth: return "\(step.name): POST \(target.authBaseURL)/\(up ? "sign-up" : "sign-in")/email as \(u)"
            case .custom(let c): return "\(step.name): POST \(Target.join(c.baseURL, up ? c.signUpPath : c.signInPath)) as \(u)"
            case .none: return "\(step.name): skipped, the app has no login"
            }
        case .token(let u): return "\(step.name): token for \(u) (\(target.tokenSource.rawValue))"
        case .call(let c):
            let route = target.resources[c.resource]?.routes[c.operation].map(\.description) ?? "(no route mapped)"
            return "\(step.name): \(route)"
        case .request(let r): return "\(step.name): \(r.method) \(r.url.source)"
        case .sql(let s): return "\(step.name): read-only SQL \(s.sql.prefix(80))"
        case .stored(let s): return "\(step.name): read \(target.resources[s.resource]?.qualifiedTable ?? s.resource) by id"
        case .check(let c):
            let given = c.given.isEmpty ? "" : " with " + JSONWriter.compact(.object(c.given))
            return "\(step.name): check \(c.check.rawValue)\(given)"
        }
    }
}
