import ConformanceHTTP
import ConformancePostgres

/// `conformance doctor`: whether a run can work against the target, said plainly. It looks at
/// what is at the URLs, makes one user through the target's identity (and removes it), and holds
/// every route and table the target maps against the OpenAPI document and the database.
public struct Doctor: Sendable {
    public struct Finding: Sendable {
        public enum Level: Sendable, Equatable {
            case ok
            /// Worth knowing; a run still works (some checks may fail or skip).
            case remark
            /// A run cannot work as the target describes it: exit status 2.
            case blocking
        }

        public var subject: String
        public var level: Level
        public var detail: String

        public var ok: Bool { level == .ok }
        public var blocking: Bool { level == .blocking }

        static func ok(_ subject: String, _ detail: String) -> Finding { Finding(subject: subject, level: .ok, detail: detail) }
        static func remark(_ subject: String, _ detail: String) -> Finding { Finding(subject: subject, level: .remark, detail: detail) }
        static func blocking(_ subject: String, _ detail: String) -> Finding { Finding(subject: subject, level: .blocking, detail: detail) }
    }

    let target: Target
    let redactor: Redactor
    /// The run id of the doctor's one user: its email carries it (`cf-<run id>-doctor-…`).
    public let runID: String

    public init(target: Target, redactor: Redactor, runID: String = Runner.newRunID()) {
        self.target = target
        self.redactor = redactor
        self.runID = runID
    }

    public func examine() async -> [Finding] {
        var options = HTTPClientOptions()
        options.caFile = target.caFile
        guard let client = try? HTTPClient(options: options) else {
            return [.blocking("http", "the HTTP client could not start")]
        }
        defer { client.shutdown() }
        let session = HTTPSession(client: client, timeout: target.requestTimeout)
        // A production auth server rate-limits sign-ups: the doctor waits as a run would.
        let identitySession = PacedSession(base: session)
        let auth = BetterAuthClient(session: identitySession, baseURL: target.authBaseURL)

        var out: [Finding] = []
        let authUp = await betterAuth(auth, into: &out)
        let openAPI = await api(session, into: &out)
        let database = await database(into: &out)
        defer { database?.close() }

        if let doc = openAPI { out += routes(doc) }
        // The doctor's user owns no rows: its clean-up leaves out resources whose table or owner
        // column is wrong (reported above), which would only make the delete fail.
        var cleanupTarget = target
        if let database {
            let (findings, broken) = await tables(database)
            out += findings
            for name in broken { cleanupTarget.resources[name] = nil }
        }

        let provider: any IdentityProvider
        switch target.identity {
        case .betterAuth:
            provider = BetterAuthProvider(client: auth, tokenSource: target.tokenSource, redactor: redactor)
        case .custom(let config):
            provider = CustomIdentityProvider(session: identitySession, config: config, redactor: redactor)
        case .none:
            out.append(.remark("sign-up", NoLoginProvider.reason + ": nobody signs up; the run picks each user's id"))
            if let line = RateLimitWait.summary(identitySession.waits) { out.append(.remark("rate limit", line)) }
            return out
        }
        if authUp || !target.identity.isBetterAuth {
            out += await IdentityTrial(target: target, cleanupTarget: cleanupTarget, provider: provider, session: session,
                                       database: database, runID: runID, redactor: redactor).run()
        } else {
            out.append(.blocking("sign-up", "not tried: Better Auth is unreachable"))
        }
        if let line = RateLimitWait.summary(identitySession.waits) { out.append(.remark("rate limit", line)) }
        return out
    }

    /// `/ok` and the JWKS. Better Auth is indispensable only when it is the identity.
    func betterAuth(_ auth: BetterAuthClient, into out: inout [Finding]) async -> Bool {
        let needed = target.identity.isBetterAuth
        let ok = await auth.get("/ok")
        if let e = ok.transportError {
            let detail = "\(target.authBaseURL)/ok is unreachable: \(e.message)"
            out.append(needed ? .blocking("Better Auth", detail) : .remark("Better Auth", detail + " (the target's identity is its own routes)"))
            return false
        }
        if ok.status == 200, ok.json?["ok"] == .bool(true) {
            out.append(.ok("Better Auth", "\(target.authBaseURL)/ok answers {\"ok\":true}"))
        } else {
            out.append(.remark("Better Auth", "\(target.authBaseURL)/ok answered \(ok.status ?? 0), not Better Auth's {\"ok\":true}"))
        }
        let jwks = await auth.jwks()
        if jwks.status == 200, let json = jwks.json, let set = try? JWKS(json: json) {
            let desc = zip(set.keys, set.algorithms).map { "\($0.kid ?? "no kid") (\($1), \($0.kty)\($0.crv.map { "/" + $0 } ?? ""))" }
            let detail = "\(set.keys.count) key(s): \(desc.joined(separator: ", "))"
            out.append(set.keys.isEmpty ? .remark("JWKS", detail) : .ok("JWKS", detail))
        } else if needed, target.tokenSource != .sessionToken {
            out.append(.remark("JWKS", "\(target.authBaseURL)/jwks answered \(jwks.status ?? 0) without a key set (JWT plugin off?)"))
        }
        return true
    }

