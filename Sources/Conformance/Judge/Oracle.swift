/// Every rule the harness can find broken. The raw value is the JUnit `<failure type>` and the
/// `oracle` of results.json, so CI history and dashboards keep the names they have always had.
public enum Oracle: String, Sendable, CaseIterable, Codable {
    // Isolation (SC-004 and every check that sends cross-user probes)
    case crossUserRead = "CrossUserRead"
    case crossUserWrite = "CrossUserWrite"
    case silentWrite = "SilentWrite"
    case denialStatus = "DenialStatus"
    case massAssignment = "MassAssignment"
    case orphanRow = "OrphanRow"
    // Authentication (SC-003, SC-009, SC-011)
    case unauthenticatedAccess = "UnauthenticatedAccess"
    case forgedTokenAccepted = "ForgedTokenAccepted"
    case expiredTokenAccepted = "ExpiredTokenAccepted"
    case secretSignedJWTAccepted = "SecretSignedJWTAccepted"
    case symmetricJWT = "SymmetricJWT"
    case unverifiedJWT = "UnverifiedJWT"
    case privateKeyPublished = "PrivateKeyPublished"
    case tokenMissing = "TokenMissing"
    case tokenInvalid = "TokenInvalid"
    case tokenLifetime = "TokenLifetime"
    case impostorSignIn = "ImpostorSignIn"
    case impostorSignUp = "ImpostorSignUp"
    case wrongPasswordAccepted = "WrongPasswordAccepted"
    case duplicateAccount = "DuplicateAccount"
    /// The app has no login at all: anybody can act as anybody by naming their id.
    case noLogin = "NoLogin"
    case notBetterAuth = "NotBetterAuth"
    case homeMadeAuth = "HomeMadeAuth"
    case homeMadeAuthRoute = "HomeMadeAuthRoute"
    case foreignPasswordHash = "ForeignPasswordHash"
    // Data (SC-002, SC-007, SC-010, SC-012)
    case specMismatch = "SpecMismatch"
    case captureMissing = "CaptureMissing"
    case lostWrite = "LostWrite"
    case databaseMismatch = "DatabaseMismatch"
    case injectionError = "InjectionError"
    case missingTable = "MissingTable"
    case missingColumn = "MissingColumn"
    case schemaMismatch = "SchemaMismatch"
    case ownerNotBetterAuthUser = "OwnerNotBetterAuthUser"
    case notNeon = "NotNeon"
    case writtenElsewhere = "WrittenElsewhere"
    // Behaviour under load and in the browser (SC-006, SC-008)
    case serverError = "ServerError"
    case noAnswer = "NoAnswer"
    case unexpectedStatus = "UnexpectedStatus"
    case latencyBudget = "LatencyBudget"
    case responsiveLayout = "ResponsiveLayout"
    case horizontalOverflow = "HorizontalOverflow"
    // A probe's own preparation went wrong (its create answered nothing usable). Oracles say so
    // with this; CheckRunner reports it as the `SetupFailed` error, never as a failure.
    case setupFailed = "SetupFailed"
    // A scenario asked for something the harness cannot do with this target.
    case scenarioError = "ScenarioError"
}

/// Why a case could not be carried out: the run's fault or the environment's, never the app's
/// broken rule. The raw value is the JUnit `<error type>`.
public enum ErrorKind: String, Sendable, CaseIterable, Codable {
    case connectionError = "ConnectionError"
    case authUnreachable = "AuthUnreachable"
    /// The app refused to create a test user (its answer is the evidence): setup, not a finding.
    case userNotCreated = "UserNotCreated"
    /// A check's own preparation failed (a create answered no object, a user got no token):
    /// the check could not be carried out, so this is not a finding about the rule it tests.
    case setupFailed = "SetupFailed"
    /// The auth server failed (5xx, no answer) during a case that would otherwise have failed:
    /// a broken dependency, not evidence about the rule.
    case dependencyFailed = "DependencyFailed"
    case databaseUnreachable = "DatabaseUnreachable"
    case queryError = "QueryError"
    case frontendUnreachable = "FrontendUnreachable"
    case browserError = "BrowserError"
    case cryptoError = "CryptoError"
    case targetMismatch = "TargetMismatch"
    case scenarioError = "ScenarioError"
    case internalError = "InternalError"
    case interrupted = "Interrupted"
}
