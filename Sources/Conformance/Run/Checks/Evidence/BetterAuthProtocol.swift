import ConformanceCrypto
import Foundation

/// SC-011: the auth server speaks Better Auth's protocol — its routes, JSON shapes and error codes
/// (shared/reference/better-auth.md; the differences between versions and the Python port are
/// tolerated). Status and `code` are judged, never message text.
///
/// When the target signs users up through its own routes, the Better Auth URL is probed all the
/// same with a throw-away user on the run's domain (so clean-up removes it), and the app's own
/// users must then be found in Better Auth's `"user"` table.
struct BetterAuthProtocol: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.betterAuthProtocol
    static let title = "Better Auth routes and shapes"

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        if !context.target.identity.hasLogin {
            return [kit.failed("the app's users sign in through Better Auth", 0, .noLogin,
                               "the app has no login at all (the target says \"identity\": \"none\"): any caller acts as any user by naming their id", [])]
        }
        guard let client = context.betterAuth?.client else {
            return [kit.skipped("Better Auth protocol", "no Better Auth URL is configured for the target")]
        }
        let probe = BetterAuthProbe(context: context, kit: kit, client: client)
        let custom = !context.target.identity.isBetterAuth
        var cases: [CaseResult] = []

        let (alive, okCase) = await probe.liveness(custom: custom)
        cases.append(okCase)
        guard alive else {
            let reason = "Better Auth does not answer at \(client.baseURL)"
            for name in ["sign-up", "wrong password", "get-session", "token", "jwks", "duplicate sign-up"] {
                cases.append(kit.skipped("Better Auth \(name)", reason))
            }
            if custom { cases.append(await probe.appUsersAreBetterAuthUsers(input.identities)) }
            return cases
        }

        // The subject: a user of the scenario when Better Auth made it, else a throw-away probe.
        let subject: BetterAuthProbe.Subject
        if !custom, let identity = input.identities.first, let signUp = identity.signUp {
            subject = BetterAuthProbe.Subject(email: identity.email, password: identity.password, id: identity.id,
                                              signUp: signUp, cookie: identity.cookie, isProbe: false)
        } else {
            subject = await probe.signUpProbeUser()
        }
        cases.append(probe.signUpShape(subject))
        cases.append(await probe.wrongPassword(subject))
        let session = await probe.session(subject)
        cases.append(session.result)
        cases.append(await probe.token(cookie: session.cookie))
        cases.append(await probe.jwks())
        cases.append(await probe.duplicateSignUp(subject))
        if custom { cases.append(await probe.appUsersAreBetterAuthUsers(input.identities)) }
        return cases
    }
}

/// The probes of `BetterAuthProtocol`, one test case each.
struct BetterAuthProbe: Sendable {
    let context: RunContext
    let kit: CheckKit
    let client: BetterAuthClient

    /// Who the protocol is exercised with.
    struct Subject: Sendable {
        var email: String
        var password: String
        var id: String?
        var signUp: Exchange
        var cookie: String?
        var isProbe: Bool
    }

    /// `/api/auth/ok` as a judge reads it: the path under the auth origin.
    func path(_ route: String) -> String {
        let base = Target.join(context.target.authBasePath, route)
        return base.hasPrefix("/") ? base : "/" + base
    }

    func liveness(custom: Bool) async -> (Bool, CaseResult) {
        let name = "GET \(path("/ok")) answers {\"ok\":true}"
        let ex = await client.get("/ok")
        let verdict = BetterAuthShapeOracle.liveness(transportError: ex.transportError?.message, status: ex.status, json: ex.json,
                                                     custom: custom, baseURL: client.baseURL, okURL: client.url("/ok"))
        guard let verdict else {
            return (false, kit.errored(name, ex) ?? kit.skipped(name, ex.transportError?.message ?? "no answer"))
        }
        return (verdict.isPassed, kit.result(name, ex.seconds, verdict, [kit.evidence(name, ex)]))
    }

