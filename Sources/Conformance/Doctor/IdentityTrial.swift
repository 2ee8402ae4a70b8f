import ConformanceCrypto
import ConformanceHTTP

/// One user made the way a run makes its users — sign-up, sign-in, an API token, through the
/// target's identity (Better Auth or its own routes) — shown to the API once, then removed. It
/// proves the run can act as a user before a run relies on it.
struct IdentityTrial: Sendable {
    let target: Target
    /// The target as the clean-up sees it (without resources the doctor found wrong).
    let cleanupTarget: Target
    let provider: any IdentityProvider
    let session: any APISession
    let database: Database?
    let runID: String
    let redactor: Redactor

    /// The doctor's one user, named like every user the harness makes.
    var emails: TestEmails { TestEmails(runID: runID, domain: target.users.emailDomain) }
    let email: String

    init(target: Target, cleanupTarget: Target, provider: any IdentityProvider, session: any APISession, database: Database?, runID: String, redactor: Redactor) {
        self.target = target
        self.cleanupTarget = cleanupTarget
        self.provider = provider
        self.session = session
        self.database = database
        self.runID = runID
        self.redactor = redactor
        self.email = TestEmails(runID: runID, domain: target.users.emailDomain).address(for: "doctor")
    }

    func run() async -> [Doctor.Finding] {
        var out: [Doctor.Finding] = []
        let password = redactor.newPassword()
        var identity: Identity?
        do {
            let created = try await provider.create(logicalName: "doctor", email: email, password: password, name: "Conformance doctor")
            identity = created
            out.append(.ok("sign-up", "created user \(created.id) (\(email))"))
        } catch {
            let message = (error as? IdentityError)?.message ?? "\(error)"
            out.append(.blocking("sign-up", "a user could not be created: \(message); the run could not create its users"))
        }
        if let created = identity {
            let (ex, signedIn) = await provider.signIn(created)
            if let signedIn {
                identity = signedIn
                out.append(.ok("sign-in", "the user signed in again (\(ex.status ?? 0))"))
            } else {
                out.append(.blocking("sign-in", "signing in again answered \(Self.answer(ex)); the run's sign-in steps would fail"))
            }
            out += await token(for: identity ?? created)
        }
        out += await remove(knownIDs: identity.map { [$0.id] } ?? [])
        return out
    }

    /// A fresh token, then the API asked once with it: a token the API refuses makes every probe
    /// "not judged".
    func token(for identity: Identity) async -> [Doctor.Finding] {
        let (_, fresh) = await provider.refreshToken(identity)
        guard let token = fresh.apiToken else {
            let why = fresh.tokenProblems.isEmpty ? "" : ": " + fresh.tokenProblems.joined(separator: "; ")
            return [.blocking("token", "no API token could be obtained (\(tokenDescription))\(why); the run could act as no user")]
        }
        var out: [Doctor.Finding] = []
        if fresh.tokenProblems.isEmpty {
            out.append(.ok("token", "an API token (\(tokenDescription))\(target.identity.isBetterAuth && target.tokenSource != .sessionToken ? ", verified against the JWKS" : "")"))
        } else {
            out.append(.remark("token", "an API token (\(tokenDescription)), but: \(fresh.tokenProblems.joined(separator: "; "))"))
        }
        for name in target.resources.keys.sorted() {
            guard let route = target.resources[name]?.routes[.list] else { continue }
            let url = Target.join(target.apiURL, route.render(userId: fresh.id, id: nil))
            let ex = await session.send(route.method, url, headers: Credential.bearer(token).adding(to: []))
            let shown = route.description
            if let e = ex.transportError {
                out.append(.blocking("API as a user", "\(shown) failed: \(e.message)"))
            } else if let status = ex.status, (200..<300).contains(status) {
                out.append(.ok("API as a user", "\(shown) with the user's token answered \(status)"))
            } else if ex.status == 401 || ex.status == 403 {
                out.append(.blocking("API as a user", "\(shown) with the user's own token answered \(ex.status ?? 0): the API refuses the identity's tokens, so every probe would be not judged"))
            } else {
                out.append(.remark("API as a user", "\(shown) with the user's token answered \(ex.status ?? 0)"))
            }
        }
        return out
    }

    /// The clean-up a run does, then a look that the user is gone.
    func remove(knownIDs: [String]) async -> [Doctor.Finding] {
        guard let database else {
            return [.remark("clean-up", "no usable database to remove the doctor's user with: \(email) is left in place; delete that one user by its email")]
        }
        do {
            let directory = UserDirectory(target: cleanupTarget, database: database)
            var users: UserTable?
            var unknown = ""
            switch await directory.resolve(emails: [email]) {
            case .found(let t, _): users = t
            case .unknown(let why): unknown = why
            }
            let report = try await Cleanup(database: database, target: cleanupTarget)
                .run(emails: emails, knownUserIDs: knownIDs, users: users, idsAreOurs: !target.identity.hasLogin)
            guard let users else {
                return [.remark("clean-up", "the app's users table is not known (\(unknown)): a run's users would stay in place; name it in auth.identity.users")]
            }
            let left = try await database.read("SELECT count(*) AS n FROM \(users.qualified) WHERE lower(\(SQLName.quote(users.emailColumn))::text) LIKE $1",
                                               [emails.likePattern])
            let remaining = left.first?["n"]?.intValue ?? -1
            guard remaining == 0 else {
                return [.blocking("clean-up", "\(remaining) user(s) like \(emails.shown) are still in \(users.display) after the clean-up: a run would leave its users behind")]
            }
            return [.ok("clean-up", "the doctor's user was removed (\(report.users) user(s) deleted)")]
        } catch {
            return [.blocking("clean-up", "the clean-up failed: \(redactor.redact("\(error)")); a run would leave its users behind")]
        }
    }

    var tokenDescription: String { target.identity.isBetterAuth ? target.tokenSource.rawValue : "the target's token path" }

    static func answer(_ ex: Exchange) -> String {
        if let e = ex.transportError { return e.message }
        return "\(ex.status ?? 0)"
    }
}
