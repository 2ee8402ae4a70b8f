/// The built-in checks a scenario can ask for with `{"check": NAME, "with": {...}}`, and the
/// parameters each takes. The loader validates against this list; `Run/Checks/` implements them.
public struct CheckCatalog: Sendable {
    public enum Parameter: Sendable {
        case integer(min: Int, max: Int)
        case number(min: Double, max: Double)
        case string
        case strings
        case statuses
        case boolean
        /// Screen sizes, "320" or "320x640", 100 to 8192 px.
        case viewports

        static func isViewport(_ text: String) -> Bool {
            let parts = text.split(separator: "x", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count) && parts.allSatisfy { Int($0).map { (100...8192).contains($0) } ?? false }
        }

        func problem(with value: JSONValue) -> String? {
            switch self {
            case .integer(let lo, let hi):
                guard let n = value.intValue, n >= lo, n <= hi else { return "expected an integer from \(lo) to \(hi)" }
            case .number(let lo, let hi):
                guard let n = value.numberValue, n >= lo, n <= hi else { return "expected a number from \(JSONWriter.format(lo)) to \(JSONWriter.format(hi))" }
            case .string:
                guard value.stringValue != nil else { return "expected a string" }
            case .strings:
                guard let a = value.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else { return "expected an array of strings" }
            case .statuses:
                guard let a = value.arrayValue, !a.isEmpty,
                      a.allSatisfy({ ($0.intValue).map { (100...599).contains($0) } ?? false })
                else { return "expected a non-empty array of HTTP statuses" }
            case .boolean:
                guard value.boolValue != nil else { return "expected true or false" }
            case .viewports:
                guard let a = value.arrayValue, !a.isEmpty, a.allSatisfy({ $0.stringValue.map(Self.isViewport) ?? false }) else {
                    return "expected a non-empty array of widths such as \"320\" or \"320x640\" (100 to 8192 px)"
                }
            }
            return nil
        }
    }

    public struct Spec: Sendable {
        public var title: String
        public var parameters: [String: Parameter]
    }

    public var checks: [String: Spec]

    public static let standard = CheckCatalog(checks: [
        "isolation": Spec(title: "cross-user matrix", parameters: [
            "resource": .string, "denyWith": .statuses, "objectsPerUser": .integer(min: 1, max: 10),
            "operations": .strings]),
        "credentials": Spec(title: "broken and forged credentials", parameters: [
            "resource": .string, "denyWith": .statuses]),
        "identity": Spec(title: "identity provider refuses impostors", parameters: [:]),
        "unnamedRoutes": Spec(title: "routes found in OpenAPI", parameters: ["publicRoutes": .strings]),
        "massAssignment": Spec(title: "owner fields in request bodies", parameters: [
            "resource": .string, "ownerFields": .strings]),
        "concurrency": Spec(title: "concurrent users", parameters: [
            "resource": .string, "users": .integer(min: 2, max: 64), "rounds": .integer(min: 1, max: 100)]),
        "injection": Spec(title: "hostile strings", parameters: ["resource": .string]),
        "ownership": Spec(title: "every owned row belongs to an existing user", parameters: [:]),
        "apiMatchesDatabase": Spec(title: "API lists equal the database", parameters: ["resource": .string]),
        "betterAuthProtocol": Spec(title: "Better Auth routes and shapes", parameters: [:]),
        "betterAuthAccounts": Spec(title: "credential accounts with scrypt hashes", parameters: [:]),
        "foreignPasswordHashes": Spec(title: "no other password-hash format stored", parameters: [:]),
        "jwtSignatures": Spec(title: "API accepts only JWKS-signed asymmetric JWTs", parameters: [:]),
        "customAuthRoutes": Spec(title: "no home-made auth routes", parameters: ["extraPatterns": .strings]),
        "neonDatabase": Spec(title: "database is Neon", parameters: [:]),
        "betterAuthSchema": Spec(title: "Better Auth schema and owner references", parameters: [:]),
        "rowsInDatabase": Spec(title: "API writes land in this database", parameters: ["resource": .string]),
        "load": Spec(title: "latency under load", parameters: [
            "seconds": .number(min: 0.5, max: 3600), "concurrency": .integer(min: 1, max: 512), "p95Ms": .number(min: 1, max: 600_000),
            "users": .integer(min: 1, max: 32), "resource": .string]),
        "tokenLifetime": Spec(title: "token lifetime", parameters: ["expectedSeconds": .integer(min: 1, max: 31_536_000),
                                                                    "toleranceSeconds": .integer(min: 0, max: 86_400)]),
        "frontend": Spec(title: "front end at 320, 768 and 1280 px", parameters: ["widths": .viewports, "url": .string]),
    ])
}
