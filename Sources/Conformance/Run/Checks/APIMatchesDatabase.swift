/// SC-007: after every write the API's answer and the stored row agree field by field
/// (timestamps included), and a user's list equals that user's rows — no more (a leak), no fewer
/// (a lost write).
struct APIMatchesDatabase: BuiltInCheck {
    static let name = CheckName.apiMatchesDatabase
    static let title = "API lists equal the database"

    struct Parameters: ResourceParameters {
        let resource: String
        static let specs: [ParameterSpec] = [
            .resource,
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let resource = input.resource(parameters) else { return [kit.skipped("API = database", "the target maps no such resource")] }
        guard let user = input.identities.first else { return [kit.skipped("API = database", "the scenario names no user")] }
        guard let db = context.database else { return [kit.noDatabase("API = database")] }
        var cases: [CaseResult] = []

        let created = await kit.create(resource, as: user)
        if let f = APIDatabaseOracle.created(id: created?.id) {
            return [kit.failed("create \(resource.name) as \(user.logicalName)", 0, f.oracle, f.message, [])]
        }
        guard let created, let id = created.id else { return cases }  // not reached: without an id the oracle failed the setup
        cases.append(await compare("after create", created.exchange, .create, id: id))

        var writes: [(String, Operation, JSONValue?)] = []
        if resource.routes[.update] != nil { writes.append(("after update", .update, kit.taintedBody(resource, owner: user))) }
        if resource.routes[.toggle] != nil {
            let body: JSONValue? = resource.toggleSends.map { .object(JSONObject([($0, .bool(true))])) }
            writes.append(("after toggle", .toggle, body))
        }
        if resource.routes[.get] != nil { writes.append(("on read", .get, nil)) }
        for (label, op, body) in writes {
            let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(user), pathUserID: user.id, id: id, body: body)
            guard let ex = await context.resources.send(call) else { continue }
            if (200..<300).contains(ex.status ?? 0) {
                context.ledger.record(op, resource: resource, id: id, sent: body, observed: context.resources.object(in: ex.json, resource), owner: user.id)
            }
            cases.append(await compare(label, ex, op, id: id))
        }
        cases.append(await compareList(user: user))
        return cases

        func compare(_ label: String, _ ex: Exchange, _ op: Operation, id: String) async -> CaseResult {
            let name = "\(resource.name).\(op.rawValue): API answer equals the stored row \(label)"
            if let e = kit.errored(name, ex) { return e }
            let evidence = kit.evidence(name, ex)
            let api: JSONObject
            switch APIDatabaseOracle.answer(operation: op, status: ex.status ?? 0,
                                            object: context.resources.object(in: ex.json, resource)?.objectValue, resource: resource.name) {
            case .broken(let f): return kit.failed(name, ex.seconds, f.oracle, f.message, [evidence])
            case .skip(let reason): return kit.skipped(name, reason)
            case .compare(let object): api = object
            }
            do {
                let row = try await db.row(of: resource, id: id)?.objectValue
                // The row is part of the proof whenever there is one (no row: the answer alone).
                let rows = row.map { [Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(id)", JSONWriter.pretty(.object($0)))] } ?? []
                let exact = Set(resource.textFields)
                // Equal in another representation: said, so that a judge sees what was taken as equal.
                let equivalent = row.map { FieldComparison.equivalences(api: api, row: $0, exact: exact) } ?? []
                let notes = equivalent.isEmpty ? [] : [Evidence(.note, "stored in another representation, equal", equivalent.joined(separator: "\n"))]
                if let f = APIDatabaseOracle.row(api: api, row: row, id: id, idColumn: resource.idColumn, table: resource.qualifiedTable, exact: exact) {
                    return kit.failed(name, ex.seconds, f.oracle, f.message, [evidence] + rows + notes)
                }
                let compared = api.keys.filter { row?[$0] != nil }
                return kit.passed(name, ex.seconds, [Evidence(.note, "fields compared", compared.joined(separator: ", "))] + notes + rows)
            } catch {
                return CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds,
                                  outcome: .database(error))
            }
        }

        func compareList(user: Identity) async -> CaseResult {
            let name = "\(resource.name).list of \(user.logicalName) equals \(user.logicalName)'s rows"
            let call = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(user), pathUserID: user.id)
            guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no list route") }
            if let e = kit.errored(name, ex) { return e }
            guard let items = context.resources.list(in: ex.json, resource) else {
                let f = APIDatabaseOracle.noList()
                return kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)])
            }
            do {
                let table = OwnedTable(schema: resource.schema, table: resource.table, ownerColumn: resource.ownerColumn, hasForeignKey: false)
                let rows = try await db.rows(of: table, owners: [user.id])
                let apiIDs = Set(items.compactMap { $0["id"]?.plainText })
                let dbIDs = Set(rows.compactMap { $0[resource.idColumn]?.plainText })
                if let f = APIDatabaseOracle.list(api: apiIDs, database: dbIDs, user: user.logicalName) {
                    return kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)])
                }
                return kit.passed(name, ex.seconds)
            } catch {
                return CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds,
                                  outcome: .database(error))
            }
        }
    }
}
