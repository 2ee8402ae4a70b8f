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
                .map { "\($0) with each of: \(probes.joined(separator: ", ")) → \(deny)" }
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
        return ["GET \(path), then every route it lists: without credentials, with a malformed token, as \(c.users.dropFirst().first ?? "a second user") on \(c.users.first ?? "the first user")'s ids, and as each user with their own ids and token"]
    }
}

extension Injection {
    func plan(_ p: Parameters, _ c: PlanContext) -> [String] {
        ["hostile strings in every text field, id position and query parameter of \(p.resource) as \(c.users.first ?? "the first user"); no 5xx, stored verbatim, exactly the intended rows afterwards"]
    }
}
