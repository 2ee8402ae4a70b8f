/// SC-011: the API publishes no home-made auth routes (login, sign-up, register, token, refresh...)
/// in its OpenAPI document; with Better Auth those live on the auth server, under its own names.
struct CustomAuthRoutes: BuiltInCheck {
    static let name = CheckName.customAuthRoutes
    static let title = "no home-made auth routes"

    struct Parameters: CheckParameters {
        let extraPatterns: [String]
        static let specs: [ParameterSpec] = [
            ParameterSpec("extraPatterns", .strings, default: [], "More route endings to flag, e.g. `\"/auth/whoami\"`; `*` stands for any one segment."),
        ]
    }

    /// Route endings that home-made auth uses. A pattern matches a route whose path ends with the
    /// same segments, compared without case; `*` stands for any one segment.
    static let patterns = [
        "/auth/login", "/auth/signin", "/auth/sign-in", "/auth/signup", "/auth/sign-up", "/auth/register",
        "/auth/token", "/auth/refresh", "/auth/jwt",
        "/login", "/log-in", "/signin", "/sign-in", "/signup", "/sign-up", "/register",
        "/token", "/access-token", "/refresh", "/refresh-token", "/refresh_token", "/token/refresh", "/jwt",
        "/oauth/token", "/users/login", "/users/register",
    ]

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        let name = "the API's OpenAPI lists no home-made auth routes"
        guard let ex = await context.openAPIExchange() else {
            return [kit.skipped(name, "the target says the API publishes no OpenAPI document: its routes cannot be listed")]
        }
        let url = ex.request.url
        if let e = kit.errored(name, ex) { return [e] }
        guard ex.status == 200, let doc = ex.json, doc["paths"]?.objectValue != nil else {
            return [kit.skipped(name, "the API publishes no OpenAPI document at \(url) (answered \(ex.status ?? 0)): its routes cannot be listed")]
        }
        let extra = parameters.extraPatterns
        let routes = OpenAPI.routes(in: doc)
        var flagged: [OpenAPI.Route] = []
        var betterAuthOwn: [OpenAPI.Route] = []
        for route in routes where Self.matches(route.path, patterns: Self.patterns + extra) {
            if Self.isBetterAuthMount(route, target: context.target) { betterAuthOwn.append(route) } else { flagged.append(route) }
        }
        var notes = ["\(routes.count) route(s) in \(url); patterns: \((Self.patterns + extra).joined(separator: " "))"]
        if !betterAuthOwn.isEmpty {
            notes.append("Better Auth's own routes, mounted on the API's origin under \(context.target.authBasePath): "
                         + betterAuthOwn.map(\.description).joined(separator: ", "))
        }
        let evidence = Evidence(.note, "routes examined", notes.joined(separator: "\n"))
        if flagged.isEmpty { return [kit.passed(name, ex.seconds, [evidence])] }
        return [kit.failed(name, ex.seconds, .homeMadeAuthRoute,
                           "the API publishes home-made auth route(s) \(flagged.map(\.description).joined(separator: ", ")): sign-up, sign-in and tokens must be Better Auth's",
                           [evidence])]
    }

    /// Better Auth's JWT route is `{basePath}/token`: when the API and the auth server share an
    /// origin (one app mounting both), that route is Better Auth's own, not a home-made one. Only
    /// Better Auth's route names are spared: a `/login` under the same prefix is still flagged.
    static func isBetterAuthMount(_ route: OpenAPI.Route, target: Target) -> Bool {
        guard Target.origin(of: target.apiURL) == Target.origin(of: target.authURL) else { return false }
        let base = split(target.authBasePath), segments = split(route.path)
        guard segments.count > base.count, Array(segments.prefix(base.count)) == base else { return false }
        return betterAuthRoutes.contains(segments.dropFirst(base.count).joined(separator: "/"))
    }

    /// Better Auth's routes whose names a pattern above would also match.
    static let betterAuthRoutes: Set<String> = ["token", "refresh-token", "sign-in/email", "sign-up/email"]

    static func matches(_ path: String, patterns: [String]) -> Bool {
        let segments = split(path)
        return patterns.contains { pattern in
            let p = split(pattern)
            guard !p.isEmpty, p.count <= segments.count else { return false }
            return zip(segments.suffix(p.count), p).allSatisfy { $1 == "*" || $0 == $1 }
        }
    }

    static func split(_ path: String) -> [String] {
        path.lowercased().split(separator: "/").map(String.init)
    }
}
