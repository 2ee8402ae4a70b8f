/// The built-in checks a scenario can ask for with `{"check": NAME, "with": {...}}`. The names
/// are a closed set; `Run/Checks/CheckRegistry.swift` maps each to its implementation.
public enum CheckName: String, Sendable, CaseIterable, Codable {
    case isolation, credentials, identity, unnamedRoutes, massAssignment, concurrency, injection
    case ownership, apiMatchesDatabase
    case betterAuthProtocol, betterAuthAccounts, foreignPasswordHashes, jwtSignatures, customAuthRoutes
    case neonDatabase, betterAuthSchema, rowsInDatabase
    case load, tokenLifetime, frontend

    /// Checks whose figures other traffic would distort: they run alone, after the rest.
    public var runsAlone: Bool { self == .load }
}

/// One parameter a check takes: how it is validated, its default and what it means. The same
/// declaration validates scenario files, fills defaults before decoding, and is what
/// docs/checks.md is checked against.
public struct ParameterSpec: Sendable {
    public enum Kind: Sendable {
        case integer(min: Int, max: Int)
        case number(min: Double, max: Double)
        case string
        case strings
        case statuses
        case boolean
        /// Screen sizes, "320" or "320x640", 100 to 8192 px.
        case viewports
    }

    public var name: String
    public var kind: Kind
    /// Filled in before decoding when the scenario leaves the parameter out; nil means the
    /// parameter is optional and its absence has a meaning of its own (the target's value).
    public var defaultValue: JSONValue?
    public var meaning: String

    public init(_ name: String, _ kind: Kind, default defaultValue: JSONValue? = nil, _ meaning: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.meaning = meaning
    }

    static func isViewport(_ text: String) -> Bool {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { Int($0).map { (100...8192).contains($0) } ?? false }
    }

    /// nil when the value fits, else what was expected, in words for the scenario's author.
    func problem(with value: JSONValue) -> String? {
        switch kind {
        case .integer(let lo, let hi):
            guard let n = value.intValue, n >= lo, n <= hi else { return "expected an integer from \(lo) to \(hi)" }
        case .number(let lo, let hi):
            guard let n = value.numberValue, n.isFinite, n >= lo, n <= hi else {
                return "expected a number from \(JSONWriter.format(lo)) to \(JSONWriter.format(hi))"
            }
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

/// A check's parameters as a typed value. `specs` declares them; the decoder fills the struct
/// from the scenario's `with` object, defaults filled in from the specs first.
public protocol CheckParameters: Decodable, Sendable {
    static var specs: [ParameterSpec] { get }
}

/// Parameters of checks that act on one of the target's resources.
public protocol ResourceParameters: CheckParameters {
    var resource: String { get }
}

extension ParameterSpec {
    /// The `resource` parameter, the same for every check that takes one.
    static let resource = ParameterSpec("resource", .string, default: "tasks", "The target's resource to probe.")
    /// The `denyWith` parameter; absent means the target's `denyWith`.
    static let denyWith = ParameterSpec("denyWith", .statuses, "Statuses that count as a denial (default: the target's `denyWith`).")
}

/// A check without parameters.
public struct NoParameters: CheckParameters {
    public static let specs: [ParameterSpec] = []
}

extension CheckParameters {
    /// Decodes the scenario's `with` object (already validated against `specs`) with the
    /// defaults filled in, or reports where it does not fit.
    static func decode(_ given: JSONObject, at pointer: JSONPointer) throws -> Self {
        var filled = given
        for spec in specs where filled[spec.name] == nil {
            if let value = spec.defaultValue { filled[spec.name] = value }
        }
        return try JSONValueDecoder().decode(Self.self, from: .object(filled), at: pointer)
    }

    /// The parameters with nothing given: every default.
    static func defaults() throws -> Self { try decode(JSONObject(), at: JSONPointer()) }
}
