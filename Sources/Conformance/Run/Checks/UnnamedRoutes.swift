import ConformanceHTTP

/// Routes nobody named: every route the API publishes in OpenAPI is probed without credentials,
/// with broken ones, across users where it takes an id, and by each user with their own ids and
/// token while scanning for other users' markers. Bodies and required query parameters are built
/// from the route's own schema, so that the probe reaches the handler; write routes whose path
/// fits a mapped resource are aimed at real objects of the run's own users, one fresh object per
/// probe, and the database audit judges what happened to them.
struct UnnamedRoutes: BuiltInCheck {
    static let name = CheckName.unnamedRoutes
    static let title = "routes found in OpenAPI"

    struct Parameters: ResourceParameters {
        let resource: String
        let publicRoutes: [String]
        static let specs: [ParameterSpec] = [
            .resource,
            ParameterSpec("publicRoutes", .strings, default: [], "`\"METHOD /path\"` routes that may answer without credentials, added to the target's `api.publicRoutes`."),
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let path = context.target.openAPIPath, let docEx = await context.openAPIExchange() else {
            return [kit.skipped("routes in OpenAPI", "the target says the API publishes no OpenAPI")]
        }
        if let e = kit.errored("routes in OpenAPI", docEx) { return [e] }
        guard docEx.status == 200, let doc = docEx.json else {
            return [kit.skipped("routes in OpenAPI", "\(path) answered \(docEx.status ?? 0): routes nobody named cannot be discovered")]
        }
        let routes = OpenAPI.routes(in: doc)
        let users = Array(input.identities.prefix(2))
        guard !users.isEmpty else { return [kit.skipped("routes in OpenAPI", "the scenario names no user")] }
        var publicRoutes = Set(context.target.publicRoutes.map { $0.uppercased() })
        for p in parameters.publicRoutes { publicRoutes.insert(p.uppercased()) }
        var scan = Scan(context: context, kit: kit, resource: input.resource(parameters), users: users)

        // Objects to aim at: one per user, tainted.
        var cases: [CaseResult] = []
        if let resource = scan.resource {
            for u in users {
                if let id = await scan.fresh(of: u) { scan.objectOf[u.id] = id; continue }
                // Without a tainted object the marker oracle is blind on this user's ids.
                cases.append(kit.failed("\(u.logicalName) creates a \(resource.name) to aim at", 0, .setupFailed,
                                        "the create did not return an object; routes are probed without \(u.logicalName)'s data", []))
            }
        }
        let mapped = Set((context.target.resources.values.flatMap { r in r.routes.values.map { PublishedRoutes.shape($0.description) } }))
        let unmapped = routes.filter { !mapped.contains(PublishedRoutes.shape($0.description)) }
        // For information only: a list, not a probe, so it is never counted as judged.
        cases.append(CaseResult(name: "routes the target does not map", seconds: 0,
                                outcome: .skipped("for information: \(unmapped.count) of \(routes.count) route(s) not mapped; each is probed below"),
                                evidence: [Evidence(.note, "\(unmapped.count) of \(routes.count) route(s) not mapped", unmapped.map(\.description).joined(separator: "\n"))]))

        for route in routes {
            let isPublic = publicRoutes.contains("\(route.method) \(route.path)".uppercased())
            // A sign-up or sign-in route answers without credentials by design, and a body its
            // schema accepts would create an account the run cannot clean up: not probed here
            // (customAuthRoutes reports such routes for SC-011).
            if route.method != "GET", PublishedRoutes.isIdentity(route, target: context.target) {
                cases.append(kit.skipped("\(route.description) without credentials", "an identity route (sign-up, sign-in, token): it answers anyone by design"))
                continue
            }
            cases += route.method == "GET"
                ? await scan.read(route, isPublic: isPublic)
                : await scan.write(route, isPublic: isPublic)
        }
        cases += await scan.audit()
        return cases
    }
}

/// One scan's state: the users, their objects, and the objects the write probes were aimed at
/// (audited at the end). Sends and judges each route's probes.
private struct Scan {
    let context: RunContext
    let kit: CheckKit
    let resource: Resource?
    let users: [Identity]
    var objectOf: [String: String] = [:]
    /// Objects whose rows must be exactly as their owners left them when the scan ends.
    var audited: Set<String> = []
    /// Collection segments of the resource's per-object routes (`tasks` of `/api/{userId}/tasks/{id}`).
    let collections: Set<String>

