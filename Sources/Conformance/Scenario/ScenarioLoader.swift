import Foundation

/// Reads scenario files into validated `Scenario`s. Every mistake is reported with the file and
/// JSON pointer; unknown keys are errors, and so is a variable no earlier step defines.
public enum ScenarioLoader {
    static let scenarioKeys: Set<String> = ["$schema", "id", "criterion", "title", "description", "tags", "users", "steps"]
    static let stepKinds = ["signUp", "signIn", "token", "call", "request", "sql", "stored", "check"]
    static let commonStepKeys: Set<String> = ["name", "expect", "capture"]
    static let kindKeys: [String: Set<String>] = [
        "signUp": [], "signIn": [], "token": [],
        "call": ["as", "id", "body", "rawBody", "query"],
        "request": ["method", "as", "headers", "body", "rawBody"],
        "sql": ["params"],
        "stored": ["id"],
        "check": ["with"],
    ]
    static let expectKeys: [String: Set<String>] = [
        "signUp": ["status", "json", "maxMs", "headers"],
        "signIn": ["status", "json", "maxMs", "headers"],
        "token": ["status", "json", "maxMs"],
        "call": ["status", "json", "maxMs", "headers", "body"],
        "request": ["status", "json", "maxMs", "headers", "body"],
        "sql": ["rowCount", "json"],
        "stored": ["exists", "json"],
        "check": [],
    ]

    /// Variables every scenario may use besides its users' and its captures.
    static func isBuiltIn(_ name: String) -> Bool {
        ["run.id", "marker", "api.url", "auth.url"].contains(name) || name.hasPrefix("env.")
    }
    /// `${alice.marker}` is a fresh taint marker owned by alice: a leak of it to anyone else fails.
    static let userFields: Set<String> = ["id", "email", "name", "token", "marker"]

