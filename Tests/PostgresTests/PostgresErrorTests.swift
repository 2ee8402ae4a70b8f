import Testing
@testable import ConformancePostgres

/// Server errors keep their SQLSTATE, message and detail, and leave the connection usable.
@Suite struct PostgresErrorTests {
    @Test func undefinedTable() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let error = await thrownError { try await db.query("SELECT * FROM no_such_table_here") }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .query)
        #expect(pgError.sqlstate == "42P01")
        #expect(pgError.message == #"relation "no_such_table_here" does not exist"#)
        #expect(pgError.severity == "ERROR")
        #expect(pgError.attempts == 0)
        #expect(pgError.description.contains("42P01"))
        #expect(try await db.query("SELECT 1 AS one").value(0, "one") == .int(1))
    }

    @Test func uniqueViolationCarriesDetailAndConstraint() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("uniq")
        _ = try await db.query("CREATE TABLE \(table) (email text PRIMARY KEY)")
        _ = try await db.query("INSERT INTO \(table) VALUES ($1)", ["a@example.test"])
        let error = await thrownError { try await db.query("INSERT INTO \(table) VALUES ($1)", ["a@example.test"]) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .query)
        #expect(pgError.sqlstate == "23505")
        #expect(pgError.constraint == "\(table)_pkey")
        #expect(pgError.detail == "Key (email)=(a@example.test) already exists.")
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func badInputAndSyntax() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let badInput = await thrownError { try await db.query("SELECT $1::int", ["abc"]) } as? PostgresError
        #expect(badInput?.sqlstate == "22P02")
        let syntax = await thrownError { try await db.query("SELEC 1") } as? PostgresError
        #expect(syntax?.sqlstate == "42601")
        // Several statements cannot be sent with PQexecParams: the server says so.
        let multiple = await thrownError { try await db.query("SELECT 1; SELECT 2") } as? PostgresError
        #expect(multiple?.sqlstate == "42601")
    }

    @Test func copyIsRefusedAndTheConnectionSurvives() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let error = await thrownError { try await db.query("COPY (SELECT 1) TO STDOUT") } as? PostgresError
        #expect(error?.kind == .protocolError)
        #expect(try await db.query("SELECT 2 AS two").value(0, "two") == .int(2))
    }

    @Test func closedConnectionFailsClearly() async throws {
        let (_, db) = try await connectToShared()
        db.close()
        let error = await thrownError { try await db.query("SELECT 1") } as? PostgresError
        #expect(error?.kind == .connection)
        #expect(error?.message == "the connection is closed")
    }

    @Test func terminatedBackendIsAConnectionError() async throws {
        let (cluster, db) = try await connectToShared()
        defer { db.close() }
        // What a Neon compute suspending under an open connection looks like.
        try cluster.psql("SELECT pg_terminate_backend(\(db.backendPID))")
        let error = await thrownError { try await db.query("SELECT 1") } as? PostgresError
        #expect(error?.kind == .connection)
    }
}
