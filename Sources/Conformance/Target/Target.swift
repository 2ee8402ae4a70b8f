/// Where the app under test is and how it is shaped. Defaults are the official Phase II shape, so a
/// conforming app needs only its three URLs.
public struct Target: Sendable {
    public var authURL: String
    public var authBasePath: String = "/api/auth"
    public var apiURL: String
    public var databaseURL: String?
    /// A second role for the clean-up's DELETEs (`--cleanup-database-url`), so the run itself
    /// can read with a SELECT-only role; nil: the clean-up uses `databaseURL`.
    public var cleanupDatabaseURL: String?
    /// `BETTER_AUTH_SECRET`, when given: lets the harness mint validly signed tokens to probe the API.
    public var secret: String?
    public var identity: Identity = .betterAuth
    public var tokenSource: TokenSource = .jwtEndpoint
    public var denyStatuses: Set<Int> = [401, 403, 404]
    public var openAPIPath: String? = "/openapi.json"
    public var publicRoutes: [String] = []
    public var resources: [String: Resource] = ["tasks": .officialTasks]
    public var authTables = AuthTables()
    public var expectNeon = true
    public var neonBranch: String?
    public var caFile: String?
    public var requestTimeout: Double = 30
    /// The front end, for SC-006 (checked in a headless browser when one is installed).
    public var frontendURL: String?
    /// How the run's test users are named (their email domain).
    public var users = TestUserSettings()

    public init(authURL: String, apiURL: String, databaseURL: String?) {
        self.authURL = authURL
        self.apiURL = apiURL
        self.databaseURL = databaseURL
    }

    public enum TokenSource: String, Sendable, CaseIterable {
        /// `GET {base}/token` with the session cookie (Better Auth's JWT plugin).
        case jwtEndpoint = "jwt"
        /// The `set-auth-jwt` header of `GET {base}/get-session`.
        case sessionHeader = "get-session-header"
        /// The session token itself as a bearer (apps using the bearer plugin, no JWT).
        case sessionToken = "session"
    }

    public enum Identity: Sendable {
        case betterAuth
        /// An app's own register/login routes; its SC-011 then fails with that as evidence.
        case custom(CustomIdentity)
        /// No login at all (`"identity": "none"`): the harness picks each user's id, and anybody
        /// can act as anybody — SC-003, SC-004 and SC-011 fail with that as evidence.
        case none

        public var isBetterAuth: Bool { if case .betterAuth = self { return true }; return false }
        public var hasLogin: Bool { if case .none = self { return false }; return true }
    }

    /// The table holding the app's users, when the target says or implies which: Better Auth's
    /// `user` table, or the one a custom identity names. nil: to be discovered from the database.
    public var declaredUserTable: UserTable? {
        switch identity {
        case .betterAuth: return UserTable(schema: authTables.schema, table: authTables.user)
        case .custom(let c): return c.users
        case .none: return nil
        }
    }

    public var authBaseURL: String { Self.join(authURL, authBasePath) }

    static func join(_ base: String, _ path: String) -> String {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        if path.isEmpty { return b }
        return b + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// `scheme://host[:port]` of a URL, used for `Origin` headers and the same-origin rule.
    public static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let hostEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        return String(url[..<schemeEnd.upperBound]) + afterScheme[..<hostEnd]
    }
}

public struct CustomIdentity: Sendable {
    public var baseURL: String
    public var signUpPath: String
    public var signInPath: String
    public var signUpBody: JSONTemplate
    public var signInBody: JSONTemplate
    public var tokenPath: JSONPath
    public var userIdPath: JSONPath
    /// The app's own users table, for clean-up and the ownership checks (`auth.identity.users`).
    public var users: UserTable?
}

/// The run's test users: `cf-<run id>-<name>-<random>@<emailDomain>`. The default domain is under
/// `example.com` (reserved by IANA, RFC 2606: no mailbox is ever reached) because validators such
/// as pydantic's `EmailStr` reject special-use names like `.test`.
public struct TestUserSettings: Sendable, Equatable {
    public static let defaultEmailDomain = "conformance.example.com"
    public var emailDomain = TestUserSettings.defaultEmailDomain
    public init() {}

    /// Why a domain cannot carry test users, or nil when it can: the common validators
    /// (email-validator as pydantic uses it, zod, Better Auth) must all accept it.
    public static func problem(withDomain domain: String) -> String? {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 200 else { return "expected a domain with at least one dot, e.g. \"\(defaultEmailDomain)\"" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63,
                  label.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
                  label.first != "-", label.last != "-" else {
                return "expected lowercase letters, digits and hyphens between dots, found \"\(domain)\""
            }
        }
        if let tld = labels.last, tld.count < 2 || tld.allSatisfy(\.isNumber) { return "\"\(tld)\" is not a top-level domain" }
        if let tld = labels.last.map(String.init), ["test", "invalid", "local", "localhost", "onion", "arpa"].contains(tld) {
            return "\".\(tld)\" is a special-use name that email validators such as pydantic's EmailStr reject; use a name under example.com, e.g. \"\(defaultEmailDomain)\""
        }
        return nil
    }
}

