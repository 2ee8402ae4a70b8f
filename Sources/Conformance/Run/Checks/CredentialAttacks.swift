import ConformanceCrypto
import Foundation

/// Credential attacks (SC-003, SC-009, SC-011): every protected operation of a resource is sent
/// with missing, malformed and forged credentials built by `TokenForge` from the first user's
/// genuine token, and each must be refused with the `denyWith` statuses (401 by default: these
/// are authentication failures, not the cross-user denials a target's `denyStatuses` describe).
/// A forged write that the API refused but the database shows anyway fails as `SilentWrite`.
/// Each operation is first made with the genuine token (the control): a refusal passes only
/// when that call was accepted, since otherwise the route or the object may be why.
struct CredentialAttacks: BuiltInCheck {
    static let name = CheckName.credentials
    static let title = "broken and forged credentials"

    struct Parameters: ResourceParameters {
        let resource: String
        let denyWith: [Int]
        static let specs: [ParameterSpec] = [
            .resource,
            ParameterSpec("denyWith", .statuses, default: [401], "Statuses that count as a refusal. Not the target's `denyWith`: these are authentication failures, and SC-003 asks for 401."),
        ]
    }

    static let operations: [Operation] = [.list, .create, .get, .update, .toggle, .delete]

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let kit = CheckKit(context: input.context)
        guard let resource = input.resource(parameters) else {
            return [kit.skipped(Self.name.rawValue, "the target maps no resource \"\(parameters.resource)\"")]
        }
        guard var owner = input.identities.first else {
            return [kit.skipped(Self.name.rawValue, "the scenario names no user whose genuine token the forgeries start from")]
        }
        owner = await freshToken(owner, context: input.context)
        let victim = input.identities.dropFirst().first
        let deny = Set(parameters.denyWith)
        let probes = await ForgeInputs(context: input.context).probes(owner: owner, otherSubject: victim?.id)
        for p in probes { input.context.redactor.add(p.token) }

        let target = ProbeTarget(context: input.context, kit: kit, resource: resource, owner: owner, deny: deny)
        var cases: [CaseResult] = []
        for op in Self.operations where resource.routes[op] != nil {
            cases += await target.run(op, probes: probes)
        }
        return cases
    }

    /// Genuine tokens last minutes (15 by default): one about to lapse would make every forgery
    /// built from it look expired for the wrong reason.
    func freshToken(_ identity: Identity, context: RunContext) async -> Identity {
        guard let token = identity.apiToken, let jwt = try? JWT(compact: token), let exp = jwt.expiresAt,
              exp < Date().timeIntervalSince1970 + 120 else { return identity }
        let (_, updated) = await context.identities.refreshToken(identity)
        guard updated.apiToken != nil else { return identity }
        await context.pool.update(updated)
        return updated
    }
}

/// Gathers what the forge needs from the run: the genuine token, the published JWKS, the secret
/// and, through the database, the auth server's own signing key.
struct ForgeInputs: Sendable {
    let context: RunContext

    func probes(owner: Identity, otherSubject: String?) async -> [TokenForge.Probe] {
        let target = context.target
        var genuine: JWT?
        var genuineProblem = "\(owner.logicalName) has no API token"
        if let token = owner.apiToken {
            do { genuine = try JWT(compact: token) } catch {
                genuineProblem = "the API token of \(owner.logicalName) is not a JWT (token source \(target.tokenSource.rawValue))"
            }
        }
        var jwks: JWKS?
        var published: String?
        if let fetched = await context.betterAuth?.publishedJWKS() {
            jwks = fetched.keys
            published = fetched.published
        }
        let signer: Result<GenuineSigner, SigningKeyRecovery.Failure>
        if let genuine {
            var recovered: Result<RecoveredSigningKey, SigningKeyRecovery.Failure>?
            if genuine.algorithm != JWSAlgorithm.HS256.rawValue {
                let secrets = SigningKeyRecovery.Secrets(legacy: target.secret, secretsVariable: context.environment["BETTER_AUTH_SECRETS"])
                recovered = await SigningKeyRecovery.recover(database: context.database, databaseProblem: context.databaseProblem,
                                                             tables: target.authTables, secrets: secrets, kid: genuine.keyID)
                if case .success(let key) = recovered {
                    // The private key is the most sensitive thing the harness ever holds.
                    context.redactor.add(key.privateJWK.d)
                }
            }
            signer = GenuineSigner.choose(for: genuine, recovered: recovered, secret: target.secret)
            if case .failure(let f) = signer { context.note("credential attacks: \(f.reason); validly signed probes are skipped") }
        } else {
            signer = .failure(.init(genuineProblem))
        }
        let material = TokenForge.Material(
            genuine: genuine, genuineProblem: genuineProblem, jwks: jwks, publishedJWKS: published, secret: target.secret,
            signer: signer, otherSubject: otherSubject ?? "conformance-" + SecureRandom.alphanumeric(24),
            sessionToken: owner.sessionToken, sessionTokenIsTheCredential: target.tokenSource == .sessionToken,
            basicUser: owner.email)
        return TokenForge(material).probes()
    }
}

