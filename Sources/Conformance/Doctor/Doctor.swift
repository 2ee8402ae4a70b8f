import ConformanceHTTP
import ConformancePostgres

/// `conformance doctor`: what is at the target's URLs, said plainly.
public struct Doctor: Sendable {
    public struct Finding: Sendable {
        public var subject: String
        public var ok: Bool
        public var detail: String
        /// An unreachable piece (exit status 2), as opposed to a remark.
        public var blocking: Bool
    }

    let target: Target
    let redactor: Redactor

    public init(target: Target, redactor: Redactor) {
        self.target = target
        self.redactor = redactor
    }

    public func examine() async -> [Finding] {
        var out: [Finding] = []
        var options = HTTPClientOptions()
        options.caFile = target.caFile
        guard let client = try? HTTPClient(options: options) else {
            return [Finding(subject: "http", ok: false, detail: "the HTTP client could not start", blocking: true)]
        }
        defer { client.shutdown() }
        let session = HTTPSession(client: client, timeout: 10)
        let auth = BetterAuthClient(session: session, baseURL: target.authBaseURL)

        let ok = await auth.get("/ok")
        if let e = ok.transportError {
            out.append(Finding(subject: "Better Auth", ok: false, detail: "\(target.authBaseURL)/ok is unreachable: \(e.message)", blocking: true))
        } else if ok.status == 200, ok.json?["ok"] == .bool(true) {
            out.append(Finding(subject: "Better Auth", ok: true, detail: "\(target.authBaseURL)/ok answers {\"ok\":true}", blocking: false))
        } else {
            out.append(Finding(subject: "Better Auth", ok: false, detail: "\(target.authBaseURL)/ok answered \(ok.status ?? 0), not Better Auth's {\"ok\":true}", blocking: false))
        }
        if ok.transportError == nil {
            let jwks = await auth.jwks()
            if ex200(jwks), let json = jwks.json, let set = try? JWKS(json: json) {
                let desc = zip(set.keys, set.algorithms).map { "\($0.kid ?? "no kid") (\($1), \($0.kty)\($0.crv.map { "/" + $0 } ?? ""))" }
                out.append(Finding(subject: "JWKS", ok: !set.keys.isEmpty, detail: "\(set.keys.count) key(s): \(desc.joined(separator: ", "))", blocking: false))
            } else {
                out.append(Finding(subject: "JWKS", ok: false, detail: "\(target.authBaseURL)/jwks answered \(jwks.status ?? 0) without a key set (JWT plugin off?)", blocking: false))
            }
        }

        if let path = target.openAPIPath {
            let ex = await session.send("GET", Target.join(target.apiURL, path))
            if let e = ex.transportError {
                out.append(Finding(subject: "API", ok: false, detail: "\(target.apiURL) is unreachable: \(e.message)", blocking: true))
            } else if ex200(ex), let json = ex.json {
                let routes = OpenAPI.routes(in: json)
                out.append(Finding(subject: "API", ok: true, detail: "OpenAPI at \(path) lists \(routes.count) route(s): \(routes.map(\.description).joined(separator: ", "))", blocking: false))
            } else {
                out.append(Finding(subject: "API", ok: true, detail: "\(target.apiURL) answers, but \(path) gave \(ex.status ?? 0): routes not discoverable", blocking: false))
            }
        }

        if let url = target.databaseURL {
            do {
                let db = try await Database.connect(url: url)
                defer { db.close() }
                let c = db.connection
                out.append(Finding(subject: "database", ok: true, detail: "\(DatabaseURL.redacted(url)): \(c.serverVersion)", blocking: false))
                let tls = c.tls
                out.append(Finding(subject: "database TLS", ok: tls.inUse,
                                   detail: tls.inUse ? "\(tls.version ?? "TLS") \(tls.cipher ?? ""), sslmode \(tls.sslmode ?? "?"), certificate \(tls.certificateVerified ? "verified" : "not verified")" : "not in use", blocking: false))
                let neon = try await NeonProbe(database: db).examine()
                out.append(Finding(subject: "Neon", ok: neon.isNeon, detail: neon.summary, blocking: false))
            } catch {
                out.append(Finding(subject: "database", ok: false, detail: "\(DatabaseURL.redacted(url)) is unreachable: \(redactor.redact("\(error)"))", blocking: true))
            }
        } else {
            out.append(Finding(subject: "database", ok: false, detail: "no database URL (--database-url or DATABASE_URL)", blocking: false))
        }
        return out
    }

    func ex200(_ ex: Exchange) -> Bool { ex.status == 200 }
}
