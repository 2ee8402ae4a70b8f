import Dispatch

/// A libpq connection together with the one serial queue allowed to touch it.
///
/// libpq calls block for a network round trip (or a `connect_timeout`); running them on the
/// queue and resuming a continuation keeps Swift's small cooperative thread pool free, so many
/// connections can wait on the server at once.
final class Session: Sendable {
    private let queue: DispatchQueue
    private let handle: LibPQ.Connection

    init(queue: DispatchQueue, handle: LibPQ.Connection) {
        self.queue = queue
        self.handle = handle
    }

    /// Runs blocking libpq work on the queue and waits for it without blocking a thread.
    func run<T: Sendable>(_ work: @escaping @Sendable (LibPQ.Connection) throws -> T) async throws -> T {
        let handle = self.handle
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work(handle) })
            }
        }
    }

    /// Executes one statement. Cancelling the calling task asks the server to cancel the
    /// statement (libpq's cancel request) and ends with `CancellationError`.
    func execute(_ sql: String, _ parameters: [String?]) async throws -> PGResult {
        try await cancellable { handle, id in try handle.execute(sql, parameters, queryID: id) }
    }

    /// Executes one statement inside a transaction block and says whether the block is still
    /// open afterwards (a body's own COMMIT or ROLLBACK would have ended it).
    func executeInTransaction(_ sql: String, _ parameters: [String?]) async throws -> (PGResult, stillOpen: Bool) {
        try await cancellable { handle, id in
            let result = try handle.execute(sql, parameters, queryID: id)
            return (result, handle.isInTransaction)
        }
    }

    private func cancellable<T: Sendable>(
        _ work: @escaping @Sendable (LibPQ.Connection, UInt64) throws -> T
    ) async throws -> T {
        try Task.checkCancellation()
        let handle = self.handle
        let id = handle.nextQueryID()
        do {
            return try await withTaskCancellationHandler {
                try await run { try work($0, id) }
            } onCancel: {
                // PQcancel opens its own connection to the server; keep that off this thread.
                DispatchQueue.global().async { handle.requestCancel(queryID: id) }
            }
        } catch let error as PostgresError where error.sqlstate == "57014" && Task.isCancelled {
            throw CancellationError()
        }
    }

    /// Closes the connection after any statement already queued.
    func close() {
        let handle = self.handle
        queue.async { handle.finish() }
    }
}