    init(context: RunContext, kit: CheckKit, resource: Resource?, users: [Identity]) {
        self.context = context
        self.kit = kit
        self.resource = resource
        self.users = users
        collections = Set(resource?.routes.values.compactMap { RouteScanOracle.segmentBeforeObject($0.path) { $0 == "id" } } ?? [])
    }

    var owner: Identity { users[0] }
    var other: Identity? { users.dropFirst().first }

    /// A new tainted object of `user`, recorded in the expected-state model and audited.
    mutating func fresh(of user: Identity) async -> String? {
        guard let resource, let id = await kit.create(resource, as: user)?.id else { return nil }
        audited.insert(id)
        return id
    }

    /// What goes into one request of a probe.
    struct Values {
        var pathUser: Identity
        /// The object in the route's first object parameter; nil: an id no object has.
        var object: String?
        /// Free-text query values: a term that matches the run's records.
        var search: String
        /// Id-like query values: another user's object.
        var foreignObject: String?
        /// Optional query parameters filled as well (the second own-ids probe).
        var allQuery = false
    }

    func objectParameters(_ route: OpenAPI.Route) -> [String] { PublishedRoutes.objectParameters(route) }

    func url(_ route: OpenAPI.Route, _ v: Values) -> String {
        let absent = resource?.absentID ?? "0"
        let path = PublishedRoutes.path(route, userID: v.pathUser.id, object: v.object, absentID: absent)
        let query = route.query.filter { $0.required || (v.allQuery && SchemaSample.isFreeText($0.schema)) }.map {
            ($0.name, PublishedRoutes.queryValue($0, userID: v.pathUser.id, objectID: v.foreignObject, absentID: absent, text: v.search,
                                                 email: context.pool.emails.address(for: "sample")))
        }
        return PublishedRoutes.url(context.target.apiURL, path, query: query)
    }

    /// A body for a write, built from the route's schema, its text carrying the sender's markers
    /// (nobody's for an anonymous probe); nil when the route declares none.
    func body(_ route: OpenAPI.Route, sender: Identity?, _ v: Values) -> [UInt8]? {
        guard let schema = route.body else { return nil }
        let markers = context.markers
        let sample = SchemaSample(text: { _ in markers.make(owner: sender?.id, label: sender?.logicalName ?? "anon") },
                                  userID: v.pathUser.id, objectID: v.object, email: context.pool.emails.address(for: "sample"))
        return sample.body(schema).map(HTTPSession.jsonBody)
    }

    func send(_ route: OpenAPI.Route, _ credential: Credential, sender: Identity?, _ v: Values) async -> Exchange {
        let body = body(route, sender: sender, v)
        return await context.http.send(route.method, url(route, v), headers: PublishedRoutes.headers(credential, body: body != nil), body: body)
    }

    // MARK: reads

    mutating func read(_ route: OpenAPI.Route, isPublic: Bool) async -> [CaseResult] {
        var cases: [CaseResult] = []
        let prefix = context.markers.prefix
        func values(_ u: Identity, allQuery: Bool = false, search: String? = nil) -> Values {
            let others = users.filter { $0.id != u.id }.compactMap { objectOf[$0.id] }
            return Values(pathUser: u, object: objectOf[u.id], search: search ?? prefix, foreignObject: others.first, allQuery: allQuery)
        }
        // Each user with their own ids and token first: that call is also the legitimate
        // counterpart the refusals below are judged against.
        var control: Int?
        for u in users {
            let name = "\(route.description) as \(u.logicalName) shows only \(u.logicalName)'s data"
            let status = await ownRead(route, name, u, values(u), into: &cases)
            if u.id == owner.id { control = status }
            // A search or filter that ignores the owner shows itself when given what other
            // users' records hold: every free-text parameter set to another user's text.
            if route.query.contains(where: { SchemaSample.isFreeText($0.schema) }), let text = foreignText(for: u) {
                let named = "\(route.description) as \(u.logicalName) searching for another user's text shows only \(u.logicalName)'s data"
                _ = await ownRead(route, named, u, values(u, allQuery: true, search: text), into: &cases)
            }
        }
        cases += await anonymous(route, isPublic: isPublic, values(owner), control: control)
        // Across users: the other user's token on the owner's ids, where every id is one.
        if let other, !route.parameters.isEmpty, !isPublic, objectParameters(route).isEmpty || objectOf[owner.id] != nil {
            cases.append(await across(route, other: other, values(owner), control: control))
        }
        return cases
    }

