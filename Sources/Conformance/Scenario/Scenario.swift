/// A scenario file, validated: the criterion it checks, the users it needs and its steps.
public struct Scenario: Sendable {
    public var id: String
    public var criterion: String
    public var title: String
    public var tags: [String]
    public var users: [String]
    public var steps: [Step]
    public var file: String
}

/// What a step observed can be checked with: the answer's status, headers, timing and JSON.
public struct Expectation: Sendable {
    public var status: StatusMatcher?
    public var headers: [(name: String, predicates: [Predicate])] = []
    public var json: [(path: JSONPath, predicates: [Predicate])] = []
    public var body: [Predicate] = []
    public var maxMs: Double?
    public var rowCount: Int?
    public var exists: Bool?

    var variables: [String] {
        headers.flatMap { $0.predicates.flatMap(\.variables) } + json.flatMap { $0.predicates.flatMap(\.variables) }
            + body.flatMap(\.variables)
    }
}

/// One step of a scenario. Parsed in `ScenarioLoader`, executed in `Run/StepRunner`, judged in
/// `Oracles/ExpectationOracle` (and by the built-in checks' own oracles).
public struct Step: Sendable {
    public enum Kind: Sendable {
        /// Make sure the user exists (created once per run through the identity provider).
        case signUp(user: String)
        /// Sign in again with the user's credentials and obtain a fresh session.
        case signIn(user: String)
        /// Obtain a fresh API token for the user.
        case token(user: String)
        /// A logical API operation such as `tasks.create`, mapped through the target.
        case call(CallStep)
        /// A raw HTTP request.
        case request(RequestStep)
        /// A read-only SQL query.
        case sql(SQLStep)
        /// A row of an owned resource, read through the target's table mapping.
        case stored(StoredStep)
        /// A built-in check that expands into many probes (isolation matrix, credential attacks, ...).
        case check(CheckStep)
    }

    public var name: String
    public var kind: Kind
    public var expect: Expectation?
    public var capture: [(variable: String, path: JSONPath)]
    public var pointer: JSONPointer
}

public struct CallStep: Sendable {
    public var resource: String
    public var operation: Operation
    public var user: String?           // nil: no credentials at all
    public var id: JSONTemplate?
    public var body: JSONTemplate?
    public var rawBody: String?        // sent as is (malformed JSON probes)
    public var query: [(String, Template)]
}

public struct RequestStep: Sendable {
    public var method: String
    public var url: Template           // absolute, or a path relative to the API base URL
    public var headers: [(String, Template)]
    public var body: JSONTemplate?
    public var rawBody: String?
    public var user: String?
}

public struct SQLStep: Sendable {
    public var sql: String
    public var params: [JSONTemplate]
}

public struct StoredStep: Sendable {
    public var resource: String
    public var id: JSONTemplate
}

public struct CheckStep: Sendable {
    public var check: CheckName
    /// The `with` object as written, for the plan and the reports.
    public var given: JSONObject
    /// The same, decoded into the check's typed parameters with every default filled in.
    public var parameters: any CheckParameters
}

/// The logical operations every resource may map to a route.
public enum Operation: String, Sendable, CaseIterable {
    case list, create, get, update, delete, toggle

    public var isPerObject: Bool { self != .list && self != .create }
    public var writes: Bool { self != .list && self != .get }
}
