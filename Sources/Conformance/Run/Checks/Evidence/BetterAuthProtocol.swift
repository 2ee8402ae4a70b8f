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
        if !custom, let identity = input.identities.first {
            subject = BetterAuthProbe.Subject(email: identity.email, password: identity.password, id: identity.id,
                                              signUp: identity.signUp, cookie: identity.cookie, isProbe: false)
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

    static let duplicateCodes: Set<String> = ["USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "USER_ALREADY_EXISTS"]

    /// `/api/auth/ok` as a judge reads it: the path under the auth origin.
    func path(_ route: String) -> String {
        let base = Target.join(context.target.authBasePath, route)
        return base.hasPrefix("/") ? base : "/" + base
    }

    func code(_ ex: Exchange) -> String { ex.json?["code"]?.stringValue.map { " \($0)" } ?? "" }

    func liveness(custom: Bool) async -> (Bool, CaseResult) {
        let name = "GET \(path("/ok")) answers {\"ok\":true}"
        let ex = await client.get("/ok")
        if let e = ex.transportError {
            // With a custom identity the app may simply not run Better Auth: that is the finding.
            if custom {
                return (false, kit.failed(name, ex.seconds, .notBetterAuth,
                                          "nothing answers at \(client.baseURL) (\(e.message)): the app does not run Better Auth there",
                                          [kit.evidence(name, ex)]))
            }
            return (false, kit.errored(name, ex) ?? kit.skipped(name, e.message))
        }
        guard ex.status == 200, ex.json?["ok"]?.boolValue == true else {
            return (false, kit.failed(name, ex.seconds, .notBetterAuth,
                                      "\(client.url("/ok")) answered \(ex.status ?? 0) without {\"ok\":true}: no Better Auth server there",
                                      [kit.evidence(name, ex)]))
        }
        return (true, kit.passed(name, ex.seconds, [kit.evidence(name, ex)]))
    }

    /// A user made directly through Better Auth. The mixed-case address tests that Better Auth
    /// lower-cases emails; the domain stays lower-case so that clean-up (which matches on it)
    /// finds the user whatever the server does with the local part.
    func signUpProbeUser() async -> Subject {
        let email = "BA-Probe-\(SecureRandom.alphanumeric(6))@\(UserPool.emailDomain(runID: context.runID))"
        let password = context.redactor.newPassword()
        context.redactor.add(password)
        let ex = await client.signUp(email: email, password: password, name: "Conformance Better Auth probe")
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
        let evidence = [kit.evidence(name, ex)]
        guard ex.status == 200 else {
            return kit.failed(name, ex.seconds, .notBetterAuth, "sign-up answered \(ex.status ?? 0)\(code(ex)), Better Auth answers 200", evidence)
        }
        var problems: [String] = []
        var notes: [String] = []
        let user = ex.json?["user"]
        if user?.objectValue == nil { problems.append("no \"user\" object") }
        if (user?["id"]?.stringValue ?? "").isEmpty { problems.append("user.id is not a non-empty string") }
        if let email = user?["email"]?.stringValue {
            if email != s.email.lowercased() { problems.append("user.email is \"\(email)\", Better Auth stores \"\(s.email.lowercased())\" (lower-cased)") }
        } else { problems.append("no user.email") }
        if user?["emailVerified"]?.boolValue == nil { problems.append("no boolean user.emailVerified") }
        if user?["createdAt"] == nil { problems.append("no user.createdAt") }
        let sessionCookies = cookieNames(ex).filter { $0.hasSuffix(".session_token") }
        switch ex.json?["token"] {
        case .string?:
            if sessionCookies.isEmpty { problems.append("a session token was answered but no *.session_token cookie was set") }
            else if !sessionCookies.contains(where: { $0 == "better-auth.session_token" || $0 == "__Secure-better-auth.session_token" }) {
                notes.append("session cookie \(sessionCookies.joined(separator: ", ")) (a custom cookie prefix)")
            }
        case .null?:
            notes.append("token null and no session cookie: auto sign-in is off or email verification is required")
        default:
            problems.append("no \"token\" member (a session token, or null)")
        }
        if !problems.isEmpty {
            return kit.failed(name, ex.seconds, .notBetterAuth, "sign-up answer is not Better Auth's: " + problems.joined(separator: "; "), evidence)
        }
        let fields = "user.id, user.email (lower-cased), user.emailVerified, user.createdAt" + (sessionCookies.isEmpty ? "" : ", cookie \(sessionCookies[0])")
        return kit.passed(name, ex.seconds, evidence + [Evidence(.note, "checked", ([fields] + notes).joined(separator: "\n"))])
    }

    func wrongPassword(_ s: Subject) async -> CaseResult {
        let name = "sign-in with a wrong password is 401 INVALID_EMAIL_OR_PASSWORD"
        let wrong = context.redactor.newPassword(prefix: "Wrong-")
        let ex = await client.signIn(email: s.email, password: wrong)
        registerSecrets(ex)
        if let e = kit.errored(name, ex) { return e }
        let evidence = [kit.evidence(name, ex)]
        if let status = ex.status, (200..<300).contains(status) {
            return kit.failed(name, ex.seconds, .wrongPasswordAccepted, "sign-in with a wrong password answered \(status): any password opens the account", evidence)
        }
        guard ex.status == 401, ex.json?["code"]?.stringValue == "INVALID_EMAIL_OR_PASSWORD" else {
            return kit.failed(name, ex.seconds, .notBetterAuth,
                              "a wrong password answered \(ex.status ?? 0)\(code(ex)); Better Auth answers 401 INVALID_EMAIL_OR_PASSWORD", evidence)
        }
        return kit.passed(name, ex.seconds, evidence)
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
        let evidence = [kit.evidence(name, ex)]
        var problems: [String] = []
        if ex.status != 200 { problems.append("answered \(ex.status ?? 0)\(code(ex))") }
        if ex.json?["session"]?.objectValue == nil { problems.append("no \"session\" object") }
        let userID = ex.json?["user"]?["id"]?.stringValue
        if userID == nil { problems.append("no \"user\" object with an id") }
        if let expected = s.id, let userID, userID != expected { problems.append("user.id is \(userID), the signed-up user is \(expected)") }
        if let sessionUser = ex.json?["session"]?["userId"]?.stringValue, let userID, sessionUser != userID {
            problems.append("session.userId \(sessionUser) differs from user.id \(userID)")
        }
        guard problems.isEmpty else {
            return (kit.failed(name, ex.seconds, .notBetterAuth, "get-session is not Better Auth's: " + problems.joined(separator: "; "), evidence), cookie)
        }
        return (kit.passed(name, ex.seconds, evidence), cookie)
    }

    func token(cookie: String?) async -> CaseResult {
        let name = "GET \(path("/token")) returns a JWT signed with an asymmetric key"
        guard let cookie else { return kit.skipped(name, "no session cookie to ask for a token with") }
        let ex = await client.token(cookie: cookie)
        if let e = kit.errored(name, ex) { return e }
        context.redactor.add(ex.json?["token"]?.stringValue)
        let evidence = [kit.evidence(name, ex)]
        if ex.status == 404, context.target.tokenSource == .sessionToken {
            return kit.skipped(name, "the target's API takes Better Auth session tokens; the JWT plugin's /token is not mounted (404)")
        }
        guard ex.status == 200, let text = ex.json?["token"]?.stringValue else {
            return kit.failed(name, ex.seconds, .notBetterAuth, "answered \(ex.status ?? 0)\(code(ex)) without {\"token\": ...}", evidence)
        }
        guard let jwt = try? JWT(compact: text) else {
            return kit.failed(name, ex.seconds, .notBetterAuth, "\"token\" is not a compact JWT", evidence)
        }
        let alg = jwt.algorithm ?? "(none)"
        guard JWTVerifier.asymmetric.contains(alg) else {
            return kit.failed(name, ex.seconds, .symmetricJWT, "the token is signed with \(alg); Better Auth's JWT plugin signs with an asymmetric key", evidence)
        }
        return kit.passed(name, ex.seconds, evidence + [Evidence(.note, "token", "alg \(alg), kid \(jwt.keyID ?? "(none)")")])
    }

    func jwks() async -> CaseResult {
        let name = "GET \(path("/jwks")) publishes asymmetric public keys"
        let ex = await client.jwks()
        if let e = kit.errored(name, ex) { return e }
        let evidence = [kit.evidence(name, ex)]
        if ex.status == 404, context.target.tokenSource == .sessionToken {
            return kit.skipped(name, "the target's API takes Better Auth session tokens; the JWT plugin's /jwks is not mounted (404)")
        }
        guard ex.status == 200, let json = ex.json, let set = try? JWKS(json: json) else {
            return kit.failed(name, ex.seconds, .notBetterAuth, "answered \(ex.status ?? 0) without a {\"keys\": [...]} document", evidence)
        }
        guard !set.keys.isEmpty else { return kit.failed(name, ex.seconds, .notBetterAuth, "the key set is empty", evidence) }
        let algs = set.algorithms
        let symmetric = algs.filter { !JWTVerifier.asymmetric.contains($0) }
        if !symmetric.isEmpty {
            return kit.failed(name, ex.seconds, .symmetricJWT, "the key set lists \(symmetric.joined(separator: ", ")): not an asymmetric algorithm", evidence)
        }
        // A published private part would let anyone mint tokens.
        if json["keys"]?.arrayValue?.contains(where: { $0["d"] != nil || $0["k"] != nil }) == true {
            return kit.failed(name, ex.seconds, .privateKeyPublished, "a key in the JWKS carries private material (\"d\" or \"k\")", evidence)
        }
        return kit.passed(name, ex.seconds, evidence + [Evidence(.note, "keys", "\(set.keys.count) key(s): \(algs.joined(separator: ", "))")])
    }

    /// The same address again, its local part in capitals: Better Auth lower-cases it and refuses
    /// the duplicate (422), or — from 1.5 with verification required or auto sign-in off — answers
    /// 200 with a synthetic user that is never stored.
    func duplicateSignUp(_ s: Subject) async -> CaseResult {
        let name = "a second sign-up with the same email (other case) is refused"
        let parts = s.email.split(separator: "@", maxSplits: 1)
        let email = parts.count == 2 ? parts[0].uppercased() + "@" + parts[1] : s.email
        let ex = await client.signUp(email: email, password: context.redactor.newPassword(), name: "Conformance duplicate")
        registerSecrets(ex)
        if let e = kit.errored(name, ex) { return e }
        let evidence = [kit.evidence(name, ex)]
        let errorCode = ex.json?["code"]?.stringValue ?? ""
        if ex.status == 422, Self.duplicateCodes.contains(errorCode) { return kit.passed(name, ex.seconds, evidence) }
        if ex.status == 200 {
            guard let other = ex.json?["user"]?["id"]?.stringValue, other != s.id else {
                return kit.failed(name, ex.seconds, .notBetterAuth, "the duplicate answered 200 with the existing user", evidence)
            }
            guard let db = context.database else {
                return kit.passed(name, ex.seconds, evidence + [Evidence(.note, "tolerated",
                    "200 with a different user id: Better Auth 1.5+ answers a synthetic user when verification is on (not checked in the database: \(context.databaseProblem ?? "no database"))")])
            }
            do {
                if try await db.userExists(id: other, in: context.target.authTables) {
                    return kit.failed(name, ex.seconds, .duplicateAccount,
                                      "the duplicate sign-up stored a second user \(other) for the same email", evidence)
                }
            } catch {
                return CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds,
                                  outcome: .database(error), evidence: evidence)
            }
            return kit.passed(name, ex.seconds, evidence + [Evidence(.note, "tolerated",
                "200 with a synthetic user that is not stored: Better Auth 1.5+ with verification required or auto sign-in off")])
        }
        return kit.failed(name, ex.seconds, .notBetterAuth,
                          "a duplicate email answered \(ex.status ?? 0)\(code(ex)); Better Auth answers 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (USER_ALREADY_EXISTS before 1.4)",
                          evidence)
    }

    /// With a custom identity: the users the app's own sign-up made must be Better Auth users.
    func appUsersAreBetterAuthUsers(_ identities: [Identity]) async -> CaseResult {
        let name = "the app's users are Better Auth users"
        let route: String
        if case .custom(let c) = context.target.identity { route = "POST \(c.signUpPath)" } else { route = "its sign-up" }
        guard !identities.isEmpty else { return kit.skipped(name, "the scenario created no user through the app") }
        guard let db = context.database else { return kit.noDatabase(name) }
        let ids = identities.map(\.id)
        let evidence = identities.first.map { [kit.evidence("sign-up through the app's own route", $0.signUp)] } ?? []
        do {
            let found = Set(try await db.userIDs(among: ids, in: context.target.authTables))
            let missing = identities.filter { !found.contains($0.id) }
            if missing.isEmpty { return kit.passed(name, 0, [Evidence(.note, "found", "\(ids.count) user id(s) in \(context.target.authTables.user)")]) }
            return kit.failed(name, 0, .homeMadeAuth,
                              "\(missing.count) of \(ids.count) user(s) the app signed up through \(route) (ids \(missing.prefix(5).map(\.id).joined(separator: ", "))) are not in Better Auth's table \"\(context.target.authTables.user)\": the app keeps users of its own",
                              evidence)
        } catch {
            return CaseResult(name: name, criterion: "", file: "", seconds: 0,
                              outcome: .database(error))
        }
    }
}
