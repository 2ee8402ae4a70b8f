import Foundation

/// The cross-user matrix (SC-004): every user's objects probed with every other user's token,
/// for every per-object operation, plus the owner's id put in the attacker's path. Judged by
/// three oracles: denial (a 2xx on a foreign object fails), taint markers (another user's marker
/// in any answer is a leak) and the database audit (a silent change shows in the rows).
struct IsolationMatrix: BuiltInCheck {
    static let name = CheckName.isolation
    static let title = "cross-user matrix"

    struct Parameters: ResourceParameters {
        let resource: String
        let denyWith: [Int]?
        let objectsPerUser: Int
        let operations: [String]
        static let specs: [ParameterSpec] = [
            .resource,
            .denyWith,
            ParameterSpec("objectsPerUser", .integer(min: 1, max: 10), default: 1, "Objects each user creates (1–10)."),
            ParameterSpec("operations", .strings, default: ["get", "update", "toggle", "delete"], "Per-object operations to probe. Other names are ignored."),
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let kit = CheckKit(context: input.context)
        let context = input.context
        guard let resource = input.resource(parameters) else { return [kit.skipped(Self.name.rawValue, "the target maps no such resource")] }
        let users = input.identities
        guard users.count >= 2 else { return [kit.skipped(Self.name.rawValue, "the matrix needs at least two users in the scenario")] }
        let deny = input.denyStatuses(parameters.denyWith)
        let perUser = parameters.objectsPerUser
        let wanted = Set(parameters.operations)
        let ops: [Operation] = [.get, .update, .toggle, .delete].filter { wanted.contains($0.rawValue) && resource.routes[$0] != nil }

        // Phase 1: each owner creates its objects.
        var objects: [String: [String]] = [:]
        var cases: [CaseResult] = []
        for owner in users {
            for n in 0..<perUser {
                let created = await kit.create(resource, as: owner)
                guard let id = created?.id else {
                    let answer = created.map { [kit.evidence("create as \(owner.logicalName)", $0.exchange)] } ?? []
                    cases.append(kit.failed("\(owner.logicalName) creates \(resource.name) #\(n + 1)", 0, .setupFailed,
                                            "could not create an object as \(owner.logicalName); the matrix cannot run for it",
                                            answer)); continue
                }
                objects[owner.id, default: []].append(id)
            }
        }

        // The controls: each user's own call to every probed route, on an object of its own kept
        // for this. A cross-user refusal proves a denial only when the same route answers the
        // caller's own call; otherwise it is not judged.
        let probes = ProbeSender(context: context, kit: kit, resource: resource, deny: deny)
        var controls: [String: ProbeSender.Controls] = [:]
        for user in users { controls[user.id] = await probes.controls(ops, as: user) }

        // Every ordered pair of users: each attacks every other user's objects. Beyond eight
        // users the pairs grow as n², so each attacker aims at one object per owner instead of all.
        var pairs: [(Identity, Identity)] = []
        for owner in users { for attacker in users where attacker.id != owner.id { pairs.append((owner, attacker)) } }
        let targetsPerOwner = users.count <= 8 ? Int.max : 1

        // Phase 2: reads and writes that leave the object in place; deletes come last so that
        // they cannot hide what an update did.
        let known = controls
        for phase in [ops.filter { $0 != .delete }, ops.filter { $0 == .delete }] where !phase.isEmpty {
            let phaseCases = await withTaskGroup(of: [CaseResult].self) { group in
                for (owner, attacker) in pairs {
                    for (n, id) in (objects[owner.id] ?? []).prefix(targetsPerOwner).enumerated() {
                        let object = ProbeSender.ObjectRef(id: id, ordinal: n + 1)
                        group.addTask {
                            var out: [CaseResult] = []
                            for op in phase {
                                let own = known[attacker.id]?.calls[op]
                                out.append(await probes.foreignObject(op, object, owner: owner, attacker: attacker, pathUser: attacker, own: own))
                                if resource.routes[op]?.hasUserId == true, op != .delete {
                                    out.append(await probes.foreignObject(op, object, owner: owner, attacker: attacker, pathUser: owner, own: own))
                                }
                            }
                            return out
                        }
                    }
                }
                var all: [CaseResult] = []
                for await c in group { all += c }
                return all
            }
            cases += phaseCases.sorted { $0.name < $1.name }
        }

        // Lists: the attacker's own list, and the owner's list through the owner's id in the path.
        if resource.routes[.list] != nil {
            var ownLists: [String: Exchange] = [:]
            for attacker in users {
                let (c, ex) = await probes.ownList(attacker)
                cases.append(c)
                ownLists[attacker.id] = ex
            }
            if resource.routes[.list]?.hasUserId == true {
                for (owner, attacker) in pairs {
                    cases.append(await probes.foreignList(owner: owner, attacker: attacker, own: ownLists[attacker.id]))
                }
            }
        }

        // Phase 3: the database audit of every owner's objects.
        let (audit, seconds) = await CheckKit.time { () -> Result<[Finding], Error> in
            do {
                let audit = DatabaseAudit(context: context)
                let owners = Set(users.map(\.id))
                let ids = Set(objects.values.flatMap { $0 })
                return .success(try await audit.findings(resource: resource, owners: owners, ids: ids)
                    + audit.strayRows(resource: resource, owners: Array(owners)))
            } catch { return .failure(error) }
        }
        let name = "database audit of \(users.count) users' \(resource.name)"
        switch audit {
        case _ where context.database == nil:
            cases.append(kit.noDatabase(name))
        case .success(let findings) where findings.isEmpty:
            cases.append(kit.passed(name, seconds, [Evidence(.note, "audited", "\(context.ledger.entries(resource: resource.name).count) object(s) match their owners' own operations")]))
        case .success(let findings):
            cases.append(CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .failed(findings)))
        case .failure(let e):
            cases.append(CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                                    outcome: .database(e)))
        }
        return cases
    }
}