    /// Expands directories to their `*.json` files (sorted), skipping JSON Schema files and the pack's `pack.json`.
    public static func files(in paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw LoadError(file: path, location: "-", message: UserFile.problem(path) ?? "no such file or directory")
            }
            if isDir.boolValue {
                let items = (fm.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".schema.json") && ($0 as NSString).lastPathComponent != PackLoader.fileName }
                    .sorted()
                out += items.map { (path as NSString).appendingPathComponent($0) }
            } else {
                out.append(path)
            }
        }
        return out
    }

    public static func load(paths: [String]) throws -> [Scenario] {
        var scenarios: [Scenario] = []
        var errors: [LoadError] = []
        for file in try files(in: paths) {
            do { scenarios.append(try load(file: file)) }
            catch let e as LoadError { errors.append(e) }
        }
        var seen: [String: String] = [:]
        for s in scenarios {
            if let other = seen[s.id] {
                errors.append(LoadError(file: s.file, location: "/id", message: "id \"\(s.id)\" is already used by \(other)"))
            }
            seen[s.id] = s.file
        }
        if !errors.isEmpty { throw LoadErrors(errors) }
        return scenarios
    }

    public static func load(file: String) throws -> Scenario {
        try parse(JSONNode(value: try UserFile.parse(file), file: file))
    }

    public static func parse(_ root: JSONNode) throws -> Scenario {
        _ = try root.object(allowing: scenarioKeys, context: "a scenario")
        let id = try root.required("id", "the scenario's unique id").nonEmptyString()
        let criterionNode = try root.required("criterion", "the criterion it checks, e.g. \"SC-004\"")
        let criterion = try criterionNode.nonEmptyString()
        let title = try root.required("title", "a one-line title").nonEmptyString()
        // Read by people and editors only, but a value of another type is still a mistake.
        _ = try root.optional("$schema")?.string()
        _ = try root.optional("description")?.string()
        let tags = try root.optional("tags")?.stringArray() ?? []
        let usersNode = root.optional("users")
        let users = try usersNode?.stringArray() ?? []
        for (i, u) in users.enumerated() {
            let node = JSONNode(value: .string(u), pointer: (usersNode?.pointer ?? root.pointer) / i, file: root.file)
            guard !u.isEmpty, u.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw node.error("a user name is letters, digits and '_' (it becomes ${\(u).id})")
            }
            if users[..<i].contains(u) { throw node.error("user \"\(u)\" is listed twice") }
        }
        var defined = Set<String>()
        for u in users { for f in userFields { defined.insert("\(u).\(f)") } }
        var steps: [Step] = []
        for stepNode in try root.required("steps", "an array of steps").nonEmptyArray("step (a scenario with none checks nothing)") {
            let step = try parseStep(stepNode, users: Set(users), defined: defined)
            for c in step.capture { defined.insert(c.variable) }
            steps.append(step)
        }
        var names = Set<String>()
        for i in steps.indices {
            // JUnit consumers keep only the first of two equal names; make them unique.
            var name = steps[i].name, n = 2
            while names.contains(name) { name = "\(steps[i].name) (\(n))"; n += 1 }
            names.insert(name)
            steps[i].name = name
        }
        return Scenario(id: id, criterion: criterion, title: title, tags: tags, users: users, steps: steps, file: root.file)
    }

    static func parseStep(_ node: JSONNode, users: Set<String>, defined: Set<String>) throws -> Step {
        guard case .object(let o) = node.value else { throw node.error("expected a step (an object), found \(node.value.typeName)") }
        let kinds = stepKinds.filter { o[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            if kinds.isEmpty {
                let hint = o.keys.compactMap { JSONNode.closest($0, in: Set(stepKinds)) }.first.map { " (did you mean \"\($0)\"?)" } ?? ""
                throw node.error("a step needs exactly one of \(stepKinds.joined(separator: ", "))\(hint)")
            }
            throw node.error("a step has one kind, found \(kinds.joined(separator: " and "))")
        }
        _ = try node.object(allowing: commonStepKeys.union([kind]).union(kindKeys[kind] ?? []), context: "a \"\(kind)\" step")
        let kindNode = try node.required(kind, "the step's subject")

        func user(_ n: JSONNode) throws -> String {
            let u = try n.nonEmptyString()
            guard users.contains(u) else {
                throw n.error("user \"\(u)\" is not declared in \"users\" (declared: \(users.sorted().joined(separator: ", ")))")
            }
            return u
        }
        func optionalUser() throws -> String? {
            guard let n = node.optional("as") else { return nil }
            if n.value == .null { return nil }
            return try user(n)
        }

        let parsed: Step.Kind
        var defaultName: String
        switch kind {
        case "signUp", "signIn", "token":
            let u = try user(kindNode)
            parsed = kind == "signUp" ? .signUp(user: u) : kind == "signIn" ? .signIn(user: u) : .token(user: u)
            defaultName = "\(kind) \(u)"
        case "call":
            let (resource, op) = try parseOperation(kindNode)
            let u = try optionalUser()
            let id = try node.optional("id").map(JSONTemplate.parse)
            if op.isPerObject, id == nil { throw node.error("missing \"id\": \(resource).\(op.rawValue) acts on one object") }
            if !op.isPerObject, let idNode = node.optional("id") { throw idNode.error("\(resource).\(op.rawValue) takes no id") }
            let body = try node.optional("body").map(JSONTemplate.parse)
            let rawBody = try node.optional("rawBody")?.string()
            if body != nil, rawBody != nil { throw node.error("give \"body\" or \"rawBody\", not both") }
            let query = try node.optional("query")?.entries().map { ($0.key, try template($0.node)) } ?? []
            parsed = .call(CallStep(resource: resource, operation: op, user: u, id: id, body: body, rawBody: rawBody, query: query))
            defaultName = "\(resource).\(op.rawValue) as \(u ?? "nobody")"
        case "request":
            let url = try template(kindNode)
            if let problem = RequestChecks.urlProblem(url) { throw kindNode.error(problem) }
            let method = try node.optional("method").map(RequestChecks.method) ?? "GET"
            let headers = try node.optional("headers")?.entries().map { ($0.key, try RequestChecks.header($0.key, $0.node)) } ?? []
            let body = try node.optional("body").map(JSONTemplate.parse)
            let rawBody = try node.optional("rawBody")?.string()
            if body != nil, rawBody != nil { throw node.error("give \"body\" or \"rawBody\", not both") }
            let u = try optionalUser()
            parsed = .request(RequestStep(method: method, url: url, headers: headers, body: body, rawBody: rawBody, user: u))
            defaultName = "\(method) \(url.source) as \(u ?? "nobody")"
        case "sql":
            let sql = try kindNode.nonEmptyString()
            let params = try node.optional("params")?.array().map(JSONTemplate.parse) ?? []
            parsed = .sql(SQLStep(sql: sql, params: params))
            defaultName = "sql " + String(sql.prefix(60))
        case "stored":
            let resource = try kindNode.nonEmptyString()
            let id = try JSONTemplate.parse(try node.required("id", "the object's id"))
            parsed = .stored(StoredStep(resource: resource, id: id))
            defaultName = "stored \(resource)"
        default: // "check"
            let text = try kindNode.nonEmptyString()
            let known = CheckName.allCases.map(\.rawValue)
            guard let name = CheckName(rawValue: text), let check = CheckRegistry.descriptor(name) else {
                let hint = JSONNode.closest(text, in: Set(known)).map { "; did you mean \"\($0)\"?" } ?? ""
                throw kindNode.error("unknown check \"\(text)\"\(hint) (known: \(known.sorted().joined(separator: ", ")))")
            }
            var given = JSONObject()
            var withPointer = node.pointer / "with"
            if let withNode = node.optional("with") {
                withPointer = withNode.pointer
                given = try withNode.object(allowing: Set(check.specs.map(\.name)), context: "the parameters of check \"\(text)\"")
                for (key, child) in try withNode.entries() {
                    if let problem = check.specs.first(where: { $0.name == key })?.problem(with: child.value) { throw child.error(problem) }
                }
            }
            let parameters: any CheckParameters
            do { parameters = try check.decode(given, withPointer) }
            catch let problem as JSONDecodingProblem { throw LoadError(file: node.file, pointer: problem.pointer, message: problem.message) }
            parsed = .check(CheckStep(check: name, given: given, parameters: parameters))
            let spec = check
            defaultName = spec.title
        }

        let expect = try node.optional("expect").map { try parseExpectation($0, allowed: expectKeys[kind] ?? []) }
        let capture = try node.optional("capture")?.entries().map { entry -> (String, JSONPath) in
            guard entry.key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !entry.key.isEmpty else {
                throw entry.node.error("a variable name is letters, digits and '_'")
            }
            guard !entry.key.contains("."), !users.contains(entry.key) else {
                throw entry.node.error("\"\(entry.key)\" is a user's name; pick another variable name")
            }
            return (entry.key, try path(entry.node))
        } ?? []
        if kind == "check", !capture.isEmpty { throw node.error("a check step captures nothing") }

        let name = try node.optional("name")?.nonEmptyString() ?? defaultName
        let step = Step(name: name, kind: parsed, expect: expect, capture: capture, pointer: node.pointer)
        for v in step.variables where !(defined.contains(v) || isBuiltIn(v)) {
            throw node.error("variable ${\(v)} is not defined here (define it with \"capture\" in an earlier step, or use a user's id/email/name/token/marker, run.id, marker, api.url, auth.url, env.NAME)")
        }
        return step
    }

    static func parseOperation(_ node: JSONNode) throws -> (String, Operation) {
        let text = try node.nonEmptyString()
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let op = Operation(rawValue: parts[1]) else {
            throw node.error("expected RESOURCE.OPERATION with an operation among \(Operation.allCases.map(\.rawValue).joined(separator: ", ")), e.g. \"tasks.create\"")
        }
        return (parts[0], op)
    }

    static func template(_ node: JSONNode) throws -> Template {
        do { return try Template(try node.string()) } catch let e as Template.SyntaxError { throw node.error(e.reason) }
    }

    static func path(_ node: JSONNode) throws -> JSONPath {
        do { return try JSONPath(try node.string()) } catch let e as JSONPath.ParseError { throw node.error("invalid JSONPath: \(e.reason)") }
    }

    static func parseExpectation(_ node: JSONNode, allowed: Set<String>) throws -> Expectation {
        _ = try node.object(allowing: allowed, context: "\"expect\" of this step")
        var e = Expectation()
        if let s = node.optional("status") { e.status = try StatusMatcher.parse(s) }
        // An hour: beyond it a budget is a typo, and it would only hide a hung request.
        if let m = node.optional("maxMs") { e.maxMs = try m.number(min: 0, max: 3_600_000) }
        if let r = node.optional("rowCount") { e.rowCount = try r.int(min: 0) }
        if let x = node.optional("exists") { e.exists = try x.bool() }
        if let h = node.optional("headers") {
            e.headers = try h.entries().map { ($0.key.lowercased(), try Predicate.parseAll($0.node)) }
        }
        if let j = node.optional("json") {
            e.json = try j.entries().map { entry in
                let keyNode = JSONNode(value: .string(entry.key), pointer: entry.node.pointer, file: node.file)
                return (try path(keyNode), try Predicate.parseAll(entry.node))
            }
        }
        if let b = node.optional("body") { e.body = try Predicate.parseAll(b) }
        return e
    }
}

extension Step {
    /// Every variable the step reads, for the check before the run.
    public var variables: [String] {
        var out = expect?.variables ?? []
        switch kind {
        case .signUp, .signIn, .token, .check: break
        case .call(let c):
            out += (c.id?.variables ?? []) + (c.body?.variables ?? []) + c.query.flatMap(\.1.variables)
        case .request(let r):
            out += r.url.variables + r.headers.flatMap(\.1.variables) + (r.body?.variables ?? [])
        case .sql(let s): out += s.params.flatMap(\.variables)
        case .stored(let s): out += s.id.variables
        }
        return out
    }
}
