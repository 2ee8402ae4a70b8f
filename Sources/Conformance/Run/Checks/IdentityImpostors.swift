import ConformanceCrypto
import Foundation

/// The identity provider must not hand one user's account to someone else (SC-003, SC-011):
/// signing in as B with a wrong password, or signing up again with B's email, must never yield a
/// session or token that acts as B. Home-made auth often mints a token for any password, or
/// lets a second sign-up overwrite the first account. When a wrong password does open B's
/// account, the check goes on as that impostor against B's own object: what it reads and writes
/// is a breach of B's data (reported under `dataCriterion`, SC-004 in the Phase II pack).
struct IdentityImpostors: BuiltInCheck {
    static let name = CheckName.identity
    static let title = "identity provider refuses impostors"

    struct Parameters: ResourceParameters {
        let resource: String
        let dataCriterion: String?
        static let specs: [ParameterSpec] = [
            .resource,
            ParameterSpec("dataCriterion", .string, "The criterion the impostor's reads and writes of the victim's data count against (default: the scenario's own)."),
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let kit = CheckKit(context: input.context)
        // B is the second user when there is one: A stays untouched for the other checks.
        guard let victim = input.identities.dropFirst().first ?? input.identities.first else {
            return [kit.skipped(Self.name.rawValue, "the scenario names no user to impersonate")]
        }
        let probe = ImpostorProbe(context: input.context, kit: kit, victim: victim)
        // The control every impostor probe leans on: the victim's own password on the same route.
        let control = await probe.ownSignIn()
        var cases = await probe.wrongPassword(control: control, resource: input.resource(parameters), dataCriterion: parameters.dataCriterion)
        cases.append(await probe.signUpAgain(email: victim.email, label: "\(victim.logicalName)'s email", control: control))
        cases.append(await probe.signUpAgain(email: Self.caseVariant(victim.email), label: "\(victim.logicalName)'s email in upper case", control: control))
        return cases
    }