    /// The OpenAPI document, when the target says there is one and it can be read.
    func api(_ session: HTTPSession, into out: inout [Finding]) async -> JSONValue? {
        guard let path = target.openAPIPath else {
            out.append(.remark("API", "the target says the API publishes no OpenAPI: its mapped routes cannot be checked"))
            return nil
        }
        let ex = await session.send("GET", Target.join(target.apiURL, path))
        if let e = ex.transportError {
            out.append(.blocking("API", "\(target.apiURL) is unreachable: \(e.message)"))
            return nil
        }
        guard ex.status == 200, let json = ex.json else {
            out.append(.remark("API", "\(target.apiURL) answers, but \(path) gave \(ex.status ?? 0): routes not discoverable, mapped routes not checked"))
            return nil
        }
        let routes = OpenAPI.routes(in: json)
        out.append(.ok("API", "OpenAPI at \(path) lists \(routes.count) route(s): \(routes.map(\.description).joined(separator: ", "))"))
        return json
    }

    /// Every resource route the target maps, in the document.
    func routes(_ doc: JSONValue) -> [Finding] {
        let missing = TargetMapping.missingRoutes(target.resources, openAPI: doc)
        guard missing.isEmpty else {
            return missing.map { .blocking("route", "\($0) is not in the OpenAPI document: its probes would find no route") }
        }
        let count = target.resources.values.reduce(0) { $0 + $1.routes.count }
        return [.ok("routes", "all \(count) mapped route(s) are in the OpenAPI document")]
    }

    /// The database, its TLS, Neon as the target expects it, and the branch guard.
    func database(into out: inout [Finding]) async -> Database? {
        guard let url = target.databaseURL else {
            out.append(.remark("database", "no database URL (--database-url or DATABASE_URL): database checks and clean-up cannot run"))
            if let branch = target.neonBranch {
                out.append(.blocking("Neon branch", "--neon-branch \(branch) was asked for, but there is no database to check it: a run would refuse"))
            }
            return nil
        }
        let db: Database
        do {
            db = try await Database.connect(url: url)
        } catch {
            out.append(.blocking("database", "\(DatabaseURL.redacted(url)) is unreachable: \(redactor.redact("\(error)"))"))
            return nil
        }
        let c = db.connection
        out.append(.ok("database", "\(DatabaseURL.redacted(url)): \(c.serverVersion)"))
        let tls = c.tls
        let tlsDetail = tls.inUse ? "\(tls.version ?? "TLS") \(tls.cipher ?? ""), sslmode \(tls.sslmode ?? "?"), certificate \(tls.certificateVerified ? "verified" : "not verified")" : "not in use"
        out.append(tls.inUse ? .ok("database TLS", tlsDetail) : .remark("database TLS", tlsDetail))
        do {
            let neon = try await NeonProbe(database: db).examine()
            if !target.expectNeon {
                out.append(.ok("Neon", neon.summary + " (the target sets expectNeon: false)"))
            } else if neon.isNeon {
                out.append(.ok("Neon", neon.summary))
            } else {
                out.append(.remark("Neon", neon.summary + "; the target expects Neon (expectNeon: true), so the Neon checks will fail"))
            }
            if let expected = target.neonBranch {
                let actual = try await db.neonBranchID()
                out.append(actual == expected ? .ok("Neon branch", "neon.branch_id is \(expected), as --neon-branch asks")
                    : .blocking("Neon branch", "neon.branch_id is \(actual ?? "not set"), but --neon-branch asks for \(expected): a run would refuse"))
            }
        } catch {
            out.append(.remark("Neon", "could not be examined: \(redactor.redact("\(error)"))"))
        }
        return db
    }

    /// Every table and column the target maps, in the catalog; the user table clean-up needs.
    /// Also the resources found wrong.
    func tables(_ db: Database) async -> ([Finding], Set<String>) {
        var out: [Finding] = []
        var broken = Set<String>()
        var checked = 0
        for name in target.resources.keys.sorted() {
            guard let r = target.resources[name] else { continue }
            let display = (r.schema == "public" ? "" : r.schema + ".") + r.table
            do {
                let present = try await db.tableColumns(schema: r.schema, table: r.table)
                guard let missing = TargetMapping.missingColumns(TargetMapping.columns(of: r), present: present) else {
                    out.append(.blocking("table", "\(name): table \"\(display)\" is not in the database: the database checks would read nothing"))
                    broken.insert(name)
                    continue
                }
                if !missing.isEmpty {
                    broken.insert(name)
                    out.append(.blocking("table", "\(name): table \"\(display)\" has no column(s) \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) (has \(present.joined(separator: ", ")))"))
                }
                checked += 1
            } catch {
                broken.insert(name)
                out.append(.blocking("table", "\(name): the catalog could not be read: \(redactor.redact("\(error)"))"))
            }
        }
        if checked == target.resources.count, !out.contains(where: \.blocking) {
            out.append(.ok("tables", "all \(checked) mapped table(s) and their columns are in the database"))
        }
        let t = target.authTables
        if let columns = try? await db.tableColumns(schema: t.schema, table: t.user) {
            if columns.isEmpty {
                let detail = "no user table \(t.userTable): Better Auth's schema is not there (authTables?)"
                out.append(target.identity.isBetterAuth ? .blocking("user table", detail + "; clean-up could not find the run's users") : .remark("user table", detail))
            } else if !columns.contains("id") || !columns.contains("email") {
                out.append(.blocking("user table", "\(t.userTable) has no \"id\" or \"email\" column: clean-up could not find the run's users"))
            }
        }
        return (out, broken)
    }
}
