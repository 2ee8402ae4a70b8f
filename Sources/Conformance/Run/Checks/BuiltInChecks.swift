/// The registry of implemented built-in checks, by the name scenarios use.
enum BuiltInChecks {
    static let all: [String: any BuiltInCheck] = [
        "load": LoadPhase(),
        "tokenLifetime": TokenLifetime(),
        "frontend": FrontendCheck(),
        "credentials": CredentialAttacks(),
        "identity": IdentityImpostors(),
        "isolation": IsolationMatrix(),
        "apiMatchesDatabase": APIMatchesDatabase(),
        "massAssignment": MassAssignment(),
        "ownership": Ownership(),
        "concurrency": Concurrency(),
        "injection": Injection(),
        "unnamedRoutes": UnnamedRoutes(),
        "betterAuthProtocol": BetterAuthProtocol(),
        "betterAuthAccounts": BetterAuthAccounts(),
        "foreignPasswordHashes": ForeignPasswordHashes(),
        "jwtSignatures": JWTSignatures(),
        "customAuthRoutes": CustomAuthRoutes(),
        "neonDatabase": NeonDatabase(),
        "betterAuthSchema": BetterAuthSchema(),
        "rowsInDatabase": RowsInDatabase(),
    ]
}
