import ConformanceCrypto
import Foundation

/// SC-009: tokens expire after the stated lifetime, and expired tokens are refused. The lifetime
/// is read from what the auth server really issued (`exp - iat` of each user's API token) and
/// judged against `expectedSeconds` (the spec's 7 days by default). Better Auth's JWT plugin
/// issues 15-minute tokens unless configured, so the report names that default next to the
/// figure: a judge then sees at once whether the team changed the setting at all.
struct TokenLifetime: BuiltInCheck {
    static let name = CheckName.tokenLifetime
    static let title = "token lifetime"

    struct Parameters: ResourceParameters {
        let expectedSeconds: Int
        let toleranceSeconds: Int
        let resource: String
        static let specs: [ParameterSpec] = [
            ParameterSpec("expectedSeconds", .integer(min: 1, max: 31_536_000), default: 604_800, "The stated lifetime (1 to 31 536 000)."),
            ParameterSpec("toleranceSeconds", .integer(min: 0, max: 86_400), default: 3600, "Allowed difference (0 to 86 400)."),
            .resource,
        ]
    }

    /// Better Auth's `jwt.expirationTime` default ("15m"): the oracle's, which names it in messages.
    static let betterAuthDefault = TokenLifetimeOracle.betterAuthDefault

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let kit = CheckKit(context: input.context)
        let expected = Double(parameters.expectedSeconds)
        let tolerance = Double(parameters.toleranceSeconds)
        let users = input.identities
        guard let first = users.first else { return [kit.skipped("token lifetime", "the scenario names no user whose token could be read")] }
        var cases = users.map { lifetime(of: $0, expected: expected, tolerance: tolerance, kit: kit) }
        cases.append(await expiredRefused(first, input: input, parameters: parameters, kit: kit))
        return cases
    }

    // MARK: lifetime

    func lifetime(of user: Identity, expected: Double, tolerance: Double, kit: CheckKit) -> CaseResult {
        let name = "lifetime of \(user.logicalName)'s API token is \(Self.duration(expected))"
        guard let token = user.apiToken else { return kit.skipped(name, "\(user.logicalName) has no API token") }
        guard let jwt = try? JWT(compact: token) else {
            return kit.skipped(name, "the API token is not a JWT (token source \(kit.context.target.tokenSource.rawValue)): it carries no lifetime to read")
        }
        var claims = ["alg: \(jwt.algorithm ?? "(none)")"]
        if let iat = jwt.issuedAt { claims.append("iat: \(Self.int(iat)) (\(Self.timestamp(iat)))") }
        if let exp = jwt.expiresAt { claims.append("exp: \(Self.int(exp)) (\(Self.timestamp(exp)))") }

        let reading = TokenLifetimeOracle.reading(exp: jwt.expiresAt, iat: jwt.issuedAt, now: Date().timeIntervalSince1970)
        if let reading {
            claims.append("lifetime (\(reading.how)): \(Self.int(reading.seconds)) s = \(Self.duration(reading.seconds))")
            claims.append("expected: \(Self.int(expected)) s ± \(Self.int(tolerance)) s; Better Auth's default: \(Self.int(Self.betterAuthDefault)) s")
        }
        let figures = Evidence(.figures, "claims of \(user.logicalName)'s token", claims.joined(separator: "\n"))

        switch TokenLifetimeOracle.lifetime(reading, expected: expected, tolerance: tolerance) {
        case .kept(let note):
            return kit.passed(name, 0, [Evidence(.note, "verdict", note), figures])
        case .breach(let oracle, let message) where reading == nil:
            // No exp: there is no lifetime to compare, so no setting to point at either.
            return kit.failed(name, 0, oracle, message, [figures])
        case .breach(let oracle, let message):
            let hint = Evidence(.note, "where the lifetime is set",
                                "Better Auth's JWT plugin: jwt({ jwt: { expirationTime: \"\(Self.betterAuthSetting(expected))\" } }); a back end minting its own tokens sets exp itself")
            return kit.failed(name, 0, oracle, message, [figures, hint])
        }
    }

    // MARK: expired token

    /// Mints the user's own token with `iat` and `exp` in the past, validly signed with the auth
    /// server's key (recovered from the database with BETTER_AUTH_SECRET), and sends it to the
    /// user's list. A genuine token goes first as the control: if it too is refused, a refusal
    /// of the expired one proves nothing.
    func expiredRefused(_ user: Identity, input: CheckInput, parameters: Parameters, kit: CheckKit) async -> CaseResult {
        let name = "an expired token is refused"
        let context = input.context
        guard let resource = input.resource(parameters), resource.routes[.list] != nil else {
            return kit.skipped(name, "the target maps no list operation to send the expired token to")
        }
        let owner = await CredentialAttacks().freshToken(user, context: context)
        guard let token = owner.apiToken else { return kit.skipped(name, "\(owner.logicalName) has no API token") }
        guard let genuine = try? JWT(compact: token) else { return kit.skipped(name, "the API token is not a JWT: there is no expiry to forge") }

        let signer = await self.signer(for: genuine, context: context)
        let jwks = await context.betterAuth?.jwks()
        let forge = TokenForge(.init(genuine: genuine, jwks: jwks, publishedJWKS: nil, secret: context.target.secret, signer: signer,
                                     otherSubject: owner.id, sessionToken: nil, basicUser: owner.email))
        let probe = forge.expired(genuine)
        guard case .send(let credentials) = probe.payload else {
            if case .unavailable(let why) = probe.payload {
                return kit.skipped(name, "needs the signing key (BETTER_AUTH_SECRET) to mint an expired token: \(why)")
            }
            return kit.skipped(name, "no expired token could be minted")
        }
        context.redactor.add(probe.token)

        let control = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(owner), pathUserID: owner.id)
        guard let genuineEx = await context.resources.send(control) else { return kit.skipped(name, "no list route") }
        if let e = kit.errored(name, genuineEx) { return e }
        // Kept a skip, as it always was: the probe is not sent at all, so nothing was observed to judge.
        if let why = TokenLifetimeOracle.controlRefusal(status: genuineEx.status) { return kit.skipped(name, why) }

        let call = ResourceClient.Call(resource: resource, operation: .list, credentials: credentials, pathUserID: owner.id)
        guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no list route") }
        if let e = kit.errored(name, ex) { return e }
        let evidence = [kit.evidence("\(resource.name).list with an expired token", ex), Evidence(.note, "what was sent", probe.summary),
                        kit.evidence("control: the same request with the genuine token", genuineEx)]
        switch TokenLifetimeOracle.expired(status: ex.status ?? 0, controlStatus: genuineEx.status ?? 0, resource: resource.name) {
        case .breach(let oracle, let message): return kit.failed(name, ex.seconds, oracle, message, evidence)
        case .kept(let note): return kit.passed(name, ex.seconds, [Evidence(.note, "verdict", note)] + evidence)
        }
    }

    /// The auth server's own key when the database and secret allow it; the secret for HS256 apps.
    func signer(for genuine: JWT, context: RunContext) async -> Result<GenuineSigner, SigningKeyRecovery.Failure> {
        var recovered: Result<RecoveredSigningKey, SigningKeyRecovery.Failure>?
        if genuine.algorithm != JWSAlgorithm.HS256.rawValue {
            let secrets = SigningKeyRecovery.Secrets(legacy: context.target.secret, secretsVariable: context.environment["BETTER_AUTH_SECRETS"])
            recovered = await SigningKeyRecovery.recover(database: context.database, databaseProblem: context.databaseProblem,
                                                         tables: context.target.authTables, secrets: secrets, kid: genuine.keyID)
            // The private key is the most sensitive thing the harness ever holds.
            if case .success(let key) = recovered { context.redactor.add(key.privateJWK.d) }
        }
        return GenuineSigner.choose(for: genuine, recovered: recovered, secret: context.target.secret)
    }

    // MARK: wording

    /// The oracle's wording, so the figures and the verdict print numbers the same way.
    static func int(_ v: Double) -> String { TokenLifetimeOracle.int(v) }
    static func duration(_ seconds: Double) -> String { TokenLifetimeOracle.duration(seconds) }

    /// The `expirationTime` string that would produce the expected lifetime ("7d", "1h", "900s").
    static func betterAuthSetting(_ seconds: Double) -> String {
        guard let s = Int(exactly: seconds.rounded()), abs(s) < Int(Int32.max) else { return "\(seconds) s" }
        if s > 0, s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s > 0, s % 3600 == 0 { return "\(s / 3600)h" }
        if s > 0, s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }

    static func timestamp(_ epoch: Double) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }
}
