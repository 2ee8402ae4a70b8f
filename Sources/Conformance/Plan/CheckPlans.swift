/// What a built-in check will send, worked out before anything is sent: `conformance plan`
/// prints these lines under the check's step. Users and objects are named, not numbered by the
/// database (`{ivy's tasks #1}`), since no object exists yet.
public struct PlanContext: Sendable {
    public var target: Target
    /// The scenario's users, in the order checks use them (alphabetical).
    public var users: [String]

    func route(_ resource: Resource, _ op: Operation, user: String, pathUser: String? = nil, object: String? = nil) -> String? {
        guard let r = resource.routes[op] else { return nil }
        var path = r.path.replacingOccurrences(of: "{userId}", with: "{\(pathUser ?? user).id}")
        if let object { path = path.replacingOccurrences(of: "{id}", with: "{\(object)}") }
        return "\(r.method) \(path)"
    }
}

extension BuiltInCheck {
    /// By default a check describes itself by its title; checks that send many probes list them.
    func plan(_ parameters: Parameters, _ context: PlanContext) -> [String] { [Self.title] }
}

extension IsolationMatrix {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let resource = c.target.resources[p.resource] else { return [] }
        guard c.users.count >= 2 else { return ["skipped: the matrix needs at least two users"] }
        let deny = (p.denyWith.map(Set.init) ?? c.target.denyStatuses).sorted().map(String.init).joined(separator: "/")
        let ops: [Operation] = [.get, .update, .toggle, .delete].filter { p.operations.contains($0.rawValue) && resource.routes[$0] != nil }
        var out = c.users.compactMap { u in c.route(resource, .create, user: u).map { "\(u) creates \(p.objectsPerUser) \(resource.name): \($0), text fields tainted" } }
        let perOwner = c.users.count <= 8 ? p.objectsPerUser : 1
        for phase in [ops.filter { $0 != .delete }, ops.filter { $0 == .delete }] {
            for owner in c.users {
                for attacker in c.users where attacker != owner {
                    for n in 1...perOwner {
                        let object = "\(owner)'s \(resource.name) #\(n)"
                        for op in phase {
                            if let r = c.route(resource, op, user: attacker, object: object) { out.append("\(attacker): \(r) with \(attacker)'s token → \(deny), no \(owner) marker") }
                            if op != .delete, resource.routes[op]?.hasUserId == true, let r = c.route(resource, op, user: attacker, pathUser: owner, object: object) {
                                out.append("\(attacker): \(r) with \(attacker)'s token → \(deny)")
                            }
                        }
                    }
                }
            }
        }
        for u in c.users { if let r = c.route(resource, .list, user: u) { out.append("\(u): \(r) with \(u)'s own token → only \(u)'s markers") } }
        if resource.routes[.list]?.hasUserId == true {
            for owner in c.users { for attacker in c.users where attacker != owner {
                if let r = c.route(resource, .list, user: attacker, pathUser: owner) { out.append("\(attacker): \(r) with \(attacker)'s token → \(deny)") }
            } }
        }
        out.append("database: read \(resource.qualifiedTable) for \(c.users.joined(separator: ", ")) in a read-only transaction; each row as its owner left it")
        return out
    }
}

extension CredentialAttacks {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let resource = c.target.resources[p.resource], let owner = c.users.first else { return ["skipped: no user"] }
        let probes = TokenForge.headerNames + TokenForge.forgedNames + [TokenForge.sessionTokenName]
        let deny = p.denyWith.map(String.init).joined(separator: "/")
        return Self.operations.compactMap { op in
            c.route(resource, op, user: owner, object: op.isPerObject ? "\(owner)'s \(resource.name)" : nil)
                .map { "\($0) with the genuine token (the control), then with each of: \(probes.joined(separator: ", ")) → \(deny)" }
        } + ["database: every row a refused forged write aimed at, before and after"]
    }
}

extension MassAssignment {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let resource = c.target.resources[p.resource], c.users.count >= 2 else { return ["skipped: needs two users"] }
        let (owner, victim) = (c.users[0], c.users[1])
        return [Operation.create, .update].compactMap { op in
            c.route(resource, op, user: owner, object: op.isPerObject ? "\(owner)'s \(resource.name)" : nil)
                .map { "\(owner): \($0) with \(p.ownerFields.joined(separator: ", ")) set to \(victim)'s id → the row stays \(owner)'s" }
        }
    }
}

extension Concurrency {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        let users = c.users.prefix(p.users)
        return ["\(users.count) user(s) at once (\(users.joined(separator: ", "))), \(p.rounds) round(s) each of create, list, get on \(p.resource); every answer scanned for other users' markers; database audit afterwards"]
    }
}

extension LoadPhase {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        let ops = Self.loopOperations.map(\.rawValue).joined(separator: ", ")
        return ["runs alone, after the other scenarios: \(p.concurrency) worker(s) for \(JSONWriter.format(p.seconds)) s over \(min(p.users, c.users.count)) user(s), operations \(ops) (deletes at the end); p95 ≤ \(JSONWriter.format(p.p95Ms)) ms per operation; markers scanned; database audit afterwards"]
    }
}

