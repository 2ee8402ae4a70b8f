/// What the target maps, set against what the app publishes: every resource route against the
/// OpenAPI document, every table and column against the database's catalog. Pure: the document
/// and the column lists in, the problems out (the doctor fetches them).
public enum TargetMapping {
    /// A mapped route the OpenAPI document does not list.
    public struct MissingRoute: Sendable, Equatable, CustomStringConvertible {
        public var resource: String
        public var operation: Operation
        public var route: Route
        public var description: String { "\(resource).\(operation.rawValue) \(route)" }
    }

    /// Mapped routes the document does not publish, compared by method and path with parameter
    /// names ignored (`{userId}` and `{user_id}` are the same route) and with the document's
    /// `servers` path prefixes (a document may list `/tasks` under a server at `/api`).
    public static func missingRoutes(_ resources: [String: Resource], openAPI doc: JSONValue) -> [MissingRoute] {
        let prefixes = [""] + serverPaths(doc)
        var published = Set<String>()
        for r in OpenAPI.routes(in: doc) {
            for prefix in prefixes { published.insert(key(r.method, prefix + r.path)) }
        }
        var out: [MissingRoute] = []
        for name in resources.keys.sorted() {
            guard let resource = resources[name] else { continue }
            for op in Operation.allCases {
                guard let route = resource.routes[op], !published.contains(key(route.method, route.path)) else { continue }
                out.append(MissingRoute(resource: name, operation: op, route: route))
            }
        }
        return out
    }

    /// The columns the run reads or writes in a resource's table: id, owner, the fields it fills
    /// and every column the target maps by name.
    public static func columns(of resource: Resource) -> [String] {
        var out: [String] = []
        let wanted = [resource.idColumn, resource.ownerColumn] + (resource.textFields + resource.requiredFields).map(resource.column)
            + resource.columns.keys.sorted().compactMap { resource.columns[$0] }
        for c in wanted where !out.contains(c) { out.append(c) }
        return out
    }

    /// Columns of `wanted` the table lacks; nil when the table itself is missing (no columns).
    public static func missingColumns(_ wanted: [String], present: [String]) -> [String]? {
        guard !present.isEmpty else { return nil }
        return wanted.filter { !present.contains($0) }
    }

    static func key(_ method: String, _ path: String) -> String {
        var out = method.uppercased() + " "
        var inParameter = false
        for c in path {
            if c == "{" { inParameter = true; out += "{}" } else if c == "}" { inParameter = false } else if !inParameter { out.append(c) }
        }
        while out.hasSuffix("/"), out.count > method.count + 2 { out.removeLast() }
        return out
    }

    /// The path parts of the document's `servers` URLs ("https://x/api" and "/api" give "/api").
    static func serverPaths(_ doc: JSONValue) -> [String] {
        (doc["servers"]?.arrayValue ?? []).compactMap { server -> String? in
            guard var url = server["url"]?.stringValue else { return nil }
            if let scheme = url.range(of: "://") {
                let rest = url[scheme.upperBound...]
                url = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
            }
            while url.hasSuffix("/") { url.removeLast() }
            return url.isEmpty ? nil : url
        }
    }
}
