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

    /// The rule's own route endings, kept here under the check's name for its callers.

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        let name = "the API's OpenAPI lists no home-made auth routes"
        guard let ex = await context.openAPIExchange() else {
            return [kit.skipped(name, "the target says the API publishes no OpenAPI document: its routes cannot be listed")]
        }
        let url = ex.request.url
        if let e = kit.errored(name, ex) { return [e] }
        guard let doc = AuthRouteOracle.document(status: ex.status, json: ex.json) else {
            return [kit.skipped(name, "the API publishes no OpenAPI document at \(url) (answered \(ex.status ?? 0)): its routes cannot be listed")]
        }
        let extra = parameters.extraPatterns
        let routes = OpenAPI.routes(in: doc)
        if routes.isEmpty {
            // A document that lists nothing shows no home-made route, and no route at all.
            return [kit.notJudged(name, "the OpenAPI document at \(url) lists no route: there was nothing to examine", [kit.evidence(name, ex)])]
        }
        let target = context.target
        let sorted = AuthRouteOracle.sort(routes, patterns: AuthRouteOracle.patterns + extra, sameOrigin: Self.sameOrigin(target),
                                          authBasePath: target.authBasePath)
        var notes = ["\(routes.count) route(s) in \(url); patterns: \((AuthRouteOracle.patterns + extra).joined(separator: " "))"]
        if !sorted.betterAuthOwn.isEmpty {
            notes.append("Better Auth's own routes, mounted on the API's origin under \(target.authBasePath): "
                         + sorted.betterAuthOwn.map(\.description).joined(separator: ", "))
        }
        let evidence = Evidence(.note, "routes examined", notes.joined(separator: "\n"))
        return [kit.result(name, ex.seconds, AuthRouteOracle.judge(flagged: sorted.flagged), [evidence])]
    }

    /// Whether the API and the auth server share an origin (one app mounting both).
    static func sameOrigin(_ target: Target) -> Bool {
        Target.origin(of: target.apiURL) == Target.origin(of: target.authURL)
    }
}
