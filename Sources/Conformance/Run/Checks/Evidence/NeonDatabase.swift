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

    typealias ServerTLS = NeonOracle.ServerTLS

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
            let v = NeonOracle.verdict(e, server: server, expectedBranch: context.target.neonBranch,
                                       database: db.connection.database)
            return [kit.result(name, seconds, v.outcome, [Evidence(.note, "Neon evidence", v.details)])]
        }
    }

    static func serverTLS(_ db: Database) async throws -> ServerTLS? {
        guard let row = try await db.connectionSSL() else { return nil }
        return ServerTLS(ssl: row["ssl"]?.boolValue ?? false, version: row["version"]?.stringValue, cipher: row["cipher"]?.stringValue)
    }
}