/// A table of users: Better Auth's `user`, or an app's own (`app_users`, `users`...).
public struct UserTable: Sendable, Equatable {
    public var schema = "public"
    public var table: String
    public var idColumn = "id"
    public var emailColumn = "email"

    public init(schema: String = "public", table: String, idColumn: String = "id", emailColumn: String = "email") {
        self.schema = schema
        self.table = table
        self.idColumn = idColumn
        self.emailColumn = emailColumn
    }

    public var qualified: String { SQLName.quote(schema) + "." + SQLName.quote(table) }
    public var display: String { schema == "public" ? table : "\(schema).\(table)" }
}

/// Better Auth's tables; renamed with `modelName`/`usePlural`, or in `neon_auth` for Neon Auth.
public struct AuthTables: Sendable {
    public var schema = "public"
    public var user = "user"
    public var account = "account"
    public var session = "session"
    public var jwks = "jwks"

    func qualified(_ table: String) -> String { SQLName.quote(schema) + "." + SQLName.quote(table) }
    public var userTable: String { qualified(user) }
    public var accountTable: String { qualified(account) }
    public var sessionTable: String { qualified(session) }
    public var jwksTable: String { qualified(jwks) }
}

/// A kind of object the API owns per user (tasks, todos, conversations...), with its routes, its
/// JSON field names and its table. Scenarios use the logical field names; the target maps them.
public struct Resource: Sendable {
    public var name: String
    public var table: String
    public var schema = "public"
    public var ownerColumn: String
    public var idColumn = "id"
    public var idType: IDType = .integer
    /// logical field → the API's JSON field, where they differ.
    public var fields: [String: String] = [:]
    /// logical field → the table's column, where they differ from the JSON field.
    public var columns: [String: String] = [:]
    /// Text fields the harness fills with taint markers.
    public var textFields: [String] = ["title", "description"]
    /// Fields a create needs besides the text fields.
    public var requiredFields: [String] = ["title"]
    public var objectPath: JSONPath?
    public var listPath: JSONPath?
    public var routes: [Operation: Route]
    /// Operations the target declares the app does not have (`"toggle": null`).
    public var absentOperations: Set<Operation> = []
    /// When toggling is "send the flag's opposite" rather than a bodiless call, the logical flag.
    public var toggleSends: String?
    public var completedField = "completed"

    public enum IDType: String, Sendable, CaseIterable { case integer, uuid, string }

    /// A well-formed id no object has, for probes that must not touch anyone's data: the app
    /// then answers as for a missing object, not with a 422 about the id's syntax.
    public var absentID: String {
        switch idType {
        case .integer: return "0"
        case .uuid: return "00000000-0000-0000-0000-000000000000"
        case .string: return "cf-absent"
        }
    }

    public func apiField(_ logical: String) -> String { fields[logical] ?? logical }
    public func logicalField(forAPI api: String) -> String { fields.first(where: { $0.value == api })?.key ?? api }
    public func column(_ logical: String) -> String {
        if logical == "owner" { return ownerColumn }
        return columns[logical] ?? fields[logical] ?? logical
    }
    public func logicalField(forColumn column: String) -> String {
        if column == ownerColumn { return "owner" }
        if column == idColumn { return "id" }
        if let l = columns.first(where: { $0.value == column })?.key { return l }
        return logicalField(forAPI: column)
    }
    public var qualifiedTable: String { SQLName.quote(schema) + "." + SQLName.quote(table) }

    public static let officialTasks = Resource(
        name: "tasks", table: "tasks", ownerColumn: "user_id",
        routes: [
            .list: Route(method: "GET", path: "/api/{userId}/tasks"),
            .create: Route(method: "POST", path: "/api/{userId}/tasks"),
            .get: Route(method: "GET", path: "/api/{userId}/tasks/{id}"),
            .update: Route(method: "PUT", path: "/api/{userId}/tasks/{id}"),
            .delete: Route(method: "DELETE", path: "/api/{userId}/tasks/{id}"),
            .toggle: Route(method: "PATCH", path: "/api/{userId}/tasks/{id}/complete"),
        ])
}

/// `METHOD /path/{userId}/things/{id}`.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String

    public var description: String { "\(method) \(path)" }
    public var hasUserId: Bool { path.contains("{userId}") }

    public func render(userId: String?, id: String?) -> String {
        var p = path
        if let userId { p = p.replacingOccurrences(of: "{userId}", with: URLPath.escape(userId)) }
        if let id { p = p.replacingOccurrences(of: "{id}", with: URLPath.escape(id)) }
        return p
    }
}

public enum SQLName {
    /// Quotes an identifier; `"user"` is reserved and Better Auth's columns are camelCase.
    public static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

public enum URLPath {
    /// Percent-encodes one path segment (injection probes put hostile text there).
    public static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII, c.isLetter || c.isNumber || "-._~".contains(c) { out.append(c) }
            else { out += String(format: "%%%02X", b) }
        }
        return out
    }
}

import Foundation
