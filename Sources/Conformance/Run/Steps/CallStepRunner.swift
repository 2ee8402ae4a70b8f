/// Executes a logical API call (`tasks.create` as alice) through the target's mapping, keeps the
/// expected-state model up to date, and scans the answer for other users' markers.
struct CallStepRunner: Sendable {
    let context: RunContext

    func run(_ step: Step, _ c: CallStep, scope: ScenarioScope) async throws -> StepOutcome {
        // The loader checked both against the target (TargetFit); what remains is an operation
        // the target declares absent.
        guard let resource = context.resource(c.resource) else {
            return StepOutcome(.error(kind: .targetMismatch, message: "the target maps no resource \"\(c.resource)\" (it has \(context.target.resources.keys.sorted().joined(separator: ", ")))"))
        }
        guard resource.routes[c.operation] != nil else {
            return StepOutcome(.skipped("the target declares that the app has no \(c.resource).\(c.operation.rawValue)"))
        }
        let caller = try c.user.map { u -> Identity in
            guard let i = scope.users[u] else { throw ScenarioScope.Missing(name: "\(u).id") }
            return i
        }
        // A user who should hold a token but got none (its token request failed) would send an
        // unauthenticated call: its 401 would read as the app's fault. The setup failed instead.
        if let caller, caller.apiToken == nil, context.target.identity.hasLogin {
            let why = caller.tokenProblems.first.map { ": \($0)" } ?? ""
            return StepOutcome(.error(kind: .setupFailed,
                                      message: "\(caller.logicalName) holds no API token\(why); the call was not sent, as it would prove nothing"))
        }
        let id = try c.id.map { ResourceClient.idText(try $0.render(scope.lookup)) }
        var body = try c.body.map { try $0.render(scope.lookup) }
        if c.operation == .toggle, let flag = resource.toggleSends, body == nil, let id {
            body = await toggleBody(resource: resource, flag: flag, id: id, caller: caller)
        }
        var call = ResourceClient.Call(resource: resource, operation: c.operation,
                                       credentials: caller?.credential ?? .none,
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
        var observation = StepObservation(.exchange(ex, observed: observed), expectation: expect)
        observation.viewer = caller.map { .user(id: $0.id, name: $0.logicalName) } ?? .anonymous
        return try StepRunner(context: context).judge(step, observation, scope: scope)
    }

    /// The body of a toggle that sends the flag's opposite: read the current state first.
    func toggleBody(resource: Resource, flag: String, id: String, caller: Identity?) async -> JSONValue {
        let get = ResourceClient.Call(resource: resource, operation: .get, credentials: caller?.credential ?? .none,
                                      pathUserID: caller?.id, id: id)
        var current = false
        if let ex = await context.resources.send(get), let obj = context.resources.observed(ex, .get, resource) {
            current = obj[flag]?.boolValue ?? false
        }
        return .object(JSONObject([(flag, .bool(!current))]))
    }
}