    /// An app without login has no sign-in to impersonate anyone through.
    func unmet(_ parameters: Parameters, _ target: Target) -> String? {
        target.identity.hasLogin ? nil : "the target says the app has no login (\"identity\": \"none\"): there is no sign-in to impersonate a user through"
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

    /// The victim's own sign-in: nil when it opened the account visibly, else why the impostor
    /// probes' refusals cannot be judged.
    func ownSignIn() async -> String? {
        let ex = await context.identities.attemptSignIn(email: victim.email, password: victim.password)
        if let e = ex.transportError { return "\(victim.logicalName)'s own sign-in got no answer (\(e.description))" }
        return ImpostorOracle.signInControl(status: ex.status, credentialIssued: issuedCredential(ex) != nil, victim: victim.logicalName)
    }

    func verdict(_ name: String, _ v: ImpostorOracle.Verdict, _ seconds: Double, _ evidence: [Evidence], keepEvidence: Bool = true) -> CaseResult {
        switch v {
        case .kept(let title, let note): return kit.passed(name, seconds, [Evidence(.note, title, note)] + (keepEvidence ? evidence : []))
        case .breach(let oracle, let message): return kit.failed(name, seconds, oracle, message, evidence)
        case .notJudged(let reason): return CaseResult(name: name, seconds: seconds, outcome: .notJudged(reason), evidence: evidence)
        case .error(let message): return CaseResult(name: name, seconds: seconds, outcome: .error(kind: .authUnreachable, message: message), evidence: evidence)
        }
    }

    /// Proof that the password sent was not the victim's, without showing either: both are
    /// redacted from every report, their SHA-256 fingerprints are not.
    func passwordNote(_ wrong: String) -> Evidence {
        func fingerprint(_ p: String) -> String { String(Hex.encode(Digest.sha256(Array(p.utf8))).prefix(12)) }
        let differs = wrong != victim.password ? "they differ" : "THEY ARE THE SAME"
        return Evidence(.note, "the password sent",
                        "a password generated for this probe (\(wrong.count) characters, SHA-256 \(fingerprint(wrong))…), not \(victim.logicalName)'s (SHA-256 \(fingerprint(victim.password))…): \(differs)")
    }

    /// Sign-in as the victim with a wrong password; when it opens the account, the impostor's
    /// reads and write of the victim's object follow as cases of their own.
    func wrongPassword(control: String?, resource: Resource?, dataCriterion: String?) async -> [CaseResult] {
        let name = "sign-in as \(victim.logicalName) with a wrong password"
        // The victim's object exists before the impostor arrives, so that there is data to breach.
        let object = await victimObject(resource)
        let wrong = context.redactor.newPassword(prefix: "Wrong-")
        let ex = await context.identities.attemptSignIn(email: victim.email, password: wrong)
        if let e = kit.errored(name, ex) { return [e] }
        let evidence = [kit.evidence(name, ex), passwordNote(wrong)]
        let v = ImpostorOracle.wrongPassword(status: ex.status ?? 0, credentialIssued: issuedCredential(ex) != nil, control: control,
                                             victim: victim.logicalName)
        var cases = [verdict(name, v, ex.seconds, evidence, keepEvidence: false)]
        guard case .breach = v else { return cases }
        let data = await impostorData(signIn: ex, password: wrong, resource: resource, object: object)
        for var c in data {
            if let dataCriterion { c.criterion = dataCriterion }
            cases.append(c)
        }
        return cases
    }

    /// The victim's object for the impostor to aim at, made with the victim's own token.
    func victimObject(_ resource: Resource?) async -> Result<(Resource, String), ProbeSetupError> {
        guard let resource else { return .failure(.init("the target maps no such resource")) }
        guard victim.apiToken != nil else { return .failure(.init("\(victim.logicalName) has no API token to create an object with")) }
        guard let created = await kit.create(resource, as: victim) else { return .failure(.init("the target maps no create route for \(resource.name)")) }
        guard let id = created.id else {
            return .failure(.init("\(victim.logicalName) could not create a \(resource.name) object (create answered \(created.exchange.statusText ?? "no response"))"))
        }
        return .success((resource, id))
    }

    /// The impostor acts on the victim's object with the credential the wrong password bought:
    /// a read, the victim's list, and an update that the database audit judges.
    func impostorData(signIn: Exchange, password: String, resource: Resource?, object: Result<(Resource, String), ProbeSetupError>) async -> [CaseResult] {
        let who = victim.logicalName
        let prefix = "an impostor signed in with \(who)'s email"
        let (resource, id): (Resource, String)
        switch object {
        case .success(let o): (resource, id) = o
        case .failure(let why): return [kit.skipped("\(prefix) acts on \(who)'s data", why.reason)]
        }
        var impostor = victim
        impostor.password = password
        impostor.apiToken = nil
        impostor.cookie = BetterAuthClient.cookieHeader(from: signIn.response)
        impostor.sessionToken = BetterAuthClient.sessionToken(from: signIn)
        if context.identities is CustomIdentityProvider { impostor.apiToken = issuedCredential(signIn) }
        if impostor.apiToken == nil { impostor = await context.identities.refreshToken(impostor).1 }
        context.redactor.add(impostor.sessionToken)
        guard let token = impostor.apiToken else {
            return [kit.skipped("\(prefix) acts on \(who)'s data", "the impostor's sign-in yielded no API token: \(impostor.tokenProblems.first ?? "none was issued")")]
        }
        context.redactor.add(token)
        let impostorCredential = Credential.bearer(token)
        var cases: [CaseResult] = []
        let label = "\(who)'s \(resource.name) #1"
        for op in [Operation.get, .list] where resource.routes[op] != nil {
            let what = op == .get ? "reads \(label)" : "lists \(who)'s \(resource.name)"
            let name = "\(prefix) \(what)"
            let objectID = op == .get ? id : nil
            let own = await context.resources.send(.init(resource: resource, operation: op, credentials: kit.credentials(victim), pathUserID: victim.id, id: objectID))
            guard let ex = await context.resources.send(.init(resource: resource, operation: op, credentials: impostorCredential, pathUserID: victim.id, id: objectID)) else { continue }
            if let e = kit.errored(name, ex) { cases.append(e); continue }
            let markers = context.markers.found(in: ex.bodyText).filter { $0.owner == victim.id }.count
            let v = ImpostorOracle.impostorRead(status: ex.status ?? 0, victimMarkers: markers, controlStatus: own?.status, what: what, victim: who)
            var evidence = [kit.evidence(name, ex)]
            if let own { evidence.append(kit.evidence("control: the same request with \(who)'s own token", own)) }
            cases.append(verdict(name, v, ex.seconds, evidence))
        }
        if resource.routes[.update] != nil {
            cases.append(await impostorUpdate(resource: resource, id: id, label: label, credential: impostorCredential, prefix: prefix))
        }
        return cases
    }

    /// The impostor's update, judged by its answer and by the database audit of the object.
    func impostorUpdate(resource: Resource, id: String, label: String, credential: Credential, prefix: String) async -> CaseResult {
        let name = "\(prefix) updates \(label)"
        var body = JSONObject()
        for field in resource.textFields + resource.requiredFields where body[field] == nil {
            body[field] = .string(context.markers.make(owner: nil, label: "impostor"))
        }
        let call = ResourceClient.Call(resource: resource, operation: .update, credentials: credential, pathUserID: victim.id, id: id, body: .object(body))
        guard let ex = await context.resources.send(call) else { return kit.skipped(name, "no update route") }
        if let e = kit.errored(name, ex) { return e }
        var evidence = [kit.evidence(name, ex)]
        var audit: [Finding] = []
        if context.database != nil {
            do {
                audit = try await DatabaseAudit(context: context).findings(resource: resource, owners: [victim.id], ids: [id])
            } catch {
                return CaseResult(name: name, seconds: ex.seconds, outcome: .database(error), evidence: evidence)
            }
            if audit.isEmpty, let database = context.database, let row = try? await database.row(of: resource, id: id) {
                evidence.append(Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(id), as \(victim.logicalName) left it", JSONWriter.pretty(row)))
            }
        } else {
            evidence.append(Evidence(.note, "database", "no database: the row was not read, the answer is taken at its word"))
        }
        let findings = ImpostorOracle.impostorWrite(status: ex.status ?? 0, audit: audit, audited: context.database != nil, victim: victim.logicalName)
        if findings.isEmpty { return kit.passed(name, ex.seconds, [Evidence(.note, "refused", "answered \(ex.status ?? 0)")] + evidence) }
        return CaseResult(name: name, seconds: ex.seconds, outcome: .failed(findings.map { f in
            var g = f
            g.evidence = evidence + f.evidence
            return g
        }))
    }

    /// Refused, or a new account that is not B's (Better Auth 1.5+ with verification answers
    /// 200 with a synthetic user); never B's id, a session for B, or B's email opening with the
    /// impostor's password.
    func signUpAgain(email: String, label: String, control: String?) async -> CaseResult {
        let name = "sign-up again with \(label)"
        let password = context.redactor.newPassword()
        // An if, not a conditional expression: Swift 6.3.1's release build crashed on the latter.
        let ex: Exchange
        if context.pool.announce(email) {
            ex = await context.identities.attemptSignUp(email: email, password: password, name: "Conformance impostor")
        } else {
            ex = RunJournal.unannounced(email)
        }
        if let e = kit.errored(name, ex) { return e }
        let status = ex.status ?? 0
        let who = victim.logicalName
        var evidence = [kit.evidence(name, ex)]
        var seconds = ex.seconds
        switch ImpostorOracle.signUpAnswer(status: status, userID: userID(in: ex), victimID: victim.id, victim: who) {
        // Refused: the note says it all, as it always did (no exchange kept).
        case .kept(let title, let note)?: return kit.passed(name, seconds, [Evidence(.note, title, note)])
        case let v?: return verdict(name, v, seconds, evidence)
        case nil: break
        }
        if let credential = issuedCredential(ex) {
            let (owner, check) = await whoseSession(credential, exchange: ex)
            if let check { evidence.append(kit.evidence("whose session the sign-up issued", check)); seconds += check.seconds }
            if let v = ImpostorOracle.issuedSession(owner: owner, victimID: victim.id, victim: who) { return verdict(name, v, seconds, evidence) }
        }
        // The account may have been overwritten without a session: try the impostor's password.
        let signIn = await context.identities.attemptSignIn(email: victim.email, password: password)
        seconds += signIn.seconds
        evidence.append(kit.evidence("sign-in as \(who) with the impostor's password", signIn))
        return verdict(name, ImpostorOracle.impostorPassword(status: signIn.status, credentialIssued: issuedCredential(signIn) != nil,
                                                             userID: userID(in: signIn), signUpStatus: status, control: control,
                                                             victimID: victim.id, victim: who),
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
