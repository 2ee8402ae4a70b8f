import Foundation

extension PostgresConnection {
    /// Runs `body` inside `BEGIN READ ONLY` … `COMMIT` (`ROLLBACK` when it throws). The server
    /// refuses any write with SQLSTATE 25006, surfaced as `.readOnlyViolation`: the harness's
    /// guarantee that its checks cannot change a user's database.
    ///
    /// `body` gets a view of this connection that works only until the transaction ends; other
    /// callers of this connection wait until then.
    public func readOnly<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await inTransaction(begin: "BEGIN READ ONLY", body)
    }

    /// Runs `body` inside a read-write `BEGIN` … `COMMIT` (`ROLLBACK` when it throws). Meant only
    /// for the final clean-up of what a run created.
    public func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await inTransaction(begin: "BEGIN", body)
    }

    private func inTransaction<T: Sendable>(
        begin: String, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        if scope != nil {
            // PostgreSQL has no nested BEGIN; silently reusing the outer transaction would give a
            // "read-only" body a read-write transaction.
            throw PostgresError(kind: .query, message: "transactions cannot be nested")
        }
        return try await gate.exclusive {
            _ = try await session.execute(begin, [])
            let scope = TransactionScope()
            let view = transactionView(scope: scope)
            let value: T
            do {
                value = try await body(view)
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
    // @unchecked: `open` is only read and written under `lock`.
    private let lock = NSLock()
    private var open = true

    func end() {
        lock.withLock { open = false }
    }

    func checkOpen() throws {
        let isOpen = lock.withLock { open }
        if !isOpen {
            throw PostgresError(kind: .query,
                                message: "a transaction's connection was used after the transaction ended")
        }
    }
}
