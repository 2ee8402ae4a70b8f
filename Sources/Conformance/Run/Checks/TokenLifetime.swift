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

    /// Better Auth's `jwt.expirationTime` default ("15m").
    static let betterAuthDefault = 900.0
    /// Statuses that refuse a request: SC-003 asks for 401, but a 403 still refuses the token.
    static let refusals: Set<Int> = [401, 403]

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
        let spec = "the spec states \(Self.duration(expected)) (\(Self.int(expected)) s ± \(Self.int(tolerance)) s)"
        var claims = ["alg: \(jwt.algorithm ?? "(none)")"]
        if let iat = jwt.issuedAt { claims.append("iat: \(Self.int(iat)) (\(Self.timestamp(iat)))") }
        if let exp = jwt.expiresAt { claims.append("exp: \(Self.int(exp)) (\(Self.timestamp(exp)))") }

        guard let exp = jwt.expiresAt else {
            return kit.failed(name, 0, .tokenLifetime, "the token has no exp claim: it never expires; \(spec)",
                              [Evidence(.figures, "claims of \(user.logicalName)'s token", claims.joined(separator: "\n"))])
        }
        // Without iat the lifetime is unknowable; what is left from now is a lower bound of it.
        let lived: Double
        var how = "exp - iat"
        if let iat = jwt.issuedAt { lived = exp - iat } else {
            lived = exp - Date().timeIntervalSince1970
            how = "exp - now (no iat claim: a lower bound)"
        }
        claims.append("lifetime (\(how)): \(Self.int(lived)) s = \(Self.duration(lived))")
        claims.append("expected: \(Self.int(expected)) s ± \(Self.int(tolerance)) s; Better Auth's default: \(Self.int(Self.betterAuthDefault)) s")
        let figures = Evidence(.figures, "claims of \(user.logicalName)'s token", claims.joined(separator: "\n"))

        if abs(lived - expected) <= tolerance {
            return kit.passed(name, 0, [Evidence(.note, "verdict", "tokens live \(Self.int(lived)) s (\(Self.duration(lived))); \(spec)"), figures])
        }
        let observed = "tokens live \(Self.int(lived)) s (\(Self.duration(lived))\(lived == Self.betterAuthDefault ? ", Better Auth's default" : ""))"
        var message = "\(observed); \(spec)"
        if lived != Self.betterAuthDefault { message += "; Better Auth's default is \(Self.duration(Self.betterAuthDefault))" }
        let hint = Evidence(.note, "where the lifetime is set",
                            "Better Auth's JWT plugin: jwt({ jwt: { expirationTime: \"\(Self.betterAuthSetting(expected))\" } }); a back end minting its own tokens sets exp itself")
        return kit.failed(name, 0, .tokenLifetime, message, [figures, hint])
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
        guard (200..<300).contains(genuineEx.status ?? 0) else {
            return kit.skipped(name, "the genuine token itself was refused (\(genuineEx.status ?? 0)): a refusal of the expired one would prove nothing")
        }

        let call = ResourceClient.Call(resource: resource, operation: .list, credentials: credentials, pathUserID: owner.id)
        guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no list route") }
        if let e = kit.errored(name, ex) { return e }
        let evidence = [kit.evidence("\(resource.name).list with an expired token", ex), Evidence(.note, "what was sent", probe.summary),
                        kit.evidence("control: the same request with the genuine token", genuineEx)]
        let status = ex.status ?? 0
        guard Self.refusals.contains(status) else {
            return kit.failed(name, ex.seconds, .expiredTokenAccepted,
                              "\(resource.name).list answered \(status) to a validly signed token that expired an hour ago; expired tokens must be refused (401)",
                              evidence)
        }
        return kit.passed(name, ex.seconds, [Evidence(.note, "verdict", "refused with \(status); the genuine token was accepted with \(genuineEx.status ?? 0)")]
                          + evidence)
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

    /// Claims come from outside: a huge or non-finite `exp` must print, not trap.
    static func int(_ v: Double) -> String { Int(exactly: v.rounded()).map(String.init) ?? "\(v)" }

    /// "15 min", "7 days", "1 h 30 min": the two largest units, as a person would say it.
    static func duration(_ seconds: Double) -> String {
        guard let total = Int(exactly: abs(seconds).rounded()), total < Int(Int32.max) else { return "\(seconds) s" }
        let units: [(Int, String, String)] = [(86_400, "day", "days"), (3600, "h", "h"), (60, "min", "min"), (1, "s", "s")]
        var parts: [String] = []
        var rest = total
        for (size, one, many) in units where parts.count < 2 {
            let n = rest / size
            rest %= size
            if n > 0 { parts.append("\(n) \(n == 1 ? one : many)") } else if !parts.isEmpty { break }
        }
        let text = parts.isEmpty ? "0 s" : parts.joined(separator: " ")
        return seconds < 0 ? "-" + text : text
    }

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
