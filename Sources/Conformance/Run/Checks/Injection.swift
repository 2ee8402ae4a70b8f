import ConformanceHTTP

/// SC-010: hostile strings in every text field, id position and published parameter. The API
/// must never answer 500, a stored value must come back exactly as sent, and afterwards the
/// user's rows must be exactly the intended ones. Every hostile probe is judged against the same
/// call with a harmless value: when that one fails too, nothing is judged.
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
        let created = await kit.create(resource, as: user)?.id
        if let f = InjectionOracle.plainCreate(id: created) {
            return [kit.failed("a plain \(resource.name).create works before hostile ones", 0, f.oracle, f.message, [])]
        }
        guard let plainID = created else { return [] }   // plainCreate has failed the check already
        // Another user's object, so that a query a hostile value opens up has something to leak.
        if let bystander = input.identities.dropFirst().first { _ = await kit.create(resource, as: bystander) }
        let published = await publishedRoutes(context)

        cases += await storedVerbatim(resource, user, published: published, kit: kit)
        cases += await hostileIDs(resource, user, plainID: plainID, published: published, kit: kit)
        if published == nil { cases += await guessedQuery(resource, user, kit: kit) }

        // Afterwards: exactly the intended rows, nothing dropped or added.
        let rowsName = "the database holds exactly the intended rows afterwards"
        let expected = { Set(context.ledger.entries(owner: user.id, resource: resource.name).filter { !$0.deleted }.map(\.id)) }
        if context.database != nil {
            do {
                let ids = try await storedIDs(resource, user, context)
                if let f = InjectionOracle.rowsAfterwards(stored: ids, expected: expected(), user: user.logicalName) {
                    cases.append(kit.failed(rowsName, 0, f.oracle, f.message, []))
                } else {
                    cases.append(kit.passed(rowsName, 0, [Evidence(.note, "rows", "\(ids.count) row(s) of \(user.logicalName), as intended")]))
                }
            } catch {
                cases.append(CaseResult(name: rowsName, seconds: 0, outcome: .database(error)))
            }
        }

        // Every parameter of every published route, as the user, against a harmless control.
        if let published {
            var sweep = Sweep(context: context, kit: kit, resource: resource, user: user, plainID: plainID, routes: published)
            cases += await sweep.run()
            if context.database != nil {
                let name = "none of the user's rows is gone after hostile values in every published parameter"
                do {
                    let ids = try await storedIDs(resource, user, context)
                    if let f = InjectionOracle.rowsKept(stored: ids, expected: expected(), user: user.logicalName) {
                        cases.append(kit.failed(name, 0, f.oracle, f.message, []))
                    } else {
                        cases.append(kit.passed(name, 0))
                    }
                } catch {
                    cases.append(CaseResult(name: name, seconds: 0, outcome: .database(error)))
                }
            }
        }
        return cases
    }

    /// The routes of the API's OpenAPI document; nil when it publishes none.
    func publishedRoutes(_ context: RunContext) async -> [OpenAPI.Route]? {
        guard let ex = await context.openAPIExchange(), ex.status == 200, let doc = ex.json else { return nil }
        let routes = OpenAPI.routes(in: doc)
        return routes.isEmpty ? nil : routes
    }

    func storedIDs(_ resource: Resource, _ user: Identity, _ context: RunContext) async throws -> Set<String> {
        guard let db = context.database else { return [] }
        let table = OwnedTable(schema: resource.schema, table: resource.table, ownerColumn: resource.ownerColumn, hasForeignKey: false)
        return Set(try await db.rows(of: table, owners: [user.id]).compactMap { $0[resource.idColumn]?.plainText })
    }

    /// Text fields: each payload stored and read back verbatim.
    func storedVerbatim(_ resource: Resource, _ user: Identity, published: [OpenAPI.Route]?, kit: CheckKit) async -> [CaseResult] {
        let context = kit.context
        let createSchema = PublishedRoutes.published(resource.routes[.create], in: published ?? [])?.body
        var cases: [CaseResult] = []
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
                // The plain create worked; a refusal is right only where the published schema
                // says this text does not fit (too long, a pattern).
                let value = "\(marker) \(payload)"
                let rule = resource.textFields.lazy.compactMap { InjectionOracle.constraint(broken: createSchema?["properties"]?[resource.apiField($0)], by: value) }.first
                if let rule {
                    cases.append(kit.passed(name, ex.seconds, [Evidence(.note, "refused", "\(status): the published schema demands \(rule)"), kit.evidence(name, ex)]))
                } else {
                    cases.append(kit.notJudged(name, "refused with \(status) text that \(createSchema == nil ? "no published schema restricts" : "its published schema accepts"), while the plain create worked: whether it would be stored verbatim is not shown", [kit.evidence(name, ex)]))
                }
                continue
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
                    cases.append(CaseResult(name: name, seconds: ex.seconds, outcome: .database(error)))
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
        return cases
    }

    /// Id positions of the mapped `get` and `delete`: refused, never a 500, never another
    /// user's data — judged against the same operation on a real object of the user's.
    func hostileIDs(_ resource: Resource, _ user: Identity, plainID: String, published: [OpenAPI.Route]?, kit: CheckKit) async -> [CaseResult] {
        let context = kit.context
        var cases: [CaseResult] = []
        for op in [Operation.get, .delete] where resource.routes[op] != nil {
            // The control: the same operation on a real object (for a delete, one made for it).
            // Without an object for it there is no control, and nothing below is judged.
            let controlID = op == .delete ? await kit.create(resource, as: user)?.id : plainID
            var control: Int?
            if let controlID {
                let controlCall = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(user), pathUserID: user.id, id: controlID)
                let controlEx = await context.resources.send(controlCall)
                control = controlEx?.transportError == nil ? controlEx?.status : nil
            }
            if op == .delete, let controlID, let control, (200..<300).contains(control) {
                context.ledger.record(.delete, resource: resource, id: controlID, sent: nil, observed: nil, owner: user.id)
            }
            let idSchema = PublishedRoutes.published(resource.routes[op], in: published ?? []).flatMap { r in
                PublishedRoutes.objectParameters(r).first.flatMap { r.pathInput($0)?.schema }
            }
            // A tautology in a DELETE's id could empty a vulnerable table: deletes get only the
            // payloads that break the syntax and match no row.
            for (n, payload) in Self.payloads.prefix(7).enumerated() where op == .get || Self.harmlessForDelete.contains(payload) {
                let name = "hostile id #\(n + 1) in \(op.rawValue) is refused without a server error"
                let call = ResourceClient.Call(resource: resource, operation: op, credentials: kit.credentials(user), pathUserID: user.id, id: payload)
                guard let ex = await context.resources.send(call) else { continue }
                cases.append(Self.judge(name, ex, control: control, position: .id,
                                        constraint: InjectionOracle.constraint(broken: idSchema, by: payload), viewer: user.id, kit: kit))
            }
        }
        return cases
    }

    /// Without a published document the list's query parameters are guessed (`status`, `sort`,
    /// `q`): an app ignores names it does not know, so only a failure can be judged here.
    func guessedQuery(_ resource: Resource, _ user: Identity, kit: CheckKit) async -> [CaseResult] {
        guard resource.routes[.list] != nil else { return [] }
        var cases: [CaseResult] = []
        for (n, payload) in Self.payloads.prefix(7).enumerated() {
            let name = "hostile query parameter #\(n + 1) on list causes no server error"
            var call = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(user), pathUserID: user.id)
            call.query = [("status", payload), ("sort", payload), ("q", payload)]
            guard let ex = await kit.context.resources.send(call) else { continue }
            if let e = kit.errored(name, ex) { cases.append(e); continue }
            let leaks = kit.context.markers.leaked(in: ex, viewer: user.id)
            if let f = InjectionOracle.refusal(status: ex.status ?? 0, foreignMarkers: leaks.count, allowSuccess: true) {
                cases.append(kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)]))
            } else {
                cases.append(kit.notJudged(name, "the API publishes no OpenAPI document: a parameter it may not read, answered \(ex.status ?? 0), proves nothing", [kit.evidence(name, ex)]))
            }
        }
        return cases
    }

    static func judge(_ name: String, _ ex: Exchange, control: Int?, position: InjectionOracle.Position, constraint: String?,
                      viewer: String, kit: CheckKit) -> CaseResult {
        if let e = kit.errored(name, ex) { return e }
        let leaks = kit.context.markers.leaked(in: ex, viewer: viewer)
        switch InjectionOracle.probe(status: ex.status ?? 0, control: control, leaks: leaks.count, position: position, constraint: constraint) {
        case .failed(let f): return kit.failed(name, ex.seconds, f.oracle, f.message, [kit.evidence(name, ex)])
        case .notJudged(let why): return kit.notJudged(name, why, [kit.evidence(name, ex)])
        case .passed(let note): return kit.passed(name, ex.seconds, note.map { [Evidence(.note, "refused", $0)] } ?? [])
        }
    }
}

