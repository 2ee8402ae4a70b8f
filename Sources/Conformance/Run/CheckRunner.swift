/// Dispatches a `check` step to the built-in check that implements it.
struct CheckRunner: Sendable {
    let context: RunContext

    func run(_ step: CheckStep, scope: ScenarioScope) async -> StepOutcome {
        guard let check = CheckRegistry.descriptor(step.check) else {
            return StepOutcome(.error(kind: .internalError, message: "check \"\(step.check.rawValue)\" has no implementation in this build"))
        }
        if let why = check.unmet(step.parameters, context.target) { return StepOutcome(.skipped(why)) }
        // A user without an API token would send its probes with no credentials at all; they
        // would be refused and pass for the wrong reason. Such users are reported and left out.
        var usable = scope
        var cases: [CaseResult] = []
        // An app without login has no tokens by design: its users go out without credentials.
        for (name, identity) in scope.users.sorted(by: { $0.key < $1.key }) where identity.apiToken == nil && context.target.identity.hasLogin {
            usable.users[name] = nil
            let finding = IdentityOracle.noToken(user: name, problems: identity.tokenProblems)
            cases.append(CaseResult(name: "API token of \(name)", seconds: 0, outcome: .error(kind: .setupFailed, message: finding.message),
                                    evidence: identity.tokenExchange.map { [Evidence("token of \(name)", $0)] } ?? []))
        }
        cases += await check.run(CheckInput(context: context, scope: usable), step.parameters).map(Self.setupIsNotAFinding)
        for i in cases.indices { cases[i].check = step.check.rawValue }
        var outcome = StepOutcome(.passed)
        outcome.cases = cases
        return outcome
    }
}

extension CheckRunner {
    /// A check's own preparation that the app did not go along with (its create answered no
    /// object) proves nothing about the rule the check tests: an error of the run's setup, with
    /// the answer as evidence, never a failed criterion.
    static func setupIsNotAFinding(_ c: CaseResult) -> CaseResult {
        guard case .failed(let findings) = c.outcome, !findings.isEmpty, findings.allSatisfy({ $0.oracle == .setupFailed }) else { return c }
        var out = c
        out.outcome = .error(kind: .setupFailed, message: findings.map(\.message).joined(separator: "; "))
        out.evidence += findings.flatMap(\.evidence)
        return out
    }
}

/// What a built-in check receives besides its parameters.
public struct CheckInput: Sendable {
    public let context: RunContext
    public let scope: ScenarioScope

    public var identities: [Identity] { scope.users.values.sorted { $0.logicalName < $1.logicalName } }

    /// The resource a check's parameters name; the loader has checked that the target maps it.
    public func resource(_ parameters: some ResourceParameters) -> Resource? { context.resource(parameters.resource) }

    /// The statuses that count as a denial: the check's `denyWith`, else the target's.
    public func denyStatuses(_ given: [Int]?) -> Set<Int> { given.map(Set.init) ?? context.target.denyStatuses }
}