/// Sends every probe to one operation on the owner's own object and judges each answer.
struct ProbeTarget: Sendable {
    let context: RunContext
    let kit: CheckKit
    let resource: Resource
    let owner: Identity
    let deny: Set<Int>

    var denyText: String { deny.sorted().map(String.init).joined(separator: "/") }

    func run(_ op: Operation, probes: [TokenForge.Probe]) async -> [CaseResult] {
        let label = "\(resource.name).\(op.rawValue)"
        var object: TargetObject?
        if op.isPerObject {
            switch await makeObject() {
            case .success(let o): object = o
            case .failure(let why): return probes.map { kit.skipped("\($0.name) → \(label)", why.reason) }
            }
        }
        // The same call with the genuine token: a refusal below proves something only if this one was accepted.
        let control = await self.control(op, object: &object)
        var cases: [CaseResult] = []
        for probe in probes {
            let name = "\(probe.name) → \(label)"
            guard case .send(let credentials) = probe.payload else {
                if case .unavailable(let why) = probe.payload { cases.append(kit.skipped(name, why)) }
                continue
            }
            let call = ResourceClient.Call(resource: resource, operation: op, credentials: credentials, pathUserID: owner.id,
                                           id: object?.id, body: body(for: op, object: object))
            guard let ex = await context.resources.send(call) else { continue }
            if let e = kit.errored(name, ex) { cases.append(e); continue }
            let status = ex.status ?? 0
            let controlNote = Evidence(.note, "control", "the genuine token got \(control?.statusText ?? "no answer") on the same call")
            let evidence = [kit.evidence(name, ex), Evidence(.note, "what was sent", probe.summary), controlNote]
            let o = object
            let change = op.writes ? await o?.changed(context: context, resource: resource) : nil
            let verdict = ForgedCredentialOracle.judge(status: status, controlStatus: control?.status, deny: deny, probeOracle: probe.oracle,
                                                       rowChanged: change != nil, claimNotIssued: probe.claimNotIssued)
            if op.writes, var o {
                if change != nil {
                    // Later probes need an object in its known state to prove anything.
                    switch await o.rebase(after: op, context: context, maker: self) {
                    case .success(let fresh): o = fresh
                    case .failure(let why):
                        cases.append(result(name, ex, verdict, evidence, change: change, probe: probe, op: op, control: control))
                        return cases + probesAfter(probe, in: probes).map { kit.skipped("\($0.name) → \(label)", why.reason) }
                    }
                } else if op == .delete, (200..<300).contains(status), o.snapshot == nil {
                    // Without a database an accepted delete is taken at its word.
                    if case .success(let fresh) = await makeObject() { o = fresh }
                }
                object = o
            }
            cases.append(result(name, ex, verdict, evidence, change: change, probe: probe, op: op, control: control))
        }
        return cases
    }

    /// The operation made with the owner's genuine token, before the probes. Writes leave the
    /// probed object as the owner made it (recorded, and read again); a delete removes a spare.
    func control(_ op: Operation, object: inout TargetObject?) async -> Exchange? {
        switch op {
        case .list, .get:
            return await context.resources.send(.init(resource: resource, operation: op, credentials: kit.credentials(owner),
                                                      pathUserID: owner.id, id: object?.id))
        case .create:
            return await kit.create(resource, as: owner)?.exchange
        case .update, .toggle:
            guard let id = object?.id else { return nil }
            let body = op == .update ? kit.taintedBody(resource, owner: owner) : self.body(for: .toggle, object: object)
            let ex = await context.resources.send(.init(resource: resource, operation: op, credentials: kit.credentials(owner),
                                                        pathUserID: owner.id, id: id, body: body))
            if let ex, (200..<300).contains(ex.status ?? 0) {
                context.ledger.record(op, resource: resource, id: id, sent: body, observed: context.resources.object(in: ex.json, resource), owner: owner.id)
                if let db = context.database, let row = try? await db.row(of: resource, id: id) { object?.snapshot = row }
            }
            return ex
        case .delete:
            guard case .success(let spare) = await makeObject() else { return nil }
            let ex = await context.resources.send(.init(resource: resource, operation: .delete, credentials: kit.credentials(owner),
                                                        pathUserID: owner.id, id: spare.id))
            if let ex, (200..<300).contains(ex.status ?? 0) {
                context.ledger.record(.delete, resource: resource, id: spare.id, sent: nil, observed: nil, owner: owner.id)
            }
            return ex
        }
    }

