import ConformanceCrypto
import Foundation

/// The identity provider must not hand one user's account to someone else (SC-003, SC-011):
/// signing in as B with a wrong password, or signing up again with B's email, must never yield a
/// session or token that acts as B. Home-made auth often mints a token for any password, or
/// lets a second sign-up overwrite the first account.
struct IdentityImpostors: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.identity
    static let title = "identity provider refuses impostors"

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let kit = CheckKit(context: input.context)
        // B is the second user when there is one: A stays untouched for the other checks.
        guard let victim = input.identities.dropFirst().first ?? input.identities.first else {
            return [kit.skipped(Self.name.rawValue, "the scenario names no user to impersonate")]
        }
        let probe = ImpostorProbe(context: input.context, kit: kit, victim: victim)
        return [
            await probe.wrongPassword(),
            await probe.signUpAgain(email: victim.email, label: "\(victim.logicalName)'s email"),
            await probe.signUpAgain(email: Self.caseVariant(victim.email), label: "\(victim.logicalName)'s email in upper case"),
        ]
    }

    /// The local part upper-cased. The domain stays as it was, so an account the app wrongly
    /// creates under the variant is still on the run's domain and clean-up finds it.
    static func caseVariant(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return email.uppercased() }
        return email[..<at].uppercased() + email[at...]
    }
}

struct ImpostorProbe: Sendable {
    let context: RunContext
    let kit: CheckKit
    let victim: Identity

    func wrongPassword() async -> CaseResult {
        let name = "sign-in as \(victim.logicalName) with a wrong password"
        let ex = await context.identities.attemptSignIn(email: victim.email, password: context.redactor.newPassword(prefix: "Wrong-"))
        if let e = kit.errored(name, ex) { return e }
        switch ImpostorOracle.wrongPassword(status: ex.status ?? 0, credentialIssued: issuedCredential(ex) != nil, victim: victim.logicalName) {
        case .kept(let title, let note): return kit.passed(name, ex.seconds, [Evidence(.note, title, note)])
        case .breach(let oracle, let message): return kit.failed(name, ex.seconds, oracle, message, [kit.evidence(name, ex)])
        }
    }

    /// Refused, or a new account that is not B's (Better Auth 1.5+ with verification answers
    /// 200 with a synthetic user); never B's id, a session for B, or B's email opening with the
    /// impostor's password.
    func signUpAgain(email: String, label: String) async -> CaseResult {
        let name = "sign-up again with \(label)"
        let password = context.redactor.newPassword()
        let ex = await context.identities.attemptSignUp(email: email, password: password, name: "Conformance impostor")
        if let e = kit.errored(name, ex) { return e }
        let status = ex.status ?? 0
        let who = victim.logicalName
        var evidence = [kit.evidence(name, ex)]
        var seconds = ex.seconds
        func verdict(_ v: ImpostorOracle.Verdict, _ seconds: Double, _ evidence: [Evidence]) -> CaseResult {
            switch v {
            case .kept(let title, let note): return kit.passed(name, seconds, [Evidence(.note, title, note)] + evidence)
            case .breach(let oracle, let message): return kit.failed(name, seconds, oracle, message, evidence)
            }
        }
        switch ImpostorOracle.signUpAnswer(status: status, userID: userID(in: ex), victimID: victim.id, victim: who) {
        // Refused: the note says it all, as it always did (no exchange kept).
        case .kept(let title, let note)?: return kit.passed(name, seconds, [Evidence(.note, title, note)])
        case let v?: return verdict(v, seconds, evidence)
        case nil: break
        }
        if let credential = issuedCredential(ex) {
            let (owner, check) = await whoseSession(credential, exchange: ex)
            if let check { evidence.append(kit.evidence("whose session the sign-up issued", check)); seconds += check.seconds }
            if let v = ImpostorOracle.issuedSession(owner: owner, victimID: victim.id, victim: who) { return verdict(v, seconds, evidence) }
        }
        // The account may have been overwritten without a session: try the impostor's password.
        let signIn = await context.identities.attemptSignIn(email: victim.email, password: password)
        seconds += signIn.seconds
        evidence.append(kit.evidence("sign-in as \(who) with the impostor's password", signIn))
        return verdict(ImpostorOracle.impostorPassword(status: signIn.status, credentialIssued: issuedCredential(signIn) != nil,
                                                       userID: userID(in: signIn), signUpStatus: status, victimID: victim.id, victim: who),
                       seconds, evidence)
    }

    /// A token or session the answer hands out: Better Auth's `token`/session cookie, the custom
    /// provider's token path, or a conventional token member.
    func issuedCredential(_ ex: Exchange) -> String? {
        if let t = BetterAuthClient.sessionToken(from: ex) { return t }
        guard let json = ex.json else { return nil }
        if let custom = context.identities as? CustomIdentityProvider, let t = custom.config.tokenPath.first(in: json)?.stringValue, !t.isEmpty {
            return t
        }
        for key in ["token", "access_token", "accessToken", "jwt", "id_token"] {
            if let t = json[key]?.stringValue, !t.isEmpty { return t }
        }
        return nil
    }

    func userID(in ex: Exchange) -> String? {
        guard let json = ex.json else { return nil }
        if let custom = context.identities as? CustomIdentityProvider { return custom.config.userIdPath.first(in: json)?.plainText }
        return json["user"]?["id"].map(ResourceClient.idText)
    }

    /// The user a freshly issued credential acts as: a JWT's `sub`, or Better Auth's
    /// `/get-session` with the cookie (or the session token as a bearer).
    func whoseSession(_ credential: String, exchange: Exchange) async -> (String?, Exchange?) {
        if let jwt = try? JWT(compact: credential) { return (jwt.subject, nil) }
        guard let ba = context.betterAuth else { return (nil, nil) }
        let check: Exchange
        if let cookie = BetterAuthClient.cookieHeader(from: exchange.response) {
            check = await ba.client.get("/get-session", cookie: cookie)
        } else {
            check = await ba.client.get("/get-session", bearer: credential)
        }
        return (check.json?["user"]?["id"].map(ResourceClient.idText), check)
    }
}