    /// A user made directly through Better Auth. The mixed-case address tests that Better Auth
    /// lower-cases emails; clean-up matches the run's addresses whatever their case.
    func signUpProbeUser() async -> Subject {
        let address = context.pool.emails.address(for: "ba-probe")
        let email = address.split(separator: "@", maxSplits: 1).first.map { $0.uppercased() + "@" + context.pool.emails.domain } ?? address
        let password = context.redactor.newPassword()
        context.redactor.add(password)
        // An if, not a conditional expression: Swift 6.3.1's release build crashed on the latter.
        let ex: Exchange
        if context.pool.announce(email) {
            ex = await client.signUp(email: email, password: password, name: "Conformance Better Auth probe")
        } else {
            ex = RunJournal.unannounced(email)
        }
        registerSecrets(ex)
        return Subject(email: email, password: password, id: ex.json?["user"]?["id"]?.stringValue, signUp: ex,
                       cookie: BetterAuthClient.cookieHeader(from: ex.response), isProbe: true)
    }

    func registerSecrets(_ ex: Exchange) {
        context.redactor.add(BetterAuthClient.sessionToken(from: ex))
        for part in (BetterAuthClient.cookieHeader(from: ex.response) ?? "").split(separator: ";") {
            if let eq = part.firstIndex(of: "=") { context.redactor.add(String(part[part.index(after: eq)...])) }
        }
    }

