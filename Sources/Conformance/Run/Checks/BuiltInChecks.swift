/// A built-in check: expands into probes and judges each with its oracles, one test case per probe.
public protocol BuiltInCheck: Sendable {
    associatedtype Parameters: CheckParameters
    static var name: CheckName { get }
    /// The step's name when the scenario gives none.
    static var title: String { get }
    init()
    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult]
    /// The probes the check will send, for `conformance plan` (Plan/CheckPlans.swift).
    func plan(_ parameters: Parameters, _ context: PlanContext) -> [String]
    /// Why the check cannot run against this target at all (no front-end URL...), or nil. A
    /// scenario whose every step is such a check is skipped before any user is created, so
    /// that nothing else going wrong can turn its skip into an error.
    func unmet(_ parameters: Parameters, _ target: Target) -> String?
}

extension BuiltInCheck {
    public func unmet(_ parameters: Parameters, _ target: Target) -> String? { nil }
}

/// One built-in check with its parameters' declaration, its implementation behind a
/// type-erased seam so that the registry can hold them all.
public struct CheckDescriptor: Sendable {
    public let name: CheckName
    public let title: String
    public let specs: [ParameterSpec]
    let decode: @Sendable (JSONObject, JSONPointer) throws -> any CheckParameters
    let run: @Sendable (CheckInput, any CheckParameters) async -> [CaseResult]
    let plan: @Sendable (any CheckParameters, PlanContext) -> [String]
    let unmet: @Sendable (any CheckParameters, Target) -> String?

    init<C: BuiltInCheck>(_ check: C) {
        name = C.name
        title = C.title
        specs = C.Parameters.specs
        decode = { given, pointer in try C.Parameters.decode(given, at: pointer) }
        plan = { parameters, context in
            guard let typed = parameters as? C.Parameters else { return [] }
            return check.plan(typed, context)
        }
        unmet = { parameters, target in
            guard let typed = parameters as? C.Parameters else { return nil }
            return check.unmet(typed, target)
        }
        run = { input, parameters in
            // The loader decoded these parameters with this very descriptor.
            guard let typed = parameters as? C.Parameters else { return [] }
            return await check.run(input, typed)
        }
    }
}

/// The one registry of built-in checks: the loader validates and decodes with it, the runner
/// runs with it, docs/checks.md is checked against it.
public enum CheckRegistry {
    static let descriptors: [CheckName: CheckDescriptor] = {
        let all: [CheckDescriptor] = [
            CheckDescriptor(IsolationMatrix()), CheckDescriptor(CredentialAttacks()), CheckDescriptor(IdentityImpostors()),
            CheckDescriptor(UnnamedRoutes()), CheckDescriptor(MassAssignment()), CheckDescriptor(Concurrency()),
            CheckDescriptor(Injection()), CheckDescriptor(Ownership()), CheckDescriptor(APIMatchesDatabase()),
            CheckDescriptor(BetterAuthProtocol()), CheckDescriptor(BetterAuthAccounts()), CheckDescriptor(ForeignPasswordHashes()),
            CheckDescriptor(JWTSignatures()), CheckDescriptor(CustomAuthRoutes()), CheckDescriptor(NeonDatabase()),
            CheckDescriptor(BetterAuthSchema()), CheckDescriptor(RowsInDatabase()), CheckDescriptor(LoadPhase()),
            CheckDescriptor(TokenLifetime()), CheckDescriptor(FrontendCheck()),
        ]
        return Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }()

    /// Every check has a descriptor (a test holds the registry to `CheckName.allCases`).
    public static func descriptor(_ name: CheckName) -> CheckDescriptor? { descriptors[name] }
}
