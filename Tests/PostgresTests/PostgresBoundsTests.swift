import Foundation
import Testing
import TestSupport
@testable import ConformancePostgres

/// Neon-like connection conditions: a compute that starts listening late, a server that
/// accepts TCP and never answers, a statement that gets no answer. Every test judges the kind
/// of error and the number of attempts, never the wall clock (a loaded machine must pass).
@Suite struct PostgresBoundsTests {
    /// Retries reach a server that comes up during the connection phase (a compute waking).
    @Test func retriesReachAServerThatStartsListeningLate() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        try await cluster.suspend()   // same port, nothing listening

        let (firstRetry, signal) = AsyncStream.makeStream(of: String.self)
        var options = ConnectOptions()
        // Enough patience for a slow `pg_ctl start` on a loaded machine; small waits.
        options.maxAttempts = 400
        options.baseDelay = 0.05
        options.maxDelay = 0.2
        options.connectTimeout = 5
        options.onRetry = { _, reason in signal.yield(reason) }
        let url = cluster.url()
        let connecting = Task { try await PostgresConnection.connect(url: url, options: options) }

        // Bring the server up only once an attempt has demonstrably failed.
        var reasons = firstRetry.makeAsyncIterator()
        let reason = await reasons.next()
        #expect(reason?.contains("Connection refused") == true)
        try await cluster.resume()

        let db = try await connecting.value
        defer { db.close() }
        signal.finish()
        #expect(db.connectAttempts > 1)
        #expect(db.connectRetryReasons.count == db.connectAttempts - 1)
        #expect(db.connectRetryReasons.first?.contains("Connection refused") == true)
        #expect(try await db.query("SELECT 1 AS one").value(0, "one") == .int(1))
    }

    /// A server that takes the TCP connection and never answers the startup (or the TLS
    /// request): every attempt ends at its `connect_timeout` with a timeout error, and the
    /// configured number of attempts is made, no more.
    @Test(arguments: ["disable", "prefer", "require"])
    func silentServerTimesOutEveryAttempt(sslmode: String) async throws {
        let listener = try SilentListener()
        defer { listener.stop() }
        let url = "postgresql://someone:hunter22@127.0.0.1:\(listener.port)/db?sslmode=\(sslmode)&connect_timeout=1"
        let error = await thrownError { try await PostgresConnection.connect(url: url, options: quickRetries(2)) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .connection)
        #expect(pgError.timedOut)
        #expect(pgError.attempts == 2)
        #expect(pgError.message.contains("timeout expired"))
        #expect(pgError.message.contains("connect_timeout of 1 s"))
        #expect(!pgError.description.contains("hunter22"))
    }

    /// Without `connect_timeout` in the URL (or with libpq's "forever", 0), the options' timeout
    /// bounds each attempt.
    @Test func anAttemptIsAlwaysBounded() {
        var options = ConnectOptions()
        options.connectTimeout = 7
        #expect(PostgresConnection.attemptTimeout(nil, options: options) == 7)
        #expect(PostgresConnection.attemptTimeout("0", options: options) == 7)
        #expect(PostgresConnection.attemptTimeout("3", options: options) == 3)
        options.connectTimeout = 0
        #expect(PostgresConnection.attemptTimeout("0", options: options) == 15)
    }

    /// A statement the server does not answer within the query timeout ends with a timeout
    /// error and the connection is closed (its protocol state is unknown); later statements
    /// fail at once instead of waiting again.
    @Test func aStatementWithoutAnAnswerEndsAtTheQueryTimeout() async throws {
        var options = ConnectOptions()
        options.queryTimeout = 0.5
        let (_, db) = try await connectToShared(options: options)
        defer { db.close() }
        let error = await thrownError { try await db.query("SELECT pg_sleep(5)") } as? PostgresError
        #expect(error?.kind == .connection)
        #expect(error?.timedOut == true)
        #expect(error?.message.contains("query timeout of 0.5 s") == true)
        let after = await thrownError { try await db.query("SELECT 1") } as? PostgresError
        #expect(after?.kind == .connection)
        #expect(after?.timedOut == false)
    }

    /// The same inside a read-only transaction: the body's statement ends, and so does the
    /// transaction (its ROLLBACK fails fast on the closed connection).
    @Test func aStatementInsideReadOnlyEndsToo() async throws {
        var options = ConnectOptions()
        options.queryTimeout = 0.5
        let (_, db) = try await connectToShared(options: options)
        defer { db.close() }
        let error = await thrownError {
            try await db.readOnly { c in try await c.query("SELECT pg_sleep(5)") }
        } as? PostgresError
        #expect(error?.timedOut == true)
    }

    /// Statements that answer in time are untouched by the deadline, large results included.
    @Test func answeredStatementsAreUnaffected() async throws {
        var options = ConnectOptions()
        options.queryTimeout = 30
        let (_, db) = try await connectToShared(options: options)
        defer { db.close() }
        let rows = try await db.query("SELECT g, repeat('x', 1000) AS pad FROM generate_series(1, 5000) g")
        #expect(rows.rows.count == 5000)
        let error = await thrownError { try await db.query("SELECT 1/0") } as? PostgresError
        #expect(error?.sqlstate == "22012")
        #expect(try await db.query("SELECT $1::text AS t", [String(repeating: "y", count: 2_000_000)]).rows.count == 1)
    }
}
