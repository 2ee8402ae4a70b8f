import ConformancePostgres
import Foundation

/// Builds a `Target` from, in order of precedence: command-line values, the target file, the
/// process environment, and a `.env` file.
public struct TargetLoader: Sendable {
    public struct Overrides: Sendable {
        public var authURL: String?
        public var apiURL: String?
        public var databaseURL: String?
        public var cleanupDatabaseURL: String?
        public var neonBranch: String?
        public var caFile: String?
        public var frontendURL: String?
        public var emailDomain: String?
        public init() {}
    }

    public var environment: [String: String]

    public init(environment: [String: String]) { self.environment = environment }

    /// The process environment merged over a `.env` file (the environment wins).
    public static func environment(dotEnvPath: String?) throws -> [String: String] {
        var env = try dotEnvPath.map(DotEnv.load(path:)) ?? [:]
        for (k, v) in ProcessInfo.processInfo.environment { env[k] = v }
        return env
    }

    /// What a wrong database URL is, without any of it: it may carry a password.
    static func kindOfURL(_ url: String) -> String {
        guard let end = url.range(of: "://") else { return "something that is not a URL" }
        let scheme = url[..<end.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) }) else { return "something that is not a URL" }
        return "a \(scheme):// URL"
    }

    /// A URL with spaces or control characters is a paste mistake: curl would reject it on every
    /// request, and the run would read as errors instead of naming the input.
    static func httpURLProblem(_ url: String) -> String? {
        let isHTTP = url.hasPrefix("http://") || url.hasPrefix("https://")
        guard !isHTTP || url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false }) else { return nil }
        let shown = url.count > 60 ? String(url.prefix(20)) + "…" : url
        let what = isHTTP ? "a URL without spaces or control characters" : "an http:// or https:// URL"
        return "expected \(what), found \"\(DatabaseURL.redacted(shown))\""
    }

    static func databaseURLProblem(_ url: String) -> String? {
        guard !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.contains("host=") || url.contains("dbname=")) else { return nil }
        return "expected a PostgreSQL URL (postgresql://…) or connection string, found \(kindOfURL(url))"
    }

    public func load(file: String?, overrides: Overrides) throws -> Target {
        var node: JSONNode?
        if let file { node = JSONNode(value: try UserFile.parse(file), file: file) }
        let root = node ?? JSONNode(value: .object(JSONObject()), file: "(defaults)")
        _ = try root.object(allowing: ["$schema", "auth", "api", "database", "frontend", "users", "denyWith", "resources", "authTables", "requestTimeout"],
                            context: "a target")
        let auth = root.optional("auth")
        let api = root.optional("api")
        let db = root.optional("database")
        let frontend = root.optional("frontend")
        _ = try frontend?.object(allowing: ["url"], context: "\"frontend\"")
        _ = try auth?.object(allowing: ["url", "basePath", "token", "identity"], context: "\"auth\"")
        _ = try api?.object(allowing: ["url", "openapi", "publicRoutes", "caFile"], context: "\"api\"")
        _ = try db?.object(allowing: ["url", "expectNeon", "branch"], context: "\"database\"")

        func pick(_ flag: String?, _ fileNode: JSONNode?, _ envNames: [String]) throws -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let fileNode { return try fileNode.nonEmptyString() }
            for n in envNames { if let v = environment[n], !v.isEmpty { return v } }
            return nil
        }
        // An app without login needs no auth URL: the API's stands in (nothing is sent to it).
        let noLogin = auth?.optional("identity")?.value == .string("none")
        let apiURL = try pick(overrides.apiURL, api?.optional("url"), ["API_URL", "NEXT_PUBLIC_API_URL"])
        let authURL = try pick(overrides.authURL, auth?.optional("url"), ["BETTER_AUTH_URL"]) ?? (noLogin ? apiURL : nil)
        let dbURL = try pick(overrides.databaseURL, db?.optional("url"), ["DATABASE_URL"])
        guard let authURL else {
            throw LoadError(file: file ?? "(command line)", location: "/auth/url",
                            message: "no auth URL: pass --auth-url, set BETTER_AUTH_URL, or give auth.url in a target file")
        }
        guard let apiURL else {
            throw LoadError(file: file ?? "(command line)", location: "/api/url",
                            message: "no API URL: pass --api-url, set API_URL, or give api.url in a target file")
        }
        // The file's own URLs are checked even where a flag or the environment wins over them: a
        // mistake in the file is still there for the next run without the flag.
        for node in [auth?.optional("url"), api?.optional("url"), frontend?.optional("url")].compactMap({ $0 }) {
            if let p = Self.httpURLProblem(try node.nonEmptyString()) { throw node.error(p) }
        }
        if let node = db?.optional("url"), let p = Self.databaseURLProblem(try node.nonEmptyString()) { throw node.error(p) }
        let frontendURL = try pick(overrides.frontendURL, frontend?.optional("url"), ["FRONTEND_URL"])
        for (url, ptr) in [(authURL, "/auth/url"), (apiURL, "/api/url"), (frontendURL ?? "", "/frontend/url")] {
            if !url.isEmpty, let p = Self.httpURLProblem(url) { throw LoadError(file: file ?? "(command line)", location: ptr, message: p) }
        }
        if let dbURL, let p = Self.databaseURLProblem(dbURL) {
            throw LoadError(file: file ?? "(command line)", location: "/database/url", message: p)
        }
        let cleanupURL = try pick(overrides.cleanupDatabaseURL, nil, ["CLEANUP_DATABASE_URL"])
        if let cleanupURL, let p = Self.databaseURLProblem(cleanupURL) {
            throw LoadError(file: "(command line)", location: "--cleanup-database-url", message: p)
        }
        if cleanupURL != nil, dbURL == nil {
            throw LoadError(file: "(command line)", location: "--cleanup-database-url",
                            message: "a clean-up URL needs the database URL too (--database-url or DATABASE_URL): the run reads with that one")
        }
        var t = Target(authURL: authURL, apiURL: apiURL, databaseURL: dbURL)
        t.cleanupDatabaseURL = cleanupURL
        t.frontendURL = frontendURL
        // Only from the environment or .env: a secret on the command line shows in `ps`.
        t.secret = environment["BETTER_AUTH_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        t.neonBranch = try overrides.neonBranch ?? db?.optional("branch")?.nonEmptyString()
        t.caFile = try overrides.caFile ?? api?.optional("caFile")?.nonEmptyString()
        if let v = db?.optional("expectNeon") { t.expectNeon = try v.bool() }
        if let v = auth?.optional("basePath") { t.authBasePath = try v.string() }
        if let v = auth?.optional("token") {
            let s = try v.string()
            guard let src = Target.TokenSource(rawValue: s) else {
                throw v.error("expected one of \(Target.TokenSource.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            t.tokenSource = src
        }
        if let v = auth?.optional("identity") {
            if case .string(let s) = v.value {
                guard s == "none" else { throw v.error("expected \"none\" (an app without login) or an object describing the app's register and login routes") }
                t.identity = .none
            } else {
                t.identity = .custom(try parseIdentity(v, apiURL: apiURL))
            }
        }
        let users = root.optional("users")
        _ = try users?.object(allowing: ["emailDomain"], context: "\"users\"")
        if let flag = overrides.emailDomain {
            if let p = TestUserSettings.problem(withDomain: flag) {
                throw LoadError(file: "(command line)", location: "--email-domain", message: p)
            }
            t.users.emailDomain = flag
        } else if let v = users?.optional("emailDomain") {
            let domain = try v.nonEmptyString()
            if let p = TestUserSettings.problem(withDomain: domain) { throw v.error(p) }
            t.users.emailDomain = domain
        }
        if let v = api?.optional("openapi") { t.openAPIPath = v.value == .null ? nil : try v.string() }
        if let v = api?.optional("publicRoutes") {
            t.publicRoutes = try v.array().map { n in
                let text = try n.string()
                guard Self.parseRoute(text, methods: Self.routeMethods.union(["HEAD", "OPTIONS", "TRACE"])) != nil else { throw n.error("expected \"METHOD /path\" as in the OpenAPI document, e.g. \"GET /health\"") }
                return text
            }
        }
        if let v = root.optional("denyWith") {
            if let p = ParameterSpec.denyWith.problem(with: v.value) { throw v.error(p) }
            t.denyStatuses = Set(try v.array().map { try $0.int() })
        }
        if let v = root.optional("requestTimeout") { t.requestTimeout = try v.number(min: 0.1, max: 600) }
        if let v = root.optional("authTables") {
            _ = try v.object(allowing: ["schema", "user", "account", "session", "jwks"], context: "\"authTables\"")
            if let x = v.optional("schema") { t.authTables.schema = try x.nonEmptyString() }
            if let x = v.optional("user") { t.authTables.user = try x.nonEmptyString() }
            if let x = v.optional("account") { t.authTables.account = try x.nonEmptyString() }
            if let x = v.optional("session") { t.authTables.session = try x.nonEmptyString() }
            if let x = v.optional("jwks") { t.authTables.jwks = try x.nonEmptyString() }
        }
        if let v = root.optional("resources") {
            // Giving resources replaces the default set: an empty one leaves nothing to run.
            if case .object(let o) = v.value, o.isEmpty {
                throw v.error("expected at least one resource (giving \"resources\" replaces the default set); leave it out for the official tasks")
            }
            t.resources = [:]
            for (name, r) in try v.entries() { t.resources[name] = try parseResource(name: name, r) }
        }
        return t
    }

    static let resourceKeys: Set<String> = ["table", "schema", "owner", "idColumn", "idType", "fields", "columns", "textFields",
                                            "requiredFields", "object", "list", "routes", "toggleSends", "completedField"]

    func parseResource(name: String, _ node: JSONNode) throws -> Resource {
        _ = try node.object(allowing: Self.resourceKeys, context: "a resource")
        let base = name == "tasks" ? Resource.officialTasks : nil
        let table = try node.optional("table")?.nonEmptyString() ?? base?.table
        let owner = try node.optional("owner")?.nonEmptyString() ?? base?.ownerColumn
        guard let table else { throw node.error("missing \"table\": the table that stores \(name)") }
        guard let owner else { throw node.error("missing \"owner\": the column holding the owner's user id") }
        var routes = base?.routes ?? [:]
        var absent = Set<Operation>()
        if let rn = node.optional("routes") {
            _ = try rn.object(allowing: Set(Operation.allCases.map(\.rawValue)), context: "\"routes\"")
            for (key, n) in try rn.entries() {
                // `null`: the app has no such operation; its probes are skipped with that reason.
                if n.value == .null, let op = Operation(rawValue: key) {
                    routes[op] = nil
                    absent.insert(op)
                    continue
                }
                let text = try n.nonEmptyString()
                guard let (method, path) = Self.parseRoute(text) else {
                    throw n.error("expected \"METHOD /path\", e.g. \"GET /api/{userId}/tasks/{id}\"")
                }
                guard let op = Operation(rawValue: key) else { continue }
                if op.isPerObject, !path.contains("{id}") { throw n.error("a per-object route needs {id} in its path") }
                routes[op] = Route(method: method, path: path)
            }
        }
        var r = Resource(name: name, table: table, ownerColumn: owner, routes: routes)
        r.absentOperations = absent
        if let x = node.optional("schema") { r.schema = try x.nonEmptyString() }
        if let x = node.optional("idColumn") { r.idColumn = try x.nonEmptyString() }
        if let x = node.optional("idType") {
            guard let t = Resource.IDType(rawValue: try x.string()) else {
                throw x.error("expected one of \(Resource.IDType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            r.idType = t
        }
        if let x = node.optional("fields") { r.fields = Dictionary(uniqueKeysWithValues: try x.entries().map { ($0.key, try $0.node.nonEmptyString()) }) }
        if let x = node.optional("columns") { r.columns = Dictionary(uniqueKeysWithValues: try x.entries().map { ($0.key, try $0.node.nonEmptyString()) }) }
        if let x = node.optional("textFields") { r.textFields = try x.stringArray() }
        if let x = node.optional("requiredFields") { r.requiredFields = try x.stringArray() }
        if let x = node.optional("object") { r.objectPath = try ScenarioLoader.path(x) }
        if let x = node.optional("list") { r.listPath = try ScenarioLoader.path(x) }
        if let x = node.optional("toggleSends") { r.toggleSends = try x.nonEmptyString() }
        if let x = node.optional("completedField") { r.completedField = try x.nonEmptyString() }
        return r
    }

    static let routeMethods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    /// `"GET /api/tasks"`: a method among GET, POST, PUT, PATCH, DELETE (any case), one space, a
    /// path starting with `/` and holding no whitespace.
    static func parseRoute(_ text: String, methods: Set<String> = routeMethods) -> (method: String, path: String)? {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts[1].hasPrefix("/"), !parts[1].contains(where: \.isWhitespace),
              methods.contains(parts[0].uppercased()) else { return nil }
        return (parts[0].uppercased(), parts[1])
    }

    func parseIdentity(_ node: JSONNode, apiURL: String) throws -> CustomIdentity {
        _ = try node.object(allowing: ["url", "signUp", "signIn", "token", "userId", "users"], context: "\"identity\"")
        var users: UserTable?
        if let u = node.optional("users") {
            _ = try u.object(allowing: ["schema", "table", "id", "email"], context: "\"users\"")
            users = UserTable(schema: try u.optional("schema")?.nonEmptyString() ?? "public",
                              table: try u.required("table", "the table holding the app's users, e.g. \"users\"").nonEmptyString(),
                              idColumn: try u.optional("id")?.nonEmptyString() ?? "id",
                              emailColumn: try u.optional("email")?.nonEmptyString() ?? "email")
        }
        func endpoint(_ key: String) throws -> (String, JSONTemplate) {
            let n = try node.required(key, "{\"path\": ..., \"body\": {...}}")
            _ = try n.object(allowing: ["path", "body"], context: "\"\(key)\"")
            let bodyNode = try n.required("body", "the JSON body, with ${email}, ${password}, ${name}")
            let body = try JSONTemplate.parse(bodyNode)
            if let unknown = body.variables.first(where: { !["email", "password", "name"].contains($0) }) {
                throw bodyNode.error("${\(unknown)} is not known here: an identity body may use ${email}, ${password} and ${name}")
            }
            return (try n.required("path", "the route's path").nonEmptyString(), body)
        }
        let (upPath, upBody) = try endpoint("signUp")
        let (inPath, inBody) = try endpoint("signIn")
        let url = try node.optional("url").map { n in
            let text = try n.nonEmptyString()
            if let p = Self.httpURLProblem(text) { throw n.error(p) }
            return text
        }
        return CustomIdentity(
            baseURL: url ?? apiURL,
            signUpPath: upPath, signInPath: inPath, signUpBody: upBody, signInBody: inBody,
            tokenPath: try ScenarioLoader.path(try node.required("token", "where the token is in the answer, e.g. \"$.token\"")),
            userIdPath: try ScenarioLoader.path(try node.required("userId", "where the user id is in the answer, e.g. \"$.user.id\"")),
            users: users)
    }
}
