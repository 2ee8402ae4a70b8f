/// Dispatches a `check` step to the built-in check that implements it.
struct CheckRunner: Sendable {
    let context: RunContext

    func run(_ step: CheckStep, scope: ScenarioScope) async -> StepOutcome {
        guard let check = BuiltInChecks.all[step.check] else {
            return StepOutcome(.skipped("check \"\(step.check)\" is not available in this build"))
        }
        // A user without an API token would send its probes with no credentials at all; they
        // would be refused and pass for the wrong reason. Such users are reported and left out.
        var usable = scope
        var cases: [CaseResult] = []
        for (name, identity) in scope.users where identity.apiToken == nil {
            usable.users[name] = nil
            let why = identity.tokenProblems.isEmpty ? "" : ": " + identity.tokenProblems.joined(separator: "; ")
            cases.append(CaseResult(name: "API token of \(name)", criterion: "", file: "", seconds: 0,
                                    outcome: .failed([Finding(oracle: "TokenMissing",
                                                              message: context.redactor.redact("no API token could be obtained for \(name)\(why); the check runs without this user")) ])))
        }
        cases += await check.run(CheckInput(context: context, scope: usable, parameters: step.parameters))
        var outcome = StepOutcome(.passed)
        outcome.cases = cases
        return outcome
    }
}

/// What a built-in check receives.
public struct CheckInput: Sendable {
    public let context: RunContext
    public let scope: ScenarioScope
    public let parameters: JSONObject

    public var identities: [Identity] { scope.users.values.sorted { $0.logicalName < $1.logicalName } }

    public func resource() -> Resource? {
        let name = parameters["resource"]?.stringValue ?? "tasks"
        return context.resource(name)
    }

    public var denyStatuses: Set<Int> {
        if let list = parameters["denyWith"]?.arrayValue { return Set(list.compactMap(\.intValue)) }
        return context.target.denyStatuses
    }
}

/// A built-in check: expands into probes and judges each with its own oracle, one test case per probe.
public protocol BuiltInCheck: Sendable {
    func run(_ input: CheckInput) async -> [CaseResult]
}