/// Sends one cross-user probe and judges it with the denial and marker oracles.
struct ProbeSender: Sendable {
    let context: RunContext
    let kit: CheckKit
    let resource: Resource
    let deny: Set<Int>

    /// An object of the owner's: its id for the request, its place among the owner's objects for
    /// the case name (names stay the same from run to run; the id is in the exchange).
    struct ObjectRef: Sendable {
        var id: String
        var ordinal: Int
    }

    /// One user's own calls to the probed routes, on an object of its own: what a refusal of the
    /// same route to that user as an attacker is measured against.
    struct Controls: Sendable {
        var calls: [Operation: Exchange] = [:]
    }

    /// The user creates one object for the controls and calls every operation on it, deletes
    /// last. Accepted writes enter the expected-state model like any owner's operation, so the
    /// audit expects them. A create that fails leaves no controls: every refusal is then not judged.
    func controls(_ ops: [Operation], as user: Identity) async -> Controls {
        var out = Controls()
        guard let created = await kit.create(resource, as: user), let id = created.id else { return out }
        for op in ops.filter({ $0 != .delete }) + ops.filter({ $0 == .delete }) {
            let body = self.body(op, as: user)
            let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(user), pathUserID: user.id, id: id, body: body)
            guard let ex = await context.resources.send(call), ex.transportError == nil else { continue }
            if let status = ex.status, (200..<300).contains(status) {
                context.ledger.record(op, resource: resource, id: id, sent: body, observed: context.resources.object(in: ex.json, resource), owner: user.id)
            }
            out.calls[op] = ex
        }
        return out
    }

    func body(_ op: Operation, as user: Identity) -> JSONValue? {
        if op == .update { return kit.taintedBody(resource, owner: user) }
        if op == .toggle, let flag = resource.toggleSends { return .object(JSONObject([(flag, .bool(true))])) }
        return nil
    }

    /// The case of a probe judged against the caller's own call to the same route.
    func judged(_ name: String, _ ex: Exchange, _ decision: DenialOracle.Decision, own: Exchange?, ownTitle: String) -> CaseResult {
        switch decision {
        case .denied: return kit.passed(name, ex.seconds)
        case .broken(let v): return kit.failed(name, ex.seconds, v.oracle, v.message, [kit.evidence(name, ex)])
        case .notJudged(let why):
            return kit.notJudged(name, why, [kit.evidence(name, ex)] + (own.map { [kit.evidence(ownTitle, $0)] } ?? []))
        }
    }

    func foreignObject(_ op: Operation, _ object: ObjectRef, owner: Identity, attacker: Identity, pathUser: Identity, own: Exchange?) async -> CaseResult {
        let viaPath = pathUser.id == owner.id
        let id = object.id
        let name = "\(attacker.logicalName) \(op.rawValue)s \(owner.logicalName)'s \(resource.name) #\(object.ordinal)\(viaPath ? " via \(owner.logicalName)'s id in the path" : "")"
        let body = self.body(op, as: attacker)
        let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(attacker), pathUserID: pathUser.id,
                                       id: id, body: body)
        guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no route") }
        if let e = kit.errored(name, ex) { return e }
        let decision = DenialOracle.decide(status: ex.status ?? 0, body: ex.bodyText, viewer: attacker.id, writes: op.writes, deny: deny,
                                           markers: context.markers, what: "\(op.rawValue) of another user's object", owner: owner.logicalName,
                                           ownStatus: own?.status)
        return judged(name, ex, decision, own: own, ownTitle: "\(attacker.logicalName)'s own \(op.rawValue) of its own \(resource.name)")
    }

    /// The user's own list, scanned for other users' markers. It also serves as the control of
    /// the lists through another user's id: the exchange comes back with the case.
    func ownList(_ user: Identity) async -> (CaseResult, Exchange?) {
        let name = "\(user.logicalName)'s own \(resource.name) list holds only \(user.logicalName)'s data"
        let call = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(user), pathUserID: user.id)
        guard let ex = await context.resources.send(call) else { return (kit.skipped(name, "no list route"), nil) }
        if let e = kit.errored(name, ex) { return (e, nil) }
        let leaks = context.markers.foreign(in: ex.bodyText, viewer: user.id)
        if !leaks.isEmpty {
            return (kit.failed(name, ex.seconds, .crossUserRead,
                               "the list of \(user.logicalName) holds \(leaks.count) marker(s) of \(Set(leaks.map(\.owner)).count) other user(s)",
                               [kit.evidence(name, ex)]), ex)
        }
        // A refused list holds nothing to scan: no marker proves nothing.
        if let why = OwnCallOracle.refusal(status: ex.status ?? 0) {
            return (kit.notJudged(name, "\(user.logicalName)'s own list \(why)", [kit.evidence(name, ex)]), ex)
        }
        return (kit.passed(name, ex.seconds), ex)
    }

    func foreignList(owner: Identity, attacker: Identity, own: Exchange?) async -> CaseResult {
        let name = "\(attacker.logicalName) lists \(resource.name) with \(owner.logicalName)'s id in the path"
        let call = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(attacker), pathUserID: owner.id)
        guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no list route") }
        if let e = kit.errored(name, ex) { return e }
        let decision = DenialOracle.decide(status: ex.status ?? 0, body: ex.bodyText, viewer: attacker.id, writes: false, deny: deny,
                                           markers: context.markers, what: "listing another user's path", owner: owner.logicalName,
                                           ownStatus: own?.status)
        return judged(name, ex, decision, own: own, ownTitle: "\(attacker.logicalName)'s own list")
    }
}