/// The hostile values in every parameter of every published route — path, query, JSON body —
/// sent as the user, each route first called with harmless values as the control.
private struct Sweep {
    let context: RunContext
    let kit: CheckKit
    let resource: Resource
    let user: Identity
    let plainID: String
    let routes: [OpenAPI.Route]

    /// One place a hostile value goes.
    enum Slot {
        case path(String), query(OpenAPI.Parameter), body(String)
        var label: String {
            switch self {
            case .path(let p): return "path parameter \(p)"
            case .query(let q): return "query parameter \(q.name)"
            case .body(let f): return "body field \(f)"
            }
        }
    }

    mutating func run() async -> [CaseResult] {
        var cases: [CaseResult] = []
        let collections = Set(resource.routes.values.compactMap { RouteScanOracle.segmentBeforeObject($0.path) { $0 == "id" } })
        // Places the check already probed through the target's mapping.
        let create = PublishedRoutes.published(resource.routes[.create], in: routes)
        let idProbed = [resource.routes[.get], resource.routes[.delete]].compactMap { PublishedRoutes.published($0, in: routes) }
        for route in routes {
            // Sign-up, sign-in, token: a harmless control there would create an account that
            // no clean-up finds, and their answers to anyone are by design. Nothing is sent.
            if PublishedRoutes.isIdentity(route, target: context.target) {
                cases.append(kit.skipped("hostile values in the parameters of \(route.description)",
                                         "an identity route (sign-up, sign-in, token): the sweep sends it nothing, so that no account is created outside the run's test users"))
                continue
            }
            let writes = route.method != "GET"
            let fits = RouteScanOracle.fits(route.path, collection: collections)
            var slots: [Slot] = []
            let objects = PublishedRoutes.objectParameters(route)
            for p in route.parameters {
                // A DELETE's only hostile values go into its object id; the mapped ones are done.
                if route.method == "DELETE", !objects.contains(p) { continue }
                if objects.first == p, idProbed.contains(route) { continue }
                slots.append(.path(p))
            }
            if route.method != "DELETE" {
                slots += route.query.map(Slot.query)
                if route != create, let schema = route.body { slots += SchemaSample.textFields(schema).map(Slot.body) }
            }
            guard !slots.isEmpty else { continue }

            // The control. A delete consumes its object: each delete gets a fresh one.
            var object: String? = fits || !writes ? plainID : nil
            if route.method == "DELETE", fits { object = await kit.create(resource, as: user)?.id }
            let controlEx = await send(route, object: object, slot: nil, value: nil)
            let control = controlEx.transportError == nil ? controlEx.status : nil
            if route.method == "DELETE", let id = object, let c = control, (200..<300).contains(c) {
                // The user's own delete through a route that fits the resource: the row is gone by intent.
                context.ledger.record(.delete, resource: resource, id: id, sent: nil, observed: nil, owner: user.id)
            }

            for slot in slots {
                for (n, payload) in InjectionPayloads.all.prefix(7).enumerated() {
                    // In a write, a tautology outside the body could rewrite every row of a
                    // vulnerable table: there only the payloads that match nothing go.
                    if writes, !isBody(slot), !InjectionPayloads.harmlessForDelete.contains(payload) { continue }
                    let name = "hostile value #\(n + 1) in \(slot.label) of \(route.description) causes no error and no leak"
                    let value = isBody(slot) ? "\(context.markers.make(owner: user.id, label: user.logicalName)) \(payload)" : payload
                    let ex = await send(route, object: object, slot: slot, value: value)
                    cases.append(Injection.judge(name, ex, control: control, position: position(slot, route),
                                                 constraint: InjectionOracle.constraint(broken: schema(slot, route), by: value),
                                                 viewer: user.id, kit: kit))
                }
            }
        }
        return cases
    }

