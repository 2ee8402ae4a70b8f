import ConformanceCrypto
import Foundation

/// SC-011: the tokens the API works with are Better Auth's — every token the run's users hold
/// verifies against the auth server's JWKS with an asymmetric algorithm — and an HS256 token over
/// the same claims signed with `BETTER_AUTH_SECRET` is refused: a back end that accepts it runs a
/// custom JWT scheme, not Better Auth's JWT plugin.
struct JWTSignatures: BuiltInCheck {
    static let name = CheckName.jwtSignatures
    static let title = "API accepts only JWKS-signed asymmetric JWTs"

    struct Parameters: ResourceParameters {
        let resource: String
        static let specs: [ParameterSpec] = [.resource]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        // The scenario's own users: which other users exist yet depends on the scenarios running
        // beside this one, and the cases must be the same in every run.
        let identities = input.identities
        guard !identities.isEmpty else { return [kit.skipped("JWT signatures", "the scenario has no user")] }
        if context.target.identity.isBetterAuth, context.target.tokenSource == .sessionToken {
            return [kit.skipped("JWT signatures", "the target's API takes Better Auth session tokens (token: session): it accepts no JWT to verify")]
        }
        // The key set the sign-ups verified against (fetched again there when a key id was new).
        let jwks = await context.betterAuth?.jwks()
        let resource = input.resource(parameters)
        var cases: [CaseResult] = []
        for identity in identities {
            cases.append(await verify(identity, jwks: jwks, resource: resource, kit: kit))
        }
        cases.append(await secretSigned(identities, resource: resource, kit: kit))
        return cases
    }

    /// One user's token: asymmetric, signed by a JWKS key, for that user. Whether the API took it
    /// (a list call) goes into the evidence, so a failure says if a foreign token was accepted.
    func verify(_ identity: Identity, jwks: JWKS?, resource: Resource?, kit: CheckKit) async -> CaseResult {
        let context = kit.context
        let name = "\(identity.logicalName)'s API token verifies against Better Auth's JWKS"
        guard let token = identity.apiToken else {
            return kit.skipped(name, "\(identity.logicalName) holds no API token" + (identity.tokenProblems.first.map { ": \($0)" } ?? ""))
        }
        let problems = JWTVerifier.problems(token: token, jwks: jwks, expectedSubject: identity.id)
        var notes: [String] = []
        if let jwt = try? JWT(compact: token) {
            notes.append("header alg \(jwt.algorithm ?? "(none)"), kid \(jwt.keyID ?? "(none)"); sub \(jwt.subject ?? "(none)")")
        }
        var evidence: [Evidence] = []
        var accepted: Int?
        if let resource, resource.routes[.list] != nil {
            let call = ResourceClient.Call(resource: resource, operation: .list, credentials: .bearer(token), pathUserID: identity.id)
            if let ex = await context.resources.send(call) {
                evidence.append(kit.evidence("\(identity.logicalName)'s token sent to \(resource.name).list", ex))
                accepted = ex.status
            }
        }
        evidence.insert(Evidence(.note, "token", notes.joined(separator: "\n")), at: 0)
        // Where the key set was looked for, named only when none could be fetched.
        let jwksURL = jwks == nil ? context.betterAuth?.client.url("/jwks") : nil
        guard let breach = JWTSignatureOracle.token(problems: problems, jwksURL: jwksURL, apiStatus: accepted, user: identity.logicalName) else {
            return kit.passed(name, 0, evidence)
        }
        return kit.failed(name, 0, breach.oracle, breach.message, evidence)
    }

    /// An HS256 token with a user's claims, signed with the shared secret. Without `kid`, as
    /// custom code mints them, so a verifier keyed on the secret is the one being tested.
    func secretSigned(_ identities: [Identity], resource: Resource?, kit: CheckKit) async -> CaseResult {
        let context = kit.context
        let name = "an HS256 token signed with BETTER_AUTH_SECRET is refused"
        guard let secret = context.target.secret, !secret.isEmpty else {
            return kit.skipped(name, "no BETTER_AUTH_SECRET was given (in the environment or the .env file): an HS256 token signed with it cannot be made")
        }
        guard let resource, resource.routes[.list] != nil else { return kit.skipped(name, "the target maps no list route to send it to") }
        guard let user = identities.first else { return kit.skipped(name, "no user") }
        let claims = Self.claims(for: user, issuer: Target.origin(of: context.target.authURL))
        let header = JSONObject([("alg", .string("HS256")), ("typ", .string("JWT"))])
        let token = JWT.make(header: header, claims: claims) { JWSSignature.signHS256(signingInput: $0, secret: Array(secret.utf8)) }
        context.redactor.add(token)
        let call = ResourceClient.Call(resource: resource, operation: .list, credentials: .bearer(token), pathUserID: user.id)
        guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no list route") }
        if let e = kit.errored(name, ex) { return e }
        let evidence = [Evidence(.note, "token", "header {\"alg\":\"HS256\",\"typ\":\"JWT\"}; \(user.logicalName)'s claims (sub \(user.id)); HMAC-SHA256 keyed with BETTER_AUTH_SECRET"),
                        kit.evidence(name, ex)]
        if let breach = JWTSignatureOracle.secretSigned(status: ex.status ?? 0, resource: resource.name) {
            return kit.failed(name, ex.seconds, breach.oracle, breach.message, evidence)
        }
        // A refusal proves the secret-signed token was the reason only when the same list answers
        // the user's genuine token: else the route is missing or takes no token at all.
        let genuine = ResourceClient.Call(resource: resource, operation: .list, credentials: kit.credentials(user), pathUserID: user.id)
        guard let own = await context.resources.send(genuine), own.transportError == nil else {
            return kit.notJudged(name, "refused, but \(user.logicalName)'s own token could not be sent to the same route", evidence)
        }
        if let why = OwnCallOracle.refusal(status: own.status ?? 0) {
            return kit.notJudged(name, "refused (\(ex.status ?? 0)), but \(user.logicalName)'s own token on the same route \(why): the refusal proves nothing",
                                 evidence + [kit.evidence("\(user.logicalName)'s own token on \(resource.name).list", own)])
        }
        return kit.passed(name, ex.seconds, evidence)
    }

    /// The claims of the user's genuine token when it is a JWT, else Better Auth's shape; always
    /// fresh (`iat` now, `exp` in 15 minutes) so that expiry cannot be the reason for a refusal.
    static func claims(for user: Identity, issuer: String, now: Date = Date()) -> JSONObject {
        var claims = user.apiToken.flatMap { try? JWT(compact: $0) }?.claims
            ?? JSONObject([("id", .string(user.id)), ("email", .string(user.email)), ("name", .string(user.name)),
                           ("emailVerified", .bool(false)), ("iss", .string(issuer)), ("aud", .string(issuer))])
        let iat = now.timeIntervalSince1970.rounded(.down)
        claims["sub"] = .string(user.id)
        claims["iat"] = .number(iat)
        claims["exp"] = .number(iat + 900)
        return claims
    }
}
