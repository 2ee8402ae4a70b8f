/// SC-010: hostile strings in every text field, id position and query parameter. The API must
/// never answer 500, a stored value must come back exactly as sent, and afterwards the user's
/// rows must be exactly the intended ones.
struct Injection: BuiltInCheck {
    static let name = CheckName.injection
    static let title = "hostile strings"

    struct Parameters: ResourceParameters {
        let resource: String
        static let specs: [ParameterSpec] = [
            .resource,
        ]
    }

    static let payloads: [String] = InjectionPayloads.all

    static let harmlessForDelete: Set<String> = InjectionPayloads.harmlessForDelete

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let resource = input.resource(parameters) else { return [kit.skipped(Self.name.rawValue, "the target maps no such resource")] }
        guard let user = input.identities.first else { return [kit.skipped(Self.name.rawValue, "the scenario names no user")] }
        var cases: [CaseResult] = []

        // A plain create first: if even that fails, every "refused" hostile create below would
        // pass for the wrong reason.
        let plainID = await kit.create(resource, as: user)?.id
        if let f = InjectionOracle.plainCreate(id: plainID) {
            return [kit.failed("a plain \(resource.name).create works before hostile ones", 0, f.oracle, f.message, [])]
        }

        // Text fields: each payload stored and read back verbatim.
        for (n, payload) in Self.payloads.enumerated() {
            let name = "hostile text #\(n + 1) in \(resource.textFields.joined(separator: ", ")) is stored verbatim"
            let marker = context.markers.make(owner: user.id, label: user.logicalName)
            var body = JSONObject()
            for f in resource.textFields { body[f] = .string("\(marker) \(payload)") }
            let call = ResourceClient.Call(resource: resource, operation: .create, credentials: kit.credentials(user), pathUserID: user.id, body: .object(body))
            guard let ex = await context.resources.send(call) else { continue }
            if let e = kit.errored(name, ex) { cases.append(e); continue }
            let status = ex.status ?? 0
            let id: String
            switch InjectionOracle.createAnswer(status: status, id: context.resources.object(in: ex.json, resource)?["id"].map(ResourceClient.idText)) {
            case .refused:
                cases.append(kit.passed(name, ex.seconds, [kit.evidence(name, ex)])); continue
            case .broken(let f):
                cases.append(kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)])); continue
            case .accepted(let stored):
                id = stored
            }
            context.ledger.record(.create, resource: resource, id: nil, sent: .object(body),
                                  observed: context.resources.object(in: ex.json, resource), owner: user.id)
            if let db = context.database {
                let row: JSONValue?
                do { row = try await db.row(of: resource, id: id) } catch {
                    cases.append(CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds, outcome: .database(error)))
                    continue
                }
                if let f = InjectionOracle.storedRow(row, sent: body, textFields: resource.textFields, status: status, id: id) {
                    // No row: the answer is the proof; a row that differs: the row is.
                    let proof = row.map { [kit.evidence(name, ex), Evidence(.rows, "stored row", JSONWriter.pretty($0))] } ?? [kit.evidence(name, ex)]
                    cases.append(kit.failed(name, ex.seconds, f.oracle, f.message, proof))
                    continue
                }
            }
            cases.append(kit.passed(name, ex.seconds))
        }

        // Id positions and query parameters: refused, never a 500, never another user's data.
        for (n, payload) in Self.payloads.prefix(7).enumerated() {
            // A tautology in a DELETE's id could empty a vulnerable table: deletes get only the
            // payloads that break the syntax and match no row.
            let ops: [Operation] = Self.harmlessForDelete.contains(payload) ? [.get, .delete] : [.get]
            for op in ops where resource.routes[op] != nil {
                let name = "hostile id #\(n + 1) in \(op.rawValue) is refused without a server error"
                let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(user), pathUserID: user.id, id: payload)
                guard let ex = await context.resources.send(call) else { continue }
                cases.append(judgeRefusal(name, ex, kit: kit, viewer: user.id, context: context))
            }
            if resource.routes[.list] != nil {
                let name = "hostile query parameter #\(n + 1) on list causes no server error"
                var call = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(user), pathUserID: user.id)
                call.query = [("status", payload), ("sort", payload), ("q", payload)]
                if let ex = await context.resources.send(call) { cases.append(judgeRefusal(name, ex, kit: kit, viewer: user.id, context: context, allowSuccess: true)) }
            }
        }

        // Afterwards: exactly the intended rows, nothing dropped or added.
        if let db = context.database {
            let name = "the database holds exactly the intended rows afterwards"
            do {
                let table = OwnedTable(schema: resource.schema, table: resource.table, ownerColumn: resource.ownerColumn, hasForeignKey: false)
                let rows = try await db.rows(of: table, owners: [user.id])
                let ids = Set(rows.compactMap { $0[resource.idColumn]?.plainText })
                let expected = Set(context.ledger.entries(owner: user.id, resource: resource.name).filter { !$0.deleted }.map(\.id))
                if let f = InjectionOracle.rowsAfterwards(stored: ids, expected: expected, user: user.logicalName) {
                    cases.append(kit.failed(name, 0, f.oracle, f.message, []))
                } else {
                    cases.append(kit.passed(name, 0, [Evidence(.note, "rows", "\(ids.count) row(s) of \(user.logicalName), as intended")]))
                }
            } catch {
                cases.append(CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .database(error)))
            }
        }
        return cases
    }

    func judgeRefusal(_ name: String, _ ex: Exchange, kit: CheckKit, viewer: String, context: RunContext, allowSuccess: Bool = false) -> CaseResult {
        if let e = kit.errored(name, ex) { return e }
        let leaks = context.markers.foreign(in: ex.bodyText, viewer: viewer)
        if let f = InjectionOracle.refusal(status: ex.status ?? 0, foreignMarkers: leaks.count, allowSuccess: allowSuccess) {
            return kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)])
        }
        return kit.passed(name, ex.seconds)
    }
}
