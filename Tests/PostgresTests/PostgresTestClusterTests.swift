import Foundation
import Testing
import TestSupport
@testable import ConformancePostgres

/// The test cluster itself, as another test (e.g. a Neon stand-in) would use it.
@Suite struct PostgresTestClusterTests {
    @Test func extraSettingsApplyAndStopCleansUp() async throws {
        let cluster = try await TestCluster.start(.init(extraSettings: [
            "neon.branch_id = 'br-test-123'",
            "neon.endpoint_id = 'ep-stand-in-42'",
        ]))
        let db = try await PostgresConnection.connect(url: cluster.url())
        let settings = try await db.query("""
            SELECT current_setting('neon.branch_id', true) AS branch,
                   current_setting('neon.endpoint_id', true) AS endpoint,
                   current_setting('neon.project_id', true) AS project,
                   current_setting('listen_addresses') AS listen,
                   rolsuper AS superuser
            FROM pg_roles WHERE rolname = current_user
            """)
        #expect(settings.value(0, "branch") == .text("br-test-123"))
        #expect(settings.value(0, "endpoint") == .text("ep-stand-in-42"))
        #expect(settings.value(0, "project") == .null)
        #expect(settings.value(0, "listen") == .text("127.0.0.1"))
        #expect(settings.value(0, "superuser") == .bool(false))
        db.close()

        // The superuser is reachable too, over TCP and through psql.
        let admin = try await PostgresConnection.connect(url: cluster.superuserURL)
        #expect(try await admin.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            .value(0, "rolsuper") == .bool(true))
        admin.close()
        #expect(try cluster.psql("SELECT 40 + 2") == "42")

        cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
        let error = await thrownError {
            try await PostgresConnection.connect(url: cluster.url(), options: quickRetries(1))
        } as? PostgresError
        #expect(error?.kind == .connection)
        cluster.stop()  // idempotent
    }
}

/// A compute that is asleep when the harness arrives: the connection phase retries until it
/// answers, and says so.
@Suite struct PostgresWakeUpTests {
    @Test func connectionPhaseRidesOutAServerThatIsStillWaking() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        let before = try await PostgresConnection.connect(url: cluster.url())
        defer { before.close() }

        try await cluster.suspend()
        // A connection left open while the compute suspended is dead: a connection error, and
        // the query is not retried.
        let dead = await thrownError { try await before.query("SELECT 1") } as? PostgresError
        #expect(dead?.kind == .connection)

        var options = ConnectOptions()
        options.maxAttempts = 20
        options.baseDelay = 0.1
        options.maxDelay = 0.3
        let waking = Task { try await PostgresConnection.connect(url: cluster.url(), options: options) }
        try await Task.sleep(nanoseconds: 600_000_000)
        try await cluster.resume()
        let db = try await waking.value
        defer { db.close() }
        #expect(db.connectAttempts > 1)
        #expect(db.connectRetryReasons.count == db.connectAttempts - 1)
        #expect(db.connectRetryReasons.allSatisfy { !$0.contains(cluster.password) && !$0.contains(cluster.encodedPassword) })
        #expect(try await db.query("SELECT 1 AS one").value(0, "one") == .int(1))
    }
}