    func result(_ name: String, _ ex: Exchange, _ verdict: ForgedCredentialOracle.Verdict, _ evidence: [Evidence], change: Evidence?,
                probe: TokenForge.Probe, op: Operation, control: Exchange?) -> CaseResult {
        let status = ex.status ?? 0
        switch verdict {
        case .refused:
            // The control's note is the proof the refusal means something; the exchange is not kept for a pass.
            return kit.passed(name, ex.seconds, [Evidence(.note, "refused", "answered \(status)")] + evidence.filter { $0.title == "control" })
        case .notJudged(let reason):
            // A refused control is shown in full: it is why nothing could be judged.
            let refusedControl = control.flatMap { (200..<300).contains($0.status ?? 0) ? nil : kit.evidence("control: the same call with the genuine token", $0) }
            return CaseResult(name: name, seconds: ex.seconds, outcome: .notJudged(reason), evidence: evidence + (refusedControl.map { [$0] } ?? []))
        case .breach(let oracles):
            let findings = oracles.map { oracle in
                oracle == .silentWrite
                    ? Finding(oracle: oracle, message: "the API refused the \(probe.name) \(op.rawValue) with \(status), yet the database row changed",
                              evidence: evidence + (change.map { [$0] } ?? []))
                    : Finding(oracle: oracle, message: refusal(probe, op, status), evidence: evidence + (change.map { [$0] } ?? []))
            }
            return CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds, outcome: .failed(findings))
        }
    }

    func probesAfter(_ probe: TokenForge.Probe, in probes: [TokenForge.Probe]) -> [TokenForge.Probe] {
        guard let i = probes.firstIndex(where: { $0.name == probe.name }) else { return [] }
        return probes[(i + 1)...].filter { if case .send = $0.payload { return true }; return false }
    }

    func refusal(_ probe: TokenForge.Probe, _ op: Operation, _ status: Int) -> String {
        let what = probe.kind == .forgedToken ? "a forged token (\(probe.name))" : "a request with \(probe.summary)"
        let path = resource.routes[op].map { "\($0.method) \($0.path)" } ?? op.rawValue
        if (200..<300).contains(status) { return "\(path) accepted \(what): it answered \(status) instead of \(denyText)" }
        return "\(path) answered \(status) to \(what) instead of refusing it with \(denyText)"
    }

    /// A write body as the owner would send it; if a forgery gets through, its marker (owned by
    /// nobody) shows in the row.
    func body(for op: Operation, object: TargetObject?) -> JSONValue? {
        switch op {
        case .create, .update:
            var body = JSONObject()
            for field in resource.textFields + resource.requiredFields where body[field] == nil {
                body[field] = .string(context.markers.make(owner: nil, label: "forged"))
            }
            return .object(body)
        case .toggle:
            guard let flag = resource.toggleSends else { return nil }
            let current = object?.snapshot?[flag]?.boolValue ?? false
            return .object(JSONObject([(flag, .bool(!current))]))
        default:
            return nil
        }
    }

    func makeObject() async -> Result<TargetObject, ProbeSetupError> {
        guard owner.apiToken != nil else {
            return .failure(.init("\(owner.logicalName) has no API token, so no object could be created to probe"))
        }
        guard let created = await kit.create(resource, as: owner) else {
            return .failure(.init("the target maps no create route for \(resource.name)"))
        }
        guard let id = created.id else {
            return .failure(.init("\(owner.logicalName) could not create a \(resource.name) object to probe (create answered \(created.exchange.statusText ?? "no response"))"))
        }
        // Without a database (or when the read fails) silent writes simply go unchecked. (Not
        // `try? await database?.row(...)`: Swift 6.3.1's release build crashes on that form.)
        var snapshot: JSONValue?
        if let database = context.database {
            do { snapshot = try await database.row(of: resource, id: id) } catch { snapshot = nil }
        }
        return .success(TargetObject(id: id, snapshot: snapshot))
    }
}

/// Why an operation's probes cannot run (no object to probe); the skipped cases' reason.
struct ProbeSetupError: Error, Sendable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The probed object and its row as last seen in the database (nil without a database).
struct TargetObject: Sendable {
    var id: String
    var snapshot: JSONValue?

    /// Rows evidence when the row differs from the snapshot (changed or gone).
    func changed(context: RunContext, resource: Resource) async -> Evidence? {
        guard let snapshot, let db = context.database else { return nil }
        let now: JSONValue?
        do { now = try await db.row(of: resource, id: id) } catch { return nil }
        guard now != snapshot else { return nil }
        let after = now.map { JSONWriter.pretty($0) } ?? "(row deleted)"
        return Evidence(.rows, "\(resource.table) row \(id) before and after",
                        "before:\n" + JSONWriter.pretty(snapshot) + "\nafter:\n" + after)
    }

    /// After a change: the row as it is now, or a new object when it is gone.
    func rebase(after op: Operation, context: RunContext, maker: ProbeTarget) async -> Result<TargetObject, ProbeSetupError> {
        if let db = context.database, let row = try? await db.row(of: maker.resource, id: id) {
            return .success(TargetObject(id: id, snapshot: row))
        }
        return await maker.makeObject()
    }
}
