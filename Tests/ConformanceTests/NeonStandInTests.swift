import ConformanceHTTP
import Foundation
import Testing
import TestSupport
@testable import Conformance

/// SC-012 without the internet: the Neon judgement against a local cluster that looks like Neon
/// from the wire (neon.* settings, TLS verified against a CA, reached under a Neon host name via
/// libpq's `hostaddr`) and against a plain cluster, which must fail with the honest message.
@Suite("Neon stand-in", .enabled(if: TestCluster.serverAvailable && TestCluster.opensslAvailable,
                                  "needs PostgreSQL server binaries and openssl"))
struct NeonStandInTests {
    /// The endpoint a Neon URL would name; the certificate carries it, DNS does not need to.
    static let neonHost = "ep-conformance-stand-in-123456.us-east-2.aws.neon.tech"
    /// Neon's settings, as custom placeholders in postgresql.conf.
    static let neonSettings = [
        "neon.project_id = 'conformance-stand-in-project'",
        "neon.branch_id = 'br-test-123'",
        "neon.endpoint_id = 'ep-conformance-stand-in-123456'",
        "neon.tenant_id = '00000000000000000000000000000000'",
        "neon.timeline_id = '11111111111111111111111111111111'",
    ]

    /// Shared by every test of this run, started on first use and stopped at exit by
    /// `TestCluster`. The database is named as Neon names its default one.
    private static let sharedStandIn = Task {
        try await TestCluster.start(.init(tls: true, certificateHosts: [neonHost], extraSettings: neonSettings, database: "neondb"))
    }
    /// No TLS, no Neon settings: what the reference app runs on.
    private static let sharedPlain = Task { try await TestCluster.start(.init(database: "neondb")) }
    static func standIn() async throws -> TestCluster { try await sharedStandIn.value }
    static func plain() async throws -> TestCluster { try await sharedPlain.value }

    /// The stand-in as a Neon URL names it: the Neon host (what libpq verifies and reports),
    /// reached at 127.0.0.1 through `hostaddr`, verified against the test CA.
    static func neonURL(_ cluster: TestCluster, sslmode: String = "verify-full") -> String {
        var query = ["sslmode": sslmode, "hostaddr": "127.0.0.1"]
        if sslmode.hasPrefix("verify") { query["sslrootcert"] = cluster.caCertificate }
        return cluster.url(host: neonHost, query: query)
    }

    /// A run context over one database, as the runner builds it; nothing in it reaches the network.
    static func check<C: BuiltInCheck>(_ check: C, databaseURL: String, expectNeon: Bool = true) async throws -> [CaseResult] {
        let db = try await Database.connect(url: databaseURL)
        defer { db.close() }
        var target = Target(authURL: "http://127.0.0.1:9", apiURL: "http://127.0.0.1:9", databaseURL: databaseURL)
        target.expectNeon = expectNeon
        let redactor = Redactor()
        let http = HTTPSession(client: try HTTPClient(), timeout: 2)
        let provider = BetterAuthProvider(client: BetterAuthClient(session: http, baseURL: target.authBaseURL), tokenSource: .jwtEndpoint,
                                          redactor: redactor)
        let context = RunContext(runID: "rneontest", target: target, options: RunOptions(), redactor: redactor, http: http,
                                 identities: provider, betterAuth: provider, database: db, databaseProblem: nil, environment: [:])
        return await check.run(CheckInput(context: context, scope: ScenarioScope(context: context)), try C.Parameters.defaults())
    }

    static func message(_ c: CaseResult?) -> String? {
        guard case .failed(let findings)? = c?.outcome else { return nil }
        return findings.map(\.message).joined(separator: " | ")
    }

    @Test func probeSeesSettingsTLSAndAVerifiedCertificate() async throws {
        let cluster = try await Self.standIn()
        let db = try await Database.connect(url: Self.neonURL(cluster))
        defer { db.close() }
        let e = try await NeonProbe(database: db).examine()
        #expect(e.host == Self.neonHost)
        #expect(e.hostIsNeon)
        #expect(e.endpointID == "ep-conformance-stand-in-123456")
        #expect(e.settings["neon.branch_id"] == "br-test-123")
        #expect(e.settings["neon.project_id"] == "conformance-stand-in-project")
        #expect(e.settings.count == 5)
        #expect(e.tlsInUse)
        #expect(e.tlsVersion?.hasPrefix("TLSv1.") == true)
        #expect(e.sslmode == "verify-full")
        #expect(e.certificateVerified)
        #expect(e.isNeon)
        let server = try await NeonDatabase.serverTLS(db)
        #expect(server?.ssl == true)
        #expect(server?.version == e.tlsVersion)
    }

