/// No home-made auth routes in the API's OpenAPI document (SC-011), pure: the routes listed in,
/// the verdict out. With Better Auth, sign-up, sign-in and tokens live on the auth server under
/// its own names; a `/login` or `/token` of the API's own is an auth path of its own.
public enum AuthRouteOracle {
    /// Route endings that home-made auth uses. A pattern matches a route whose path ends with the
    /// same segments, compared without case; `*` stands for any one segment.
    public static let patterns = [
        "/auth/login", "/auth/signin", "/auth/sign-in", "/auth/signup", "/auth/sign-up", "/auth/register",
        "/auth/token", "/auth/refresh", "/auth/jwt",
        "/login", "/log-in", "/signin", "/sign-in", "/signup", "/sign-up", "/register",
        "/token", "/access-token", "/refresh", "/refresh-token", "/refresh_token", "/token/refresh", "/jwt",
        "/oauth/token", "/users/login", "/users/register",
    ]

    /// Better Auth's routes whose names a pattern above would also match.
    public static let betterAuthRoutes: Set<String> = ["token", "refresh-token", "sign-in/email", "sign-up/email"]

    /// The OpenAPI document when the answer is one whose routes can be listed; nil otherwise
    /// (then nothing can be judged: the check skips).
    public static func document(status: Int?, json: JSONValue?) -> JSONValue? {
        guard status == 200, let json, json["paths"]?.objectValue != nil else { return nil }
        return json
    }

    public struct Sorted: Sendable, Equatable {
        /// Routes that look like home-made auth.
        public var flagged: [OpenAPI.Route] = []
        /// Routes that match a pattern but are Better Auth's own, mounted on the API's origin.
        public var betterAuthOwn: [OpenAPI.Route] = []
    }

    /// `sameOrigin`: the API and the auth server share an origin (one app mounting both).
    public static func sort(_ routes: [OpenAPI.Route], patterns: [String], sameOrigin: Bool, authBasePath: String) -> Sorted {
        var out = Sorted()
        for route in routes where matches(route.path, patterns: patterns) {
            if isBetterAuthMount(path: route.path, sameOrigin: sameOrigin, authBasePath: authBasePath) {
                out.betterAuthOwn.append(route)
            } else {
                out.flagged.append(route)
            }
        }
        return out
    }

    /// The verdict on the routes `sort` flagged.
    public static func judge(flagged: [OpenAPI.Route]) -> EvidenceVerdict {
        if flagged.isEmpty { return .passed() }
        return .failed(.homeMadeAuthRoute,
                       "the API publishes home-made auth route(s) \(flagged.map(\.description).joined(separator: ", ")): sign-up, sign-in and tokens must be Better Auth's")
    }

    /// Better Auth's JWT route is `{basePath}/token`: when the API and the auth server share an
    /// origin, that route is Better Auth's own, not a home-made one. Only Better Auth's route
    /// names are spared: a `/login` under the same prefix is still flagged.
    public static func isBetterAuthMount(path: String, sameOrigin: Bool, authBasePath: String) -> Bool {
        guard sameOrigin else { return false }
        let base = split(authBasePath), segments = split(path)
        guard segments.count > base.count, Array(segments.prefix(base.count)) == base else { return false }
        return betterAuthRoutes.contains(segments.dropFirst(base.count).joined(separator: "/"))
    }

    public static func matches(_ path: String, patterns: [String]) -> Bool {
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