    /// Names of the cookies an answer sets.
    func cookieNames(_ ex: Exchange) -> [String] {
        (ex.response?.headers(named: "set-cookie") ?? []).compactMap { line in
            line.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    func signUpShape(_ s: Subject) -> CaseResult {
        let name = "sign-up (\(path("/sign-up/email"))) answers Better Auth's shape"
        let ex = s.signUp
        if let e = kit.errored(name, ex) { return e }
        let verdict = BetterAuthShapeOracle.signUp(status: ex.status, json: ex.json, cookieNames: cookieNames(ex), email: s.email)
        return kit.result(name, ex.seconds, verdict, [kit.evidence(name, ex)])
    }

    func wrongPassword(_ s: Subject) async -> CaseResult {
        let name = "sign-in with a wrong password is 401 INVALID_EMAIL_OR_PASSWORD"
        let wrong = context.redactor.newPassword(prefix: "Wrong-")
        let ex = await client.signIn(email: s.email, password: wrong)
        registerSecrets(ex)
        if let e = kit.errored(name, ex) { return e }
        var verdict = BetterAuthShapeOracle.wrongPassword(status: ex.status, json: ex.json)
        // An accepted wrong password is a finding whoever the subject is; a refusal proves the
        // rule only for an account that exists.
        if verdict.isPassed, let why = BetterAuthShapeOracle.subjectMissing(subjectID: s.id, probe: "refusing a wrong password") {
            verdict = .notJudged(why)
        }
        return kit.result(name, ex.seconds, verdict, [kit.evidence(name, ex)])
    }

    /// get-session with the subject's cookie; hands on the cookie for `/token`.
    func session(_ s: Subject) async -> (result: CaseResult, cookie: String?) {
        let name = "get-session (\(path("/get-session"))) returns the session and the same user"
        var cookie = s.cookie
        if cookie == nil {
            // Auto sign-in off: a sign-in gives the session the sign-up did not.
            let signIn = await client.signIn(email: s.email, password: s.password)
            registerSecrets(signIn)
            cookie = BetterAuthClient.cookieHeader(from: signIn.response)
        }
        guard let cookie else { return (kit.skipped(name, "neither sign-up nor sign-in set a session cookie"), nil) }
        let ex = await client.getSession(cookie: cookie)
        if let e = kit.errored(name, ex) { return (e, cookie) }
        let verdict = BetterAuthShapeOracle.session(status: ex.status, json: ex.json, expectedUserID: s.id)
        return (kit.result(name, ex.seconds, verdict, [kit.evidence(name, ex)]), cookie)
    }

    func token(cookie: String?) async -> CaseResult {
        let name = "GET \(path("/token")) returns a JWT signed with an asymmetric key"
        guard let cookie else { return kit.skipped(name, "no session cookie to ask for a token with") }
        let ex = await client.token(cookie: cookie)
        if let e = kit.errored(name, ex) { return e }
        context.redactor.add(ex.json?["token"]?.stringValue)
        let verdict = BetterAuthShapeOracle.token(status: ex.status, json: ex.json, sessionTokens: context.target.tokenSource == .sessionToken)
        return kit.result(name, ex.seconds, verdict, [kit.evidence(name, ex)])
    }

    func jwks() async -> CaseResult {
        let name = "GET \(path("/jwks")) publishes asymmetric public keys"
        let ex = await client.jwks()
        if let e = kit.errored(name, ex) { return e }
        let verdict = BetterAuthShapeOracle.jwks(status: ex.status, json: ex.json, sessionTokens: context.target.tokenSource == .sessionToken)
        return kit.result(name, ex.seconds, verdict, [kit.evidence(name, ex)])
    }

    /// The same address again, its local part in capitals: Better Auth lower-cases it and refuses
    /// the duplicate (422), or — from 1.5 with verification required or auto sign-in off — answers
    /// 200 with a synthetic user that is never stored.
    func duplicateSignUp(_ s: Subject) async -> CaseResult {
        let name = "a second sign-up with the same email (other case) is refused"
        let parts = s.email.split(separator: "@", maxSplits: 1)
        let email = parts.count == 2 ? parts[0].uppercased() + "@" + parts[1] : s.email
        // An if, not a conditional expression: Swift 6.3.1's release build crashed on the latter.
        let ex: Exchange
        if context.pool.announce(email) {
            ex = await client.signUp(email: email, password: context.redactor.newPassword(), name: "Conformance duplicate")
        } else {
            ex = RunJournal.unannounced(email)
        }
        registerSecrets(ex)
        if let e = kit.errored(name, ex) { return e }
        let evidence = [kit.evidence(name, ex)]
        if let why = BetterAuthShapeOracle.subjectMissing(subjectID: s.id, probe: "a second sign-up") {
            return kit.notJudged(name, why, evidence)
        }
        switch BetterAuthShapeOracle.duplicate(status: ex.status, json: ex.json, subjectID: s.id) {
        case .judged(let verdict):
            return kit.result(name, ex.seconds, verdict, evidence)
        case .lookUp(let other):
            var stored: Bool?
            if let db = context.database {
                do { stored = try await db.userExists(id: other, in: context.target.authTables) } catch {
                    return CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds,
                                      outcome: .database(error), evidence: evidence)
                }
            }
            let verdict = BetterAuthShapeOracle.duplicateStored(userID: other, stored: stored,
                                                                databaseProblem: context.databaseProblem ?? "no database")
            return kit.result(name, ex.seconds, verdict, evidence)
        }
    }

    /// With a custom identity: the users the app's own sign-up made must be Better Auth users.
    func appUsersAreBetterAuthUsers(_ identities: [Identity]) async -> CaseResult {
        let name = "the app's users are Better Auth users"
        let route: String
        if case .custom(let c) = context.target.identity { route = "POST \(c.signUpPath)" } else { route = "its sign-up" }
        guard !identities.isEmpty else { return kit.skipped(name, "the scenario created no user through the app") }
        guard let db = context.database else { return kit.noDatabase(name) }
        let ids = identities.map(\.id)
        let evidence = identities.first?.signUp.map { [kit.evidence("sign-up through the app's own route", $0)] } ?? []
        do {
            // A table named "user" proves nothing (SQLModel names a User model so): a Better
            // Auth user has a credential row in Better Auth's account table, with its providerId.
            let t = context.target.authTables
            var found = Set<String>()
            if try await db.tableExists(schema: t.schema, table: t.user), try await db.tableExists(schema: t.schema, table: t.account),
               Set(try await db.tableColumns(schema: t.schema, table: t.account)).isSuperset(of: ["userId", "providerId"]) {
                found = Set(try await db.accounts(ofUsers: ids, in: t).filter { $0["provider"]?.stringValue != nil }.compactMap { $0["id"]?.stringValue })
            }
            let verdict = AccountOracle.appUsers(ids: ids, found: found, route: route, userTable: context.target.authTables.user)
            // A pass is proved by the rows found, a failure by the app's own sign-up.
            return kit.result(name, 0, verdict, verdict.isPassed ? [] : evidence)
        } catch {
            return CaseResult(name: name, criterion: "", file: "", seconds: 0,
                              outcome: .database(error))
        }
    }
}
