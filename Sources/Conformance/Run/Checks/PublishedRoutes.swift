import ConformanceHTTP

/// Requests for routes the API publishes in OpenAPI, shared by the route scan and the injection
/// sweep: path parameters that name a user get a user's id, the first object parameter an object
/// (nested ones an id no object has), query parameters their given or sampled values.
enum PublishedRoutes {
    /// Path parameters that address objects, not users.
    static func objectParameters(_ route: OpenAPI.Route) -> [String] { route.parameters.filter { !RouteScanOracle.namesUser($0) } }

    /// The path with every parameter filled; `overrides` wins (a hostile value in one place).
    static func path(_ route: OpenAPI.Route, userID: String, object: String?, absentID: String, overrides: [String: String] = [:]) -> String {
        var p = route.path
        let firstObject = objectParameters(route).first
        for param in route.parameters {
            let value = overrides[param]
                ?? (RouteScanOracle.namesUser(param) ? userID : (param == firstObject ? object : nil) ?? absentID)
            p = p.replacingOccurrences(of: "{\(param)}", with: URLPath.escape(value))
        }
        return p
    }

    static func url(_ base: String, _ path: String, query: [(String, String)]) -> String {
        let u = Target.join(base, path)
        return query.isEmpty ? u : u + "?" + query.map { "\(URLPath.escape($0.0))=\(URLPath.escape($0.1))" }.joined(separator: "&")
    }

    /// A value for a query parameter: a user's id where it names a user, an object id where it
    /// names one, else a value its schema accepts with `text` for free text.
    static func queryValue(_ q: OpenAPI.Parameter, userID: String, objectID: String?, absentID: String, text: String, email: String) -> String {
        if RouteScanOracle.namesUser(q.name) { return userID }
        if SchemaSample.namesObjectID(q.name) { return objectID ?? absentID }
        return SchemaSample(text: { _ in text }, userID: userID, objectID: objectID, email: email).value(q.schema, name: q.name).plainText
    }

    /// A sign-up, sign-in or token route: the target's own identity paths, the endings home-made
    /// auth uses (SC-011's patterns), and anything under Better Auth's base path when the API
    /// serves it on its own origin. Such a route answers anyone by design, and a body its schema
    /// accepts would create an account outside the run's test addresses that clean-up cannot
    /// find: the route scan and the injection sweep send it no writes.
    static func isIdentity(_ route: OpenAPI.Route, target: Target) -> Bool {
        if case .custom(let own) = target.identity, AuthRouteOracle.matches(route.path, patterns: [own.signUpPath, own.signInPath]) { return true }
        if AuthRouteOracle.matches(route.path, patterns: AuthRouteOracle.patterns) { return true }
        let base = AuthRouteOracle.split(target.authBasePath), segments = AuthRouteOracle.split(route.path)
        return CustomAuthRoutes.sameOrigin(target) && !base.isEmpty && segments.count > base.count && Array(segments.prefix(base.count)) == base
    }

    /// The published route behind a mapped one (`{userId}` and `{user_id}` alike).
    static func published(_ route: Route?, in routes: [OpenAPI.Route]) -> OpenAPI.Route? {
        guard let route else { return nil }
        let key = shape(route.description)
        return routes.first { shape($0.description) == key }
    }

    /// `GET /api/{user_id}/tasks/{task_id}` and `GET /api/{userId}/tasks/{id}` are the same route.
    static func shape(_ route: String) -> String {
        var out = ""
        var inParam = false
        for c in route {
            if c == "{" { inParam = true; out += "{}" } else if c == "}" { inParam = false } else if !inParam { out.append(c) }
        }
        return out.uppercased()
    }

    static func headers(_ credential: Credential, body: Bool) -> [HTTPHeader] {
        var h = [HTTPHeader("Accept", "application/json")]
        if body { h.append(HTTPHeader("Content-Type", "application/json")) }
        return credential.adding(to: h)
    }
}