    /// `--neon-branch`: the run proceeds on the branch it was told to use and refuses, before
    /// creating anyone, on any other.
    @Test func theBranchGuardTellsBranchesApart() async throws {
        let cluster = try await Self.standIn()
        var target = Target(authURL: "http://127.0.0.1:9", apiURL: "http://127.0.0.1:9", databaseURL: Self.neonURL(cluster))
        let branch = try #require(Self.neonSettings.first { $0.hasPrefix("neon.branch_id") }?.split(separator: "'").dropFirst().first.map(String.init))
        target.neonBranch = branch
        let ok = try await Runner(target: target, options: RunOptions(), environment: [:], redactor: Redactor()).run([]) { _ in }
        #expect(ok.suites.isEmpty)
        target.neonBranch = "br-production-000"
        do {
            _ = try await Runner(target: target, options: RunOptions(), environment: [:], redactor: Redactor()).run([]) { _ in }
            Issue.record("a run on another branch must be refused")
        } catch let refusal as Runner.Refusal {
            #expect(refusal.description.contains(branch) && refusal.description.contains("br-production-000"), "\(refusal)")
        }
    }

    @Test func theCheckPassesOnTheStandIn() async throws {
        let cluster = try await Self.standIn()
        let cases = try await Self.check(NeonDatabase(), databaseURL: Self.neonURL(cluster))
        #expect(cases.count == 1)
        #expect(cases.first?.outcome.kind == .passed)
        let details = cases.first?.evidence.map { $0.text(redactor: Redactor()) }.joined(separator: "\n") ?? ""
        #expect(details.contains("a Neon endpoint (ep-conformance-stand-in-123456)"))
        #expect(details.contains("neon.branch_id = br-test-123"))
        #expect(details.contains("sslmode verify-full, server certificate verified"))
        #expect(details.contains("TLS (server, pg_stat_ssl): on"))
    }

    @Test func anUnverifiedCertificateStillPassesButTheEvidenceSaysSo() async throws {
        let cluster = try await Self.standIn()
        let url = Self.neonURL(cluster, sslmode: "require")
        let cases = try await Self.check(NeonDatabase(), databaseURL: url)
        #expect(cases.first?.outcome.kind == .passed)
        let details = cases.first?.evidence.map { $0.text(redactor: Redactor()) }.joined(separator: "\n") ?? ""
        #expect(details.contains("server certificate NOT verified (sslmode require"))
    }

    @Test func settingsAndTLSWithoutANeonHostAreNotNeon() async throws {
        let cluster = try await Self.standIn()
        let cases = try await Self.check(NeonDatabase(), databaseURL: cluster.url(sslmode: "verify-full"))
        let text = try #require(Self.message(cases.first))
        #expect(text.hasSuffix("at 127.0.0.1 is not Neon: host 127.0.0.1 is not an ep-….neon.tech endpoint"))
    }

    @Test func plainPostgreSQLFailsWithTheHonestMessage() async throws {
        let cluster = try await Self.plain()
        let cases = try await Self.check(NeonDatabase(), databaseURL: cluster.url(sslmode: "disable"))
        #expect(cases.count == 1)
        let text = try #require(Self.message(cases.first))
        #expect(text.hasPrefix("PostgreSQL 1"))
        #expect(text.hasSuffix(" at 127.0.0.1 is not Neon: host 127.0.0.1 is not an ep-….neon.tech endpoint, no neon.* settings, no TLS"))
    }

    @Test func expectNeonFalseSkipsWithThatReason() async throws {
        let cluster = try await Self.plain()
        let cases = try await Self.check(NeonDatabase(), databaseURL: cluster.url(sslmode: "disable"), expectNeon: false)
        guard case .skipped(let reason)? = cases.first?.outcome else {
            Issue.record("expected a skip, got \(cases.first?.outcome.kind.rawValue ?? "nothing")")
            return
        }
        #expect(reason == "the target sets expectNeon: false")
    }