    /// A search term only another user's object holds: its marker without the leading `cf`. A
    /// search by substring finds it, the answer then holds the whole marker — which the
    /// request did not carry, so it counts as a leak; an answer that merely echoes the term
    /// holds no marker at all. (The whole marker as the term would be excused as an echo.)
    func foreignText(for u: Identity) -> String? {
        guard let resource, let o = users.first(where: { $0.id != u.id }), let id = objectOf[o.id],
              let entry = context.ledger.entry(resource: resource.name, id: id),
              let marker = resource.textFields.lazy.compactMap({ entry.fields[$0]?.stringValue }).first,
              marker.hasPrefix("cf") else { return nil }
        return String(marker.dropFirst(2))
    }

    /// The user's own call, scanned for other users' markers; its status for the control.
    func ownRead(_ route: OpenAPI.Route, _ name: String, _ u: Identity, _ v: Values, into cases: inout [CaseResult]) async -> Int? {
        let ex = await send(route, u.credential, sender: u, v)
        if let e = kit.errored(name, ex) { cases.append(e); return nil }
        let leaks = context.markers.leaked(in: ex, viewer: u.id)
        if !leaks.isEmpty {
            cases.append(kit.failed(name, ex.seconds, .crossUserRead, "returned \(leaks.count) marker(s) of other users", [kit.evidence(name, ex)]))
        } else if let why = OwnCallOracle.refusal(status: ex.status ?? 0) {
            // The user's own call was refused: an empty answer proves nothing about leaks.
            cases.append(kit.notJudged(name, "\(u.logicalName)'s own call \(why)", [kit.evidence(name, ex)]))
        } else {
            cases.append(kit.passed(name, ex.seconds))
        }
        return ex.status
    }

    // MARK: writes

    /// Write routes: where the path fits the resource, every probe gets a fresh object of the
    /// owner (never anyone else's data) and the audit judges it; elsewhere an id no object has.
    mutating func write(_ route: OpenAPI.Route, isPublic: Bool) async -> [CaseResult] {
        let fits = resource != nil && RouteScanOracle.fits(route.path, collection: collections)
        let aimed = !objectParameters(route).isEmpty
        var cases: [CaseResult] = []
        // The legitimate counterpart: the owner on an object of their own, with a body built the
        // same way. Its object is not audited: the expected-state model cannot know what an
        // unnamed route is meant to do to it.
        var controlObject: String?
        if aimed, fits {
            controlObject = await fresh(of: owner)
            if let id = controlObject { audited.remove(id) }
        }
        let controlEx = await send(route, owner.credential, sender: owner, Values(pathUser: owner, object: controlObject, search: context.markers.prefix))
        let control = controlEx.transportError == nil ? controlEx.status : nil

        let target = Values(pathUser: owner, object: nil, search: context.markers.prefix)
        var anon = target
        if aimed, fits { anon.object = await fresh(of: owner) }
        cases += await anonymous(route, isPublic: isPublic, anon, control: control, fresh: aimed && fits)
        // Across users only where the path names the owner or their object: without path
        // parameters the other user's call is simply theirs.
        if let other, !route.parameters.isEmpty, !isPublic, !aimed || fits {
            var v = target
            if aimed { v.object = await fresh(of: owner) }
            if !aimed || v.object != nil { cases.append(await across(route, other: other, v, control: control)) }
        }
        return cases
    }

