/// The variables of one scenario while it runs: its users, its captures, and the built-ins.
public struct ScenarioScope: Sendable {
    public var users: [String: Identity] = [:]
    /// The scenario's users in the order it declares them.
    public var userOrder: [String] = []
    public var captures: [String: JSONValue] = [:]
    let context: RunContext

    public struct Missing: Error, Sendable { public var name: String }

    init(context: RunContext) { self.context = context }

    /// The first declared user that exists, for `{userId}` in a call made without credentials.
    public var firstUser: Identity? { userOrder.lazy.compactMap { users[$0] }.first }

    public func lookup(_ name: String) throws -> JSONValue {
        if let v = captures[name] { return v }
        switch name {
        case "run.id": return .string(context.runID)
        case "marker": return .string(context.markers.make(owner: nil))
        case "api.url": return .string(context.target.apiURL)
        case "auth.url": return .string(context.target.authURL)
        default: break
        }
        if name.hasPrefix("env.") {
            guard let v = context.environment[String(name.dropFirst(4))] else { throw Missing(name: name) }
            return .string(v)
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let identity = users[parts[0]] {
            switch parts[1] {
            case "id": return identity.idValue ?? .string(identity.id)
            case "email": return .string(identity.email)
            case "name": return .string(identity.name)
            case "token": if let t = identity.apiToken { return .string(t) }
            case "marker": return .string(context.markers.make(owner: identity.id, label: identity.logicalName))
            default: break
            }
        }
        throw Missing(name: name)
    }
}

/// What one executed step hands back to the scenario runner.
public struct StepOutcome: Sendable {
    public var outcome: Outcome
    public var evidence: [Evidence] = []
    /// What the judge captured for later steps.
    public var captures: [String: JSONValue] = [:]
    /// Extra test cases a built-in check produced (one per probe).
    public var cases: [CaseResult] = []

    public init(_ outcome: Outcome, evidence: [Evidence] = []) {
        self.outcome = outcome
        self.evidence = evidence
    }
}