extension UnnamedRoutes {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let path = c.target.openAPIPath else { return ["skipped: the target says the API publishes no OpenAPI"] }
        return ["GET \(path), then every route it lists, with bodies and query values built from its schema: as each user with their own ids and token, without credentials, with a malformed token, as \(c.users.dropFirst().first ?? "a second user") on \(c.users.first ?? "the first user")'s ids (writes that fit \(p.resource) on a fresh object each); then the database audit of those objects"]
    }
}

extension Injection {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        ["hostile strings in every text field and id position of \(p.resource), and in every parameter of every OpenAPI route, as \(c.users.first ?? "the first user"), each against the same call with a harmless value; no 5xx, no other user's data, stored verbatim, exactly the intended rows afterwards"]
    }
}

extension APIMatchesDatabase {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let resource = c.target.resources[p.resource], let user = c.users.first else { return ["skipped: no user"] }
        let object = "\(user)'s \(resource.name)"
        var out = [Operation.create, .update, .toggle, .get].compactMap { op in
            c.route(resource, op, user: user, object: op.isPerObject ? object : nil).map { "\(user): \($0), then read \(resource.qualifiedTable) by id: the answer equals the row" }
        }
        if let r = c.route(resource, .list, user: user) { out.append("\(user): \(r): the list equals \(user)'s rows in \(resource.qualifiedTable)") }
        return out
    }
}

extension RowsInDatabase {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let resource = c.target.resources[p.resource], let user = c.users.first,
              let r = c.route(resource, .create, user: user) else { return ["skipped: no create route or no user"] }
        return ["\(user): \(r) with a tainted body, then read \(resource.qualifiedTable) for that id and search its text columns for the marker"]
    }
}

extension Ownership {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        ["database: every table whose owner column references \(c.target.authTables.userTable), and the target's tables: rows whose owner is no user"]
    }
}

extension TokenLifetime {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        var out = c.users.map { "\($0)'s API token: exp − iat within \(p.toleranceSeconds) s of \(p.expectedSeconds) s" }
        if let user = c.users.first, let resource = c.target.resources[p.resource], let r = c.route(resource, .list, user: user) {
            out.append("\(user): \(r) with the genuine token (the control), then with it re-signed already expired → 401/403")
        }
        return out
    }
}

extension IdentityImpostors {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let victim = c.users.dropFirst().first ?? c.users.first else { return ["skipped: no user"] }
        var out = ["sign in as \(victim) with \(victim)'s own password (the control), then with a wrong password → no session, no token"]
        if let resource = c.target.resources[p.resource] {
            let ops = [Operation.get, .list, .update].compactMap { c.route(resource, $0, user: victim, object: $0.isPerObject ? "\(victim)'s \(resource.name)" : nil) }
            out.append("if the wrong password gets in: \(ops.joined(separator: ", ")) as the impostor → no \(victim) marker, the row unchanged")
        }
        out.append("sign up again with \(victim)'s email, then with it in upper case → not \(victim)'s id, no session acting as \(victim), \(victim)'s password unchanged")
        return out
    }
}

extension JWTSignatures {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        var out = ["GET \(c.target.authBaseURL)/jwks once; every user's API token verified against it"]
        if let user = c.users.first, let resource = c.target.resources[p.resource], let r = c.route(resource, .list, user: user) {
            out.append("\(user): \(r) with an HS256 token signed with BETTER_AUTH_SECRET → 401/403")
        }
        return out
    }
}

extension BetterAuthProtocol {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        let base = c.target.authBaseURL
        return ["GET \(base)/ok", "POST \(base)/sign-up/email (a user of its own)", "POST \(base)/sign-in/email with a wrong password → 401",
                "GET \(base)/get-session with the session cookie", "GET \(base)/token", "GET \(base)/jwks",
                "POST \(base)/sign-up/email again with the same email → refused, one user stored"]
    }
}

extension BetterAuthAccounts {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        ["database: the run's users in \(c.target.authTables.userTable) and their credential rows in \(c.target.authTables.accountTable): Better Auth's scrypt of each password"]
    }
}

extension ForeignPasswordHashes {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        ["database: every readable text column of every table, scanned (bounded) for bcrypt, argon2, pbkdf2 and other hash formats"]
    }
}

extension CustomAuthRoutes {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let path = c.target.openAPIPath else { return ["skipped: the target says the API publishes no OpenAPI"] }
        let extra = p.extraPatterns.isEmpty ? "" : ", and \(p.extraPatterns.joined(separator: ", "))"
        return ["GET \(path) (shared with the route scan): no login, register or token routes of the API's own\(extra)"]
    }
}

extension NeonDatabase {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        ["database: the host, the neon.* settings, TLS in use and the certificate verified (sslmode)"]
    }
}

extension BetterAuthSchema {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        let t = c.target.authTables
        return ["database: \([t.userTable, t.accountTable, t.sessionTable, t.jwksTable].joined(separator: ", ")) with Better Auth's columns; owner columns reference \(t.userTable)"]
    }
}

extension FrontendCheck {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        guard let url = p.url ?? c.target.frontendURL else { return ["skipped unless a front-end URL is given (--frontend-url)"] }
        return p.widths.map { "headless Chromium: \(url) at \($0) px → a responsive viewport, no horizontal overflow, a screenshot" }
    }
}
