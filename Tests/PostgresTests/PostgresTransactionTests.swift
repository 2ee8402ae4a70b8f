import Foundation
import Testing
import TestSupport
@testable import ConformancePostgres

/// The read-only helper is the harness's promise not to change a user's database.
@Suite struct PostgresTransactionTests {
    @Test func writeInsideReadOnlyIsRefusedAndRolledBack() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("ro")
        _ = try await db.query("CREATE TABLE \(table) (v text)")

        let error = await thrownError {
            try await db.readOnly { tx in
                let seen = try await tx.query("SELECT count(*) AS n FROM \(table)")
                #expect(seen.value(0, "n") == .int(0))
                return try await tx.query("INSERT INTO \(table) VALUES ('should not stay')")
            }
        }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .readOnlyViolation)
        #expect(pgError.sqlstate == "25006")
        #expect(pgError.message.contains("read-only transaction"))

        // Rolled back: no row, and the connection is out of the failed transaction.
        let count = try await db.query("SELECT count(*) AS n FROM \(table)")
        #expect(count.value(0, "n") == .int(0))
        let state = try await db.query("SELECT current_setting('transaction_read_only') AS ro")
        #expect(state.value(0, "ro") == .text("off"))
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func readOnlyRefusesDDLAndCannotBeSwitchedOff() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let ddl = await thrownError {
            try await db.readOnly { tx in try await tx.query("CREATE TABLE \(uniqueTableName()) (x int)") }
        } as? PostgresError
        #expect(ddl?.kind == .readOnlyViolation)
        // As the body's first statement, this would succeed on a bare BEGIN READ ONLY.
        for escape in ["SET TRANSACTION READ WRITE", "SELECT set_config('transaction_read_only', 'off', true)"] {
            let error = await thrownError {
                try await db.readOnly { tx in try await tx.query(escape) }
            } as? PostgresError
            #expect(error?.kind == .readOnlyViolation, "\(escape)")
            #expect(error?.sqlstate == "25001", "\(escape)")
        }
    }

    @Test func bodyCannotCommitItsWayOutOfReadOnly() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("esc")
        _ = try await db.query("CREATE TABLE \(table) (v text)")
        for end in ["COMMIT", "ROLLBACK", "END"] {
            let error = await thrownError {
                try await db.readOnly { tx in
                    _ = try? await tx.query(end)      // even when the body ignores the refusal...
                    return try await tx.query("INSERT INTO \(table) VALUES ('escaped')")
                }
            } as? PostgresError
            #expect(error?.message.contains("ended the transaction") == true, "\(end)")
        }
        #expect(try await db.query("SELECT count(*) AS n FROM \(table)").value(0, "n") == .int(0))
        // ...and when it ignores every error, the helper still reports it.
        let swallowed = await thrownError {
            try await db.readOnly { tx in
                _ = try? await tx.query("COMMIT")
                return 1
            }
        } as? PostgresError
        #expect(swallowed?.message.contains("ended the transaction") == true)
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func readOnlyReturnsTheBodysValue() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let readOnly = try await db.readOnly { tx in
            try await tx.query("SELECT current_setting('transaction_read_only') AS ro").value(0, "ro")
        }
        #expect(readOnly == .text("on"))
    }

    @Test func transactionCommits() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("tx")
        _ = try await db.query("CREATE TABLE \(table) (v text)")
        let inserted = try await db.transaction { tx in
            try await tx.query("INSERT INTO \(table) VALUES ($1), ($2)", ["a", "b"]).rowsAffected
        }
        #expect(inserted == 2)
        // Visible from another connection: really committed.
        let other = try await PostgresConnection.connect(url: try await TestCluster.shared().url())
        defer { other.close() }
        #expect(try await other.query("SELECT count(*) AS n FROM \(table)").value(0, "n") == .int(2))
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func transactionRollsBackWhenTheBodyThrows() async throws {
        struct Stop: Error {}
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("txr")
        _ = try await db.query("CREATE TABLE \(table) (v text)")
        let error = await thrownError {
            try await db.transaction { tx -> Int in
                _ = try await tx.query("INSERT INTO \(table) VALUES ('x')")
                throw Stop()
            }
        }
        #expect(error is Stop)
        #expect(try await db.query("SELECT count(*) AS n FROM \(table)").value(0, "n") == .int(0))
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func swallowedErrorInsideTransactionIsReported() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("txs")
        _ = try await db.query("CREATE TABLE \(table) (v text)")
        let error = await thrownError {
            try await db.transaction { tx in
                _ = try await tx.query("INSERT INTO \(table) VALUES ('x')")
                _ = try? await tx.query("SELECT * FROM no_such_table_either")
                return 0
            }
        } as? PostgresError
        #expect(error?.message.contains("rolled back") == true)
        #expect(try await db.query("SELECT count(*) AS n FROM \(table)").value(0, "n") == .int(0))
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func nestingAndEscapingViewsAreRefused() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let nested = await thrownError {
            try await db.transaction { tx in try await tx.readOnly { _ in 1 } }
        } as? PostgresError
        #expect(nested?.message.contains("nested") == true)

        let escaped = try await db.readOnly { tx in tx }
        let late = await thrownError { try await escaped.query("SELECT 1") } as? PostgresError
        #expect(late?.message.contains("after the transaction ended") == true)
    }

    @Test func otherCallersWaitForTheTransaction() async throws {
        actor Log {
            var events: [String] = []
            func add(_ event: String) { events.append(event) }
        }
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let log = Log()
        let outside = try await db.readOnly { tx in
            // Another caller of the same connection, started mid-transaction.
            let outsider = Task {
                let inTransaction = try await db.query("SELECT current_setting('transaction_read_only') AS ro")
                await log.add("outside")
                return inTransaction
            }
            try await Task.sleep(nanoseconds: 200_000_000)
            _ = try await tx.query("SELECT 1")
            await log.add("inside done")
            return outsider
        }
        let result = try await outside.value
        #expect(await log.events == ["inside done", "outside"])
        // It ran in its own implicit transaction, not inside the read-only one.
        #expect(result.value(0, "ro") == .text("off"))
    }
}