    // MARK: the hostile probes

    /// Without credentials and with a malformed token; a write that fits gets a fresh object each.
    mutating func anonymous(_ route: OpenAPI.Route, isPublic: Bool, _ first: Values, control: Int?, fresh refill: Bool = false) async -> [CaseResult] {
        var cases: [CaseResult] = []
        var v = first
        for (n, (label, credential)) in [("without credentials", Credential.none), ("with a malformed token", .rawAuthorization("Bearer not-a-token"))].enumerated() {
            if n > 0, refill { v.object = await fresh(of: owner) }
            let name = "\(route.description) \(label)"
            let ex = await send(route, credential, sender: nil, v)
            if let e = kit.errored(name, ex) { cases.append(e); continue }
            let status = ex.status ?? 0
            let leaks = context.markers.leaked(in: ex, viewer: nil)
            switch UnauthenticatedOracle.judge(method: route.method, status: status, markers: leaks.count, declaredPublic: isPublic, how: label) {
            case .breach(let oracle, let message): cases.append(kit.failed(name, ex.seconds, oracle, message, [kit.evidence(name, ex)]))
            case .publicRoute(let note): cases.append(kit.passed(name, ex.seconds, [Evidence(.note, "public", note)]))
            case .refused:
                if let why = RouteScanOracle.unproven(status: status, control: control, probe: .anonymous) {
                    cases.append(kit.notJudged(name, why, [kit.evidence(name, ex)]))
                } else {
                    cases.append(kit.passed(name, ex.seconds))
                }
            }
        }
        return cases
    }

    /// The other user's token on the owner's path and object.
    func across(_ route: OpenAPI.Route, other: Identity, _ v: Values, control: Int?) async -> CaseResult {
        let name = "\(route.description) as \(other.logicalName) on \(owner.logicalName)'s ids"
        let ex = await send(route, other.credential, sender: other, v)
        if let e = kit.errored(name, ex) { return e }
        let status = ex.status ?? 0
        let writes = route.method != "GET"
        // The body carries only the sender's own markers, so an echo of it is no leak.
        if let verdict = DenialOracle.judge(status: status, body: ex.bodyText, viewer: other.id, writes: writes,
                                            deny: context.target.denyStatuses, markers: context.markers,
                                            what: "\(route.method) on another user's ids", owner: owner.logicalName) {
            // A wrong refusal status to a route that refuses its owner too is no finding.
            if verdict.oracle == .denialStatus, !(200..<300).contains(status), let why = RouteScanOracle.unproven(status: status, control: control, probe: .crossUser) {
                return kit.notJudged(name, why, [kit.evidence(name, ex)])
            }
            return kit.failed(name, ex.seconds, verdict.oracle, verdict.message, [kit.evidence(name, ex)])
        }
        if let why = RouteScanOracle.unproven(status: status, control: control, probe: .crossUser) { return kit.notJudged(name, why, [kit.evidence(name, ex)]) }
        return kit.passed(name, ex.seconds)
    }

    // MARK: the database

    /// Every object a probe was aimed at must be exactly as its owner left it, and no row of the
    /// users may hold another user's marker — whatever the answers said.
    func audit() async -> [CaseResult] {
        guard let resource, !audited.isEmpty else { return [] }
        let name = "the database after the route probes holds the users' \(resource.name) as they left them"
        guard context.database != nil else { return [kit.noDatabase(name)] }
        let audit = DatabaseAudit(context: context)
        do {
            let owners = users.map(\.id)
            let findings = try await audit.findings(resource: resource, owners: Set(owners), ids: audited)
                + audit.strayRows(resource: resource, owners: owners)
            guard findings.isEmpty else { return [CaseResult(name: name, seconds: 0, outcome: .failed(findings))] }
            return [kit.passed(name, 0, [Evidence(.note, "audited", "\(audited.count) \(resource.name) the probes were aimed at are as their owners left them")])]
        } catch {
            return [CaseResult(name: name, seconds: 0, outcome: .database(error))]
        }
    }
}
