/// One concurrent client of the load phase: acts as one user on objects that only this worker
/// touches, cycling through the resource's operations until the deadline. Owning its objects
/// keeps the expected-state model exact: two workers updating the same row would race, and the
/// ledger could not know which write landed last.
struct LoadWorker: Sendable {
    let context: RunContext
    let resource: Resource
    let user: Identity
    /// Logical names by user id, so a leak names the users involved.
    let names: [String: String]
    /// Operations in the order they are sent, repeated until the deadline.
    let cycle: [Operation]
    /// Bound on each request: one stuck answer must not hold the phase past its duration.
    let timeout: Double

    var kit: CheckKit { CheckKit(context: context) }

    /// Runs the cycle on `seed` (this worker's own objects) plus what it creates on the way.
    func run(seed: [String], until deadline: ContinuousClock.Instant) async -> LoadObservations {
        var obs = LoadObservations()
        var objects = seed
        var step = 0, next = 0
        // With only per-object operations and nothing to work on, the loop would spin.
        guard !cycle.isEmpty, !objects.isEmpty || cycle.contains(where: { !$0.isPerObject }) else { return obs }
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let op = cycle[step % cycle.count]
            step += 1
            var id: String?
            if op.isPerObject {
                // Every object became uncertain: with nothing else to send, stop rather than spin.
                guard !objects.isEmpty else {
                    if cycle.allSatisfy(\.isPerObject) { break }
                    continue
                }
                id = objects[next % objects.count]
                next += 1
            }
            let outcome = await send(op, id: id, into: &obs)
            if let newID = outcome.created {
                objects.append(newID)
                obs.created.append(newID)
            }
            if outcome.unanswered, let id {
                // Whether the write landed is unknown; later writes would compound the doubt.
                objects.removeAll { $0 == id }
                obs.uncertain.insert(id)
            }
        }
        return obs
    }

    /// The end of the phase: deletes what the loop created, measured like the other operations.
    func delete(_ ids: [String]) async -> LoadObservations {
        var obs = LoadObservations()
        for id in ids where !Task.isCancelled {
            let outcome = await send(.delete, id: id, into: &obs)
            if outcome.unanswered { obs.uncertain.insert(id) }
        }
        return obs
    }

    struct Outcome {
        var created: String?
        var unanswered = false
    }

    func send(_ op: Operation, id: String?, into obs: inout LoadObservations) async -> Outcome {
        var body: JSONValue?
        switch op {
        case .create, .update: body = kit.taintedBody(resource, owner: user)
        case .toggle:
            // Where the API wants the new value, send the opposite of what this user last stored.
            if let flag = resource.toggleSends, let id {
                body = .object(JSONObject([(flag, .bool(!(knownFlag(id) ?? false)))]))
            }
        default: break
        }
        let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(user), pathUserID: user.id,
                                       id: id, body: body)
        guard var request = context.resources.request(for: call) else { return Outcome() }
        request.timeout = min(request.timeout, timeout)
        let ex = await context.http.send(request)
        var outcome = Outcome()
        var problem = LoadOracle.problem(status: ex.status)

        guard let status = ex.status else {
            obs.record(op, seconds: ex.seconds, problem: problem, exchange: ex)
            outcome.unanswered = op.writes || op == .create
            if op == .create { obs.untrackedCreates += 1 }
            return outcome
        }

        // The isolation oracle stays on: whatever the status, another user's marker is a leak.
        let leaks = context.markers.foreign(in: ex.bodyText, viewer: user.id)
        let label = "\(resource.name).\(op.rawValue)"
        if let leak = LoadOracle.leak(viewer: user.logicalName, label: label, status: status, markers: leaks.count,
                                      owners: Set(leaks.map(\.owner)).map { names[$0] ?? $0 }.sorted()) {
            obs.leak(Finding(oracle: leak.oracle, message: leak.message, evidence: [kit.evidence("\(user.logicalName) \(label) under load", ex)]))
        }

        if problem == nil {
            outcome.created = record(op, id: id, body: body, exchange: ex, problem: &problem, obs: &obs)
        }
        obs.record(op, seconds: ex.seconds, problem: problem, exchange: ex)
        return outcome
    }

    /// Keeps the expected-state model in step with this user's own successful operations, so the
    /// audit after the phase can tell a silent cross-user change from one of ours.
    func record(_ op: Operation, id: String?, body: JSONValue?, exchange ex: Exchange,
                problem: inout LoadObservations.Problem?, obs: inout LoadObservations) -> String? {
        let observed = context.resources.object(in: ex.json, resource)
        // A 2xx create without an id: only here is the body read, so only here is it classified.
        if op == .create, observed?["id"] == nil {
            problem = .noID
            obs.untrackedCreates += 1
            return nil
        }
        return context.ledger.record(op, resource: resource, id: id, sent: body, observed: observed, owner: user.id)
    }

    func knownFlag(_ id: String) -> Bool? {
        context.ledger.entry(resource: resource.name, id: id)?.fields[resource.completedField]?.boolValue
    }
}
