import Foundation
import Testing
import TestSupport
@testable import ConformancePostgres

/// The connection phase: what a connection reports about itself, retries, and failures that
/// must be clear and never show the password.
@Suite struct PostgresConnectionTests {
    @Test func reportsWhatItConnectedTo() async throws {
        let (cluster, db) = try await connectToShared()
        defer { db.close() }
        #expect(db.connectAttempts == 1)
        #expect(db.host == "127.0.0.1")
        #expect(db.port == String(cluster.port))
        #expect(db.database == cluster.database)
        #expect(db.user == cluster.user)
        #expect(db.serverVersion.first?.isNumber == true)
        #expect(PostgresConnection.libpqVersion.hasPrefix("1"))
        #expect(db.backendPID > 0)
        // What the driver added, and no password among the parameters it reports.
        #expect(db.parameters["connect_timeout"] == "15")
        #expect(db.parameters["client_encoding"] == "UTF8")
        #expect(db.parameters["password"] == nil)
        let server = try await db.query("SELECT current_user AS u, pg_backend_pid() AS pid, current_setting('application_name') AS app")
        #expect(server.value(0, "u") == .text(cluster.user))
        #expect(server.value(0, "pid") == .int(Int64(db.backendPID)))
        #expect(server.value(0, "app") == .text("conformance"))
    }

    @Test func urlParametersArePassedThrough() async throws {
        let cluster = try await TestCluster.shared()
        let url = cluster.url(query: ["sslmode": "disable", "connect_timeout": "7",
                                      "application_name": "probe", "options": "-c statement_timeout=1234"])
        let db = try await PostgresConnection.connect(url: url)
        defer { db.close() }
        #expect(db.parameters["connect_timeout"] == "7")
        let settings = try await db.query(
            "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS st")
        #expect(settings.value(0, "app") == .text("probe"))
        #expect(settings.value(0, "st") == .text("1234ms"))
    }

    @Test func keyValueConninfoWorks() async throws {
        let cluster = try await TestCluster.shared()
        let quoted = cluster.password.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "'", with: "\\'")
        let conninfo = "host=127.0.0.1 port=\(cluster.port) dbname=\(cluster.database) user=\(cluster.user) "
            + "password='\(quoted)' sslmode=disable"
        let db = try await PostgresConnection.connect(url: conninfo)
        defer { db.close() }
        #expect(try await db.query("SELECT 1 AS one").value(0, "one") == .int(1))
        #expect(DatabaseURL.password(of: conninfo) == cluster.password)
        #expect(!DatabaseURL.redacted(conninfo).contains(cluster.password))
    }

    @Test func postgresSchemeWorks() async throws {
        let cluster = try await TestCluster.shared()
        let url = cluster.url().replacingOccurrences(of: "postgresql://", with: "postgres://")
        let db = try await PostgresConnection.connect(url: url)
        defer { db.close() }
        #expect(db.user == cluster.user)
    }

    @Test func closedPortFailsAfterTheConfiguredAttempts() async throws {
        let cluster = try await TestCluster.shared()
        let port = try TestCluster.closedPort()
        let url = cluster.url().replacingOccurrences(of: ":\(cluster.port)/", with: ":\(port)/")
        let started = Date()
        let error = await thrownError { try await PostgresConnection.connect(url: url, options: quickRetries(3)) }
        let elapsed = Date().timeIntervalSince(started)
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .connection)
        #expect(pgError.attempts == 3)
        #expect(pgError.message.contains("Connection refused"))
        #expect(pgError.description.contains("3 attempts"))
        // Two waits between three attempts, each at least half of its (tiny) ceiling.
        #expect(elapsed >= 0.02)
        // The attempt count above is what proves the retry rule; no upper time bound.
        Self.expectNoSecret(pgError, cluster: cluster)
    }

    @Test func wrongPasswordIsClearAndNotRetried() async throws {
        let cluster = try await TestCluster.shared()
        let wrong = "Wr0ng-p@ss/w0rd?" + UUID().uuidString.prefix(6)
        let url = cluster.url(password: wrong)
        let error = await thrownError { try await PostgresConnection.connect(url: url, options: quickRetries(4)) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .connection)
        #expect(pgError.attempts == 1)   // retrying a wrong password cannot help
        #expect(pgError.message.contains("password authentication failed for user \"\(cluster.user)\""))
        #expect(!pgError.description.contains(wrong))
        #expect(!pgError.description.contains(wrong.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? wrong))
        Self.expectNoSecret(pgError, cluster: cluster)
    }

    @Test func unknownDatabaseIsNotRetried() async throws {
        let cluster = try await TestCluster.shared()
        let error = await thrownError {
            try await PostgresConnection.connect(url: cluster.url(database: "no_such_db"), options: quickRetries(4))
        } as? PostgresError
        #expect(error?.kind == .connection)
        #expect(error?.attempts == 1)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func malformedURLFailsWithoutConnectingOrLeaking() async throws {
        let secret = "s3cret%zz"
        let url = "postgresql://me:\(secret)@127.0.0.1:5432/db?sslmode=disable"
        let error = await thrownError { try await PostgresConnection.connect(url: url, options: quickRetries(3)) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .connection)
        #expect(pgError.attempts == 0)
        #expect(!pgError.description.contains("s3cret"))
        let unknownOption = await thrownError {
            try await PostgresConnection.connect(url: "postgresql://me:hunter22@127.0.0.1/db?bogus_option=1")
        } as? PostgresError
        #expect(unknownOption?.message.contains("bogus_option") == true)
        #expect(unknownOption?.description.contains("hunter22") == false)
    }

    @Test func tlsIsReportedAsNotInUseOnThePlainCluster() async throws {
        let cluster = try await TestCluster.shared()
        for mode in ["disable", "prefer", "allow"] {
            let db = try await PostgresConnection.connect(url: cluster.url(sslmode: mode))
            defer { db.close() }
            #expect(db.tls.inUse == false, "\(mode)")
            #expect(db.tls.version == nil)
            #expect(db.tls.certificateVerified == false)
            #expect(db.tls.sslmode == mode)
            #expect(db.tls.summary.hasPrefix("no TLS"))
        }
        // sslmode=require against a server without TLS: refused at once, not retried.
        let required = await thrownError {
            try await PostgresConnection.connect(url: cluster.url(sslmode: "require"), options: quickRetries(3))
        } as? PostgresError
        #expect(required?.kind == .connection)
        #expect(required?.attempts == 1)
    }

    static func expectNoSecret(_ error: PostgresError, cluster: TestCluster,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let text = "\(error) \(error.message) \(error.detail ?? "") \(error.localizedDescription)"
        #expect(!text.contains(cluster.password), sourceLocation: sourceLocation)
        #expect(!text.contains(cluster.url()), sourceLocation: sourceLocation)
        #expect(!text.contains(cluster.encodedPassword), sourceLocation: sourceLocation)
    }
}
