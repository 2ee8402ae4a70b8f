/// SC-012: the database the app uses is Neon. The verdict combines what neon.md lists — the host
/// is an `ep-….neon.tech` endpoint, Neon's `neon.*` settings are defined, TLS is in use — and the
/// evidence also says how TLS was set up (sslmode, whether the server certificate was verified)
/// and what the server itself reports for this connection (`pg_stat_ssl`).
///
/// Nothing here can be told to believe a host is Neon: the offline stand-in test reaches a local
/// server under a Neon-shaped name with libpq's `hostaddr`, exactly as any client could.
struct NeonDatabase: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.neonDatabase
    static let title = "database is Neon"

    static let caseName = "the database is Neon (host, neon.* settings, TLS)"

    /// What the server reports about this connection's encryption.
    struct ServerTLS: Sendable {
        var ssl: Bool
        var version: String?
        var cipher: String?
    }

    struct Verdict: Sendable {
        var passed: Bool
        /// The one line a judge reads, e.g. "PostgreSQL 15.8 at 127.0.0.1 is not Neon: ...".
        var message: String
        var details: String
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        let name = Self.caseName
        guard context.target.expectNeon else { return [kit.skipped(name, "the target sets expectNeon: false")] }
        guard let db = context.database else { return [kit.noDatabase(name)] }
        let ((evidence, server), seconds) = await CheckKit.time { () -> (Result<NeonProbe.Evidence, Error>, ServerTLS?) in
            do {
                let e = try await NeonProbe(database: db).examine()
                return (.success(e), try? await Self.serverTLS(db))
            } catch { return (.failure(error), nil) }
        }
        switch evidence {
        case .failure(let error):
            return [CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                               outcome: .database(error))]
        case .success(let e):
            let v = Self.verdict(e, server: server, expectedBranch: context.target.neonBranch,
                                 database: db.connection.database)
            let details = [Evidence(.note, "Neon evidence", v.details)]
            if v.passed { return [kit.passed(name, seconds, details)] }
            return [kit.failed(name, seconds, .notNeon, v.message, details)]
        }
    }

    static func serverTLS(_ db: Database) async throws -> ServerTLS? {
        guard let row = try await db.connectionSSL() else { return nil }
        return ServerTLS(ssl: row["ssl"]?.boolValue ?? false, version: row["version"]?.stringValue, cipher: row["cipher"]?.stringValue)
    }

    /// The judgement alone, from the probe's evidence: pure, so tests can feed it any server.
    static func verdict(_ e: NeonProbe.Evidence, server: ServerTLS?, expectedBranch: String? = nil, database: String? = nil) -> Verdict {
        var lines: [String] = []
        lines.append("host: \(e.host)\(database.map { ", database \($0)" } ?? "") — "
                     + (e.hostIsNeon ? "a Neon endpoint (\(e.endpointID ?? "?"))" : "not an ep-….neon.tech endpoint"))
        if e.settings.isEmpty {
            lines.append("neon.* settings: none (current_setting('neon.branch_id', true) is NULL)")
        } else {
            lines.append("neon.* settings: " + e.settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
        }
        if e.tlsInUse {
            let verified = e.certificateVerified
                ? "server certificate verified"
                : "server certificate NOT verified (sslmode \(e.sslmode ?? "?") encrypts without checking who the server is; verify-full would)"
            lines.append("TLS (client): \(e.tlsVersion ?? "in use"), sslmode \(e.sslmode ?? "?"), \(verified)")
        } else {
            lines.append("TLS (client): not in use (sslmode \(e.sslmode ?? "?"))")
        }
        if let server {
            lines.append("TLS (server, pg_stat_ssl): " + (server.ssl ? "on, \([server.version, server.cipher].compactMap { $0 }.joined(separator: " "))" : "off"))
        }
        lines.append("server: \(e.serverVersion)")
        var passed = e.isNeon
        var message = e.summary
        // The client's view and the server's must agree; a disagreement is not evidence of TLS.
        if passed, let server, !server.ssl {
            passed = false
            message = "\(e.serverVersion) at \(e.host): libpq reports TLS but the server's pg_stat_ssl says this connection is not encrypted"
        }
        if passed, let expectedBranch, e.settings["neon.branch_id"] != expectedBranch {
            passed = false
            message = "Neon branch \(e.settings["neon.branch_id"] ?? "?") is not the expected \(expectedBranch)"
        }
        return Verdict(passed: passed, message: message, details: lines.joined(separator: "\n"))
    }
}
