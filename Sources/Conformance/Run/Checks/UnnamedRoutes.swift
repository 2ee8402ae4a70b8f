import ConformanceHTTP

/// Routes nobody named: every route the API publishes in OpenAPI is probed without credentials,
/// with broken ones, across users where it takes an id, and by each user with their own ids while
/// scanning for other users' markers. Routes the target does not map are listed by name.
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
        let resource = input.resource(parameters)
        let users = input.identities
        guard let owner = users.first else { return [kit.skipped("routes in OpenAPI", "the scenario names no user")] }
        let other = users.dropFirst().first
        var publicRoutes = Set(context.target.publicRoutes.map { $0.uppercased() })
        for p in parameters.publicRoutes { publicRoutes.insert(p.uppercased()) }

        // Objects to aim at: one per user, tainted.
        var objectOf: [String: String] = [:]
        var cases: [CaseResult] = []
        if let resource {
            for u in users.prefix(2) {
                if let c = await kit.create(resource, as: u), let id = c.id { objectOf[u.id] = id; continue }
                // Without a tainted object the marker oracle is blind on this user's ids.
                cases.append(kit.failed("\(u.logicalName) creates a \(resource.name) to aim at", 0, .setupFailed,
                                        "the create did not return an object; routes are probed without \(u.logicalName)'s data", []))
            }
        }
        let ownRoutes = Set(resource?.routes.values.map { normalise($0.description) } ?? [])
        let mapped = Set((context.target.resources.values.flatMap { r in r.routes.values.map { normalise($0.description) } }))
        let unmapped = routes.filter { !mapped.contains(normalise($0.description)) }
        cases.append(kit.passed("routes the target does not map", 0,
                                [Evidence(.note, "\(unmapped.count) of \(routes.count) route(s) not mapped", unmapped.map(\.description).joined(separator: "\n"))]))

        for route in routes {
            let key = "\(route.method) \(route.path)".uppercased()
            let isPublic = publicRoutes.contains(key)
            // Writes aim only at objects this run created, through the routes of their own
            // resource; anywhere else they get an id no object has, so that a broken app cannot
            // be made to change a real user's data.
            let aimsAtOurs = route.method == "GET" || ownRoutes.contains(normalise(route.description))
            func url(user: Identity, objectOwner: Identity) -> String {
                var p = route.path
                for param in route.parameters {
                    let ours = aimsAtOurs ? objectOf[objectOwner.id] : nil
                    let value = param.lowercased().contains("user") ? user.id : (ours ?? resource?.absentID ?? "0")
                    p = p.replacingOccurrences(of: "{\(param)}", with: URLPath.escape(value))
                }
                return Target.join(context.target.apiURL, p)
            }
            let body: [UInt8]? = ["POST", "PUT", "PATCH"].contains(route.method)
                ? resource.map { HTTPSession.jsonBody(kit.taintedBody($0, owner: owner)) } : nil
            let headers = body == nil ? [] : [HTTPHeader("Content-Type", "application/json")]

            // Without credentials, and with a malformed header.
            for (label, credential) in [("without credentials", Credential.none), ("with a malformed token", .rawAuthorization("Bearer not-a-token"))] {
                let name = "\(route.description) \(label)"
                let ex = await context.http.send(route.method, url(user: owner, objectOwner: owner), headers: credential.adding(to: headers), body: body)
                if let e = kit.errored(name, ex) { cases.append(e); continue }
                let sent = ex.requestText
                let leaks = context.markers.found(in: ex.bodyText).filter { !sent.contains($0.marker) }
                switch UnauthenticatedOracle.judge(method: route.method, status: ex.status ?? 0, markers: leaks.count, declaredPublic: isPublic, how: label) {
                case .breach(let oracle, let message): cases.append(kit.failed(name, ex.seconds, oracle, message, [kit.evidence(name, ex)]))
                case .publicRoute(let note): cases.append(kit.passed(name, ex.seconds, [Evidence(.note, "public", note)]))
                case .refused: cases.append(kit.passed(name, ex.seconds))
                }
            }

            // Across users: the other user's token aimed at the owner's object or path — only
            // where every id in the path is one of the owner's own (else nothing can be judged).
            let idParams = route.parameters.filter { !$0.lowercased().contains("user") }
            let aimable = idParams.isEmpty || (aimsAtOurs && objectOf[owner.id] != nil)
            if let other, !route.parameters.isEmpty, !isPublic, aimable {
                let name = "\(route.description) as \(other.logicalName) on \(owner.logicalName)'s ids"
                let ex = await context.http.send(route.method, url(user: owner, objectOwner: owner), headers: other.credential.adding(to: headers), body: body)
                if let e = kit.errored(name, ex) { cases.append(e) }
                else if let v = DenialOracle.judge(status: ex.status ?? 0, body: ex.bodyText, viewer: other.id, writes: route.method != "GET",
                                                   deny: context.target.denyStatuses, markers: context.markers,
                                                   what: "\(route.method) on another user's ids", owner: owner.logicalName) {
                    cases.append(kit.failed(name, ex.seconds, v.oracle, v.message, [kit.evidence(name, ex)]))
                } else {
                    cases.append(kit.passed(name, ex.seconds))
                }
            }

            // Readable routes called by each user with their own ids: no other user's markers.
            if route.method == "GET" {
                for u in users.prefix(2) {
                    let name = "\(route.description) as \(u.logicalName) shows only \(u.logicalName)'s data"
                    let ex = await context.http.send("GET", url(user: u, objectOwner: u), headers: u.credential.adding(to: []))
                    if let e = kit.errored(name, ex) { cases.append(e); continue }
                    let leaks = context.markers.foreign(in: ex.bodyText, viewer: u.id)
                    if !leaks.isEmpty {
                        cases.append(kit.failed(name, ex.seconds, .crossUserRead, "returned \(leaks.count) marker(s) of other users", [kit.evidence(name, ex)]))
                    } else if let why = OwnCallOracle.refusal(status: ex.status ?? 0) {
                        // The user's own call was refused: an empty answer proves nothing about leaks.
                        cases.append(kit.notJudged(name, "\(u.logicalName)'s own call \(why)", [kit.evidence(name, ex)]))
                    } else {
                        cases.append(kit.passed(name, ex.seconds))
                    }
                }
            }
        }
        return cases
    }

    /// `GET /api/{user_id}/tasks/{task_id}` and `GET /api/{userId}/tasks/{id}` are the same route.
    func normalise(_ route: String) -> String {
        var out = ""
        var inParam = false
        for c in route {
            if c == "{" { inParam = true; out += "{}" } else if c == "}" { inParam = false } else if !inParam { out.append(c) }
        }
        return out.uppercased()
    }
}
