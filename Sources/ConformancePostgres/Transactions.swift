import Foundation

extension PostgresConnection {
    /// Runs `body` inside `BEGIN READ ONLY` … `COMMIT` (`ROLLBACK` when it throws). The server
    /// refuses any write with SQLSTATE 25006, surfaced as `.readOnlyViolation`: the harness's
    /// guarantee that its checks cannot change a user's database.
    ///
    /// `body` gets a view of this connection that works only until the transaction ends; other
    /// callers of this connection wait until then. The body cannot leave read-only mode: a
    /// snapshot is taken right after BEGIN (so `SET TRANSACTION READ WRITE` is refused), and a
    /// COMMIT/ROLLBACK sent by the body stops the view.
    public func readOnly<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await inTransaction(readOnly: true, body)
    }

    /// Runs `body` inside a read-write `BEGIN` … `COMMIT` (`ROLLBACK` when it throws). Meant only
    /// for the final clean-up of what a run created.
    public func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await inTransaction(readOnly: false, body)
    }

    private func inTransaction<T: Sendable>(
        readOnly: Bool, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        if scope != nil {
            // PostgreSQL has no nested BEGIN; silently reusing the outer transaction would give a
            // "read-only" body a read-write transaction.
            throw PostgresError(kind: .query, message: "transactions cannot be nested")
        }
        return try await gate.exclusive {
            _ = try await session.execute(readOnly ? "BEGIN READ ONLY" : "BEGIN", [])
            let scope = TransactionScope(readOnly: readOnly)
            let value: T
            do {
                if readOnly {
                    // PostgreSQL lets "SET TRANSACTION READ WRITE" undo READ ONLY until the first
                    // query has taken a snapshot; take it now so it never can.
                    _ = try await session.execute("SELECT 1", [])
                }
                value = try await body(transactionView(scope: scope))
                if scope.wasEndedByBody { throw TransactionScope.endedByBodyError }
            } catch {
                scope.end()
                // The original error matters; a failed ROLLBACK (e.g. the connection is gone)
                // would only hide it.
                _ = try? await session.execute("ROLLBACK", [])
                throw error
            }
            scope.end()
            let commit = try await session.execute("COMMIT", [])
            if commit.commandTag == "ROLLBACK" {
                // The server answers COMMIT with ROLLBACK when a statement inside failed and the
                // body swallowed that error: nothing was kept, which the caller must learn.
                throw PostgresError(kind: .query,
                                    message: "the transaction was rolled back because a statement inside it failed")
            }
            return value
        }
    }
}

/// Whether the view given to a transaction body may still be used.
final class TransactionScope: @unchecked Sendable {
    // @unchecked: the mutable state is only touched under `lock`.
    private let lock = NSLock()
    private var open = true
    private var endedEarly = false
    let readOnly: Bool

    init(readOnly: Bool) {
        self.readOnly = readOnly
    }

    static let endedByBodyError = PostgresError(
        kind: .query,
        message: "a statement inside readOnly/transaction ended the transaction (COMMIT or ROLLBACK); "
            + "further statements in it are refused")

    func end() {
        lock.withLock { open = false }
    }

    func endedByBody() {
        lock.withLock {
            open = false
            endedEarly = true
        }
    }

    var wasEndedByBody: Bool { lock.withLock { endedEarly } }

    func checkOpen() throws {
        let (isOpen, early) = lock.withLock { (open, endedEarly) }
        if early { throw Self.endedByBodyError }
        if !isOpen {
            throw PostgresError(kind: .query,
                                message: "a transaction's connection was used after the transaction ended")
        }
    }
}