    func isBody(_ slot: Slot) -> Bool { if case .body = slot { return true } else { return false } }

    func position(_ slot: Slot, _ route: OpenAPI.Route) -> InjectionOracle.Position {
        if case .path(let p) = slot, PublishedRoutes.objectParameters(route).contains(p) { return .id }
        return .text
    }

    func schema(_ slot: Slot, _ route: OpenAPI.Route) -> JSONValue? {
        switch slot {
        case .path(let p): return route.pathInput(p)?.schema
        case .query(let q): return q.schema
        case .body(let f): return route.body?["properties"]?[f]
        }
    }

    /// The route called as the user with harmless values everywhere but `slot`.
    func send(_ route: OpenAPI.Route, object: String?, slot: Slot?, value: String?) async -> Exchange {
        let harmless = context.markers.make(owner: user.id, label: user.logicalName)
        var overrides: [String: String] = [:]
        if case .path(let p) = slot, let value { overrides[p] = value }
        let path = PublishedRoutes.path(route, userID: user.id, object: object, absentID: resource.absentID, overrides: overrides)
        var query: [(String, String)] = []
        for q in route.query {
            if case .query(let target) = slot, target == q, let value { query.append((q.name, value)); continue }
            guard q.required else { continue }
            query.append((q.name, PublishedRoutes.queryValue(q, userID: user.id, objectID: object, absentID: resource.absentID, text: harmless,
                                                             email: context.pool.emails.address(for: "sample"))))
        }
        var body: [UInt8]?
        if route.method != "DELETE", let schema = route.body {
            let markers = context.markers
            let owner = user
            var sample = SchemaSample(text: { _ in markers.make(owner: owner.id, label: owner.logicalName) }, userID: user.id, objectID: object,
                                      email: context.pool.emails.address(for: "sample")).body(schema)
            if case .body(let f) = slot, let value, case .object(var o)? = sample { o[f] = .string(value); sample = .object(o) }
            body = sample.map(HTTPSession.jsonBody)
        }
        let url = PublishedRoutes.url(context.target.apiURL, path, query: query)
        return await context.http.send(route.method, url, headers: PublishedRoutes.headers(user.credential, body: body != nil), body: body)
    }
}
