/// Mass assignment: an owner field (`user_id`, `userId`, `owner_id`) naming another user, put in
/// create and update bodies. Whatever the API answers, the database must show the row owned by
/// the caller.
struct MassAssignment: BuiltInCheck {
    static let name = CheckName.massAssignment
    static let title = "owner fields in request bodies"

    struct Parameters: ResourceParameters {
        let resource: String
        let ownerFields: [String]
        static let specs: [ParameterSpec] = [
            .resource,
            ParameterSpec("ownerFields", .strings, default: ["user_id", "userId", "owner_id", "owner"], "Body fields set to the victim's id."),
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let resource = input.resource(parameters) else { return [kit.skipped("mass assignment", "the target maps no such resource")] }
        let users = input.identities
        guard users.count >= 2 else { return [kit.skipped("mass assignment", "needs two users in the scenario")] }
        guard let db = context.database else { return [kit.noDatabase("mass assignment")] }
        let victim = users[0], caller = users[1]
        let ownerFields = parameters.ownerFields
        var cases: [CaseResult] = []

        for op in [Operation.create, .update] where resource.routes[op] != nil {
            let name = "\(caller.logicalName) \(op.rawValue)s a \(resource.name) naming \(victim.logicalName) as its owner"
            var targetID: String?
            if op == .update {
                let ownID = await kit.create(resource, as: caller)?.id
                if let f = MassAssignmentOracle.updateTarget(id: ownID) {
                    cases.append(kit.failed(name, 0, f.oracle, f.message, [])); continue
                }
                targetID = ownID
            }
            guard var body = kit.taintedBody(resource, owner: caller).objectValue else { continue }
            for f in ownerFields { body[f] = .string(victim.id) }
            let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(caller), pathUserID: caller.id,
                                           id: targetID, body: .object(body))
            guard let ex = await context.resources.send(call) else { continue }
            if let e = kit.errored(name, ex) { cases.append(e); continue }
            let status = ex.status ?? 0
            let id: String
            switch MassAssignmentOracle.answer(operation: op.rawValue, status: status,
                                               id: targetID ?? context.resources.object(in: ex.json, resource)?["id"].map(ResourceClient.idText)) {
            case .refused:
                cases.append(await refused(name, ex, op: op, body: body, ownerFields: ownerFields, targetID: targetID,
                                           resource: resource, caller: caller, kit: kit))
                continue
            case .broken(let f):
                cases.append(kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)])); continue
            case .accepted(let written):
                id = written
            }
            // What the caller may legitimately set: the body without the owner fields.
            var sent = body
            for f in ownerFields { sent[f] = nil }
            var observed = context.resources.object(in: ex.json, resource)
            if op == .create, observed?["id"] == nil { observed = .object(JSONObject([("id", .string(id))])) }
            context.ledger.record(op, resource: resource, id: targetID, sent: .object(sent), observed: observed, owner: caller.id)
            do {
                let row = try await db.row(of: resource, id: id)
                let rows = Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(id)",
                                    row.map(JSONWriter.pretty) ?? "(no row)")
                if let f = MassAssignmentOracle.row(row, operation: op.rawValue, status: status, id: id, idColumn: resource.idColumn,
                                                    table: resource.qualifiedTable,
                                                    caller: .init(id: caller.id, name: caller.logicalName),
                                                    victim: .init(id: victim.id, name: victim.logicalName)) {
                    // No row: nothing to show but the answer; a wrong owner: the row proves it.
                    cases.append(kit.failed(name, ex.seconds, f.oracle, f.message, row == nil ? [kit.evidence(name, ex)] : [kit.evidence(name, ex), rows]))
                } else {
                    cases.append(kit.passed(name, ex.seconds, [rows]))
                }
            } catch {
                cases.append(CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds,
                                        outcome: .database(error)))
            }
        }
        return cases
    }

    /// A refused write, judged against the control: the same body without the owner fields, the
    /// same user, the same operation (on the same object for an update). The control's accepted
    /// write enters the expected-state model like any owner's operation.
    func refused(_ name: String, _ ex: Exchange, op: Operation, body: JSONObject, ownerFields: [String], targetID: String?,
                 resource: Resource, caller: Identity, kit: CheckKit) async -> CaseResult {
        let status = ex.status ?? 0
        var control: Exchange?
        let controlTitle = "the same \(op.rawValue) without \(ownerFields.joined(separator: ", "))"
        if MassAssignmentOracle.needsControl(status: status) {
            if op == .create {
                control = await kit.create(resource, as: caller)?.exchange
            } else {
                var sent = body
                for f in ownerFields { sent[f] = nil }
                let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(caller), pathUserID: caller.id,
                                               id: targetID, body: .object(sent))
                control = await kit.context.resources.send(call)
                if let c = control, let s = c.status, (200..<300).contains(s) {
                    kit.context.ledger.record(op, resource: resource, id: targetID, sent: .object(sent),
                                              observed: kit.context.resources.object(in: c.json, resource), owner: caller.id)
                }
            }
            if let c = control, let e = kit.errored(controlTitle, c) { return CaseResult(name: name, seconds: c.seconds, outcome: e.outcome, evidence: e.evidence) }
        }
        let evidence = [kit.evidence(name, ex)] + (control.map { [kit.evidence(controlTitle, $0)] } ?? [])
        switch MassAssignmentOracle.refusal(operation: op.rawValue, status: status, controlStatus: control?.status) {
        case .provesRule(let note): return kit.passed(name, ex.seconds, evidence + [Evidence(.note, "verdict", note)])
        case .notJudged(let why): return kit.notJudged(name, why, evidence)
        case .broken(let f): return kit.failed(name, ex.seconds, f.oracle, f.message, evidence)
        }
    }
}