    @Test func theVerdictRefusesAServerThatDeniesTLS() {
        let e = NeonProbe.Evidence(host: Self.neonHost, hostIsNeon: true, endpointID: "ep-x", settings: ["neon.branch_id": "br-1"],
                                   tlsInUse: true, tlsVersion: "TLSv1.3", sslmode: "require", certificateVerified: false,
                                   serverVersion: "PostgreSQL 16.4")
        #expect(NeonOracle.verdict(e, server: .init(ssl: true, version: "TLSv1.3", cipher: nil)).passed)
        let denied = NeonOracle.verdict(e, server: .init(ssl: false, version: nil, cipher: nil))
        #expect(!denied.passed)
        #expect(denied.message.contains("pg_stat_ssl says this connection is not encrypted"))
        #expect(!NeonOracle.verdict(e, server: nil, expectedBranch: "br-2").passed)
    }

    /// The database scan judges with PostgreSQL's `~`; the unit tests with NSRegularExpression.
    /// Both must read every pattern alike, on every sample.
    @Test func postgresAndFoundationReadThePatternsAlike() async throws {
        let cluster = try await Self.plain()
        let db = try await Database.connect(url: cluster.url(sslmode: "disable"))
        defer { db.close() }
        let values = PasswordHashSamples.foreign.map(\.value) + PasswordHashSamples.notHashes + [PasswordHashSamples.betterAuthHash]
        for format in [PasswordHashFormats.betterAuthScrypt] + PasswordHashFormats.foreign {
            let rows = try await db.read("SELECT v, v ~ $1 AS hit FROM unnest($2::text[]) AS v", [format.pattern, Database.textArray(values)])
            #expect(rows.count == values.count)
            for row in rows {
                let v = row["v"]?.stringValue ?? ""
                #expect(row["hit"]?.boolValue == PasswordHashFormats.matches(format, v), "\(format.name) on \(v)")
            }
        }
    }

    @Test func foreignHashesAreNamedByTableAndColumnNeverByValue() async throws {
        let cluster = try await Self.plain()
        let bcrypt = PasswordHashSamples.foreign[0].value, argon = PasswordHashSamples.foreign[3].value
        try cluster.psql("""
            CREATE TABLE IF NOT EXISTS app_users (id serial PRIMARY KEY, email text, password_hash varchar(200));
            CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text, code char(8));
            CREATE TABLE IF NOT EXISTS account (id text PRIMARY KEY, password text);
            CREATE TABLE IF NOT EXISTS secrets_locked (v text);
            TRUNCATE app_users, notes, account, secrets_locked;
            INSERT INTO app_users (email, password_hash) VALUES ('a@x.test', '\(bcrypt)'), ('b@x.test', '\(bcrypt)'), ('c@x.test', '\(argon)');
            INSERT INTO notes (body, code) VALUES ('costs $5$ today', 'abc');
            INSERT INTO account VALUES ('u1', '\(PasswordHashSamples.betterAuthHash)');
            INSERT INTO secrets_locked VALUES ('\(bcrypt)');
            GRANT SELECT ON app_users, notes, account TO conformance;
            REVOKE ALL ON secrets_locked FROM conformance;
            """, database: cluster.database)
        let cases = try await Self.check(ForeignPasswordHashes(), databaseURL: cluster.url(sslmode: "disable"))
        #expect(cases.count == 1)
        guard case .failed(let findings)? = cases.first?.outcome else {
            Issue.record("expected a failure, got \(cases.first?.outcome.kind.rawValue ?? "nothing")")
            return
        }
        let messages = findings.map(\.message).sorted()
        #expect(messages == [
            "passwords stored as argon2 in table app_users, column password_hash (1 row(s)): a home-made auth path keeps its own password hashes",
            "passwords stored as bcrypt in table app_users, column password_hash (2 row(s)): a home-made auth path keeps its own password hashes",
        ])
        let everything = messages.joined() + findings.flatMap(\.evidence).map { $0.text(redactor: Redactor()) }.joined()
        #expect(!everything.contains(bcrypt) && !everything.contains(argon))
        #expect(everything.contains("not readable by this role, not scanned: secrets_locked"))
    }
}
