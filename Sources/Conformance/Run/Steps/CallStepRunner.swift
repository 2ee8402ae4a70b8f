/// Executes a logical API call (`tasks.create` as alice) through the target's mapping, keeps the
/// expected-state model up to date, and scans the answer for other users' markers.
struct CallStepRunner: Sendable {
    let context: RunContext

    func run(_ step: Step, _ c: CallStep, scope: ScenarioScope) async throws -> StepOutcome {
        guard let resource = context.resource(c.resource) else {
            return StepOutcome(.error(kind: .targetMismatch, message: "the target maps no resource \"\(c.resource)\" (it has \(context.target.resources.keys.sorted().joined(separator: ", ")))"))
        }
        guard resource.routes[c.operation] != nil else {
            return StepOutcome(.skipped("the target maps no route for \(c.resource).\(c.operation.rawValue)"))
        }
        let caller = try c.user.map { u -> Identity in
            guard let i = scope.users[u] else { throw ScenarioScope.Missing(name: "\(u).id") }
            return i
        }
        let id = try c.id.map { ResourceClient.idText(try $0.render(scope.lookup)) }
        var body = try c.body.map { try $0.render(scope.lookup) }
        if c.operation == .toggle, let flag = resource.toggleSends, body == nil, let id {
            body = await toggleBody(resource: resource, flag: flag, id: id, caller: caller)
        }
        var call = ResourceClient.Call(resource: resource, operation: c.operation,
                                       credentials: caller?.apiToken.map { .bearer($0) } ?? .none,
                                       pathUserID: caller?.id ?? scope.firstUser?.id, id: id, body: body, rawBody: c.rawBody)
        call.query = try c.query.map { ($0.0, try $0.1.render(scope.lookup)) }
        guard let ex = await context.resources.send(call) else {
            return StepOutcome(.skipped("no route for \(c.resource).\(c.operation.rawValue)"))
        }
        let observed = context.resources.observed(ex, c.operation, resource)
        if let caller, let status = ex.status, (200..<300).contains(status) {
            context.ledger.record(c.operation, resource: resource, id: id, sent: body, observed: observed, owner: caller.id)
        }
        var expect = step.expect ?? Expectation()
        if expect.status == nil { expect.status = StatusMatcher(classes: [2]) }
        var outcome = try StepRunner(context: context).judge(step, expect: expect, exchange: ex, observed: observed, scope: scope, extra: [])
        // Taint oracle: whatever the status, another user's marker in this answer is a leak.
        let leaks = context.markers.foreign(in: ex.bodyText, viewer: caller?.id)
        if !leaks.isEmpty {
            let finding = Finding(oracle: .crossUserRead,
                                  message: "the answer to \(caller?.logicalName ?? "an anonymous caller") holds \(leaks.count) marker(s) of other users (\(Set(leaks.map(\.owner)).count) user(s))",
                                  evidence: outcome.evidence)
            if case .failed(var fs) = outcome.outcome { fs.append(finding); outcome.outcome = .failed(fs) } else { outcome.outcome = .failed([finding]) }
        }
        return outcome
    }

    /// The body of a toggle that sends the flag's opposite: read the current state first.
    func toggleBody(resource: Resource, flag: String, id: String, caller: Identity?) async -> JSONValue {
        let get = ResourceClient.Call(resource: resource, operation: .get, credentials: caller?.apiToken.map { .bearer($0) } ?? .none,
                                      pathUserID: caller?.id, id: id)
        var current = false
        if let ex = await context.resources.send(get), let obj = context.resources.observed(ex, .get, resource) {
            current = obj[flag]?.boolValue ?? false
        }
        return .object(JSONObject([(flag, .bool(!current))]))
    }
}
