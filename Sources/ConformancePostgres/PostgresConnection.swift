import Dispatch
import Foundation

/// One PostgreSQL connection, safe to share between tasks: calls are served one at a time, in
/// the order they arrive, and a transaction holds the connection until it ends.
///
/// Built for Neon and PgBouncer transaction mode: only unnamed statements (`PQexecParams`),
/// never session `SET` or `PREPARE`; only the connection phase is retried.
public final class PostgresConnection: Sendable {
    let session: Session
    private let facts: ConnectionFacts
    /// Keeps whole transactions apart from other callers. Shared by a connection and the
    /// transaction-scoped views made from it.
    let gate: AsyncGate
    /// Set on the view handed to a `readOnly`/`transaction` body: that view already holds the
    /// gate, and must stop working once the transaction is over.
    let scope: TransactionScope?

    /// How many attempts the connection phase took (1 when the first one worked); worth a note
    /// in the report, since retries usually mean a Neon compute was waking up.
    public let connectAttempts: Int
    /// Why each failed attempt before the successful one failed (password masked), oldest
    /// first; empty when the first attempt worked.
    public let connectRetryReasons: [String]

    public var tls: TLSInfo { facts.tls }
    /// The server's `server_version`, e.g. "15.8 (Debian 15.8-0+deb12u1)".
    public var serverVersion: String { facts.serverVersion }
    public var host: String { facts.host }
    public var port: String { facts.port }
    public var database: String { facts.database }
    public var user: String { facts.user }
    /// The server process serving this connection, e.g. to find it in `pg_stat_ssl`.
    public var backendPID: Int32 { facts.backendPID }
    /// Every connection parameter in effect, as libpq reports it, without the password
    /// (shows the sslmode, channel_binding and connect_timeout actually used).
    public var parameters: [String: String] { facts.parameters }

    /// The linked libpq's version, e.g. "15.20" — worth reporting: Neon's SNI routing needs
    /// libpq 14+, `channel_binding` 13+, `sslrootcert=system` 16+.
    public static var libpqVersion: String {
        let number = LibPQ.libraryVersion
        return "\(number / 10000).\(number % 100)"
    }

    private init(session: Session, facts: ConnectionFacts, gate: AsyncGate, scope: TransactionScope?,
                 connectAttempts: Int, connectRetryReasons: [String]) {
        self.session = session
        self.facts = facts
        self.gate = gate
        self.scope = scope
        self.connectAttempts = connectAttempts
        self.connectRetryReasons = connectRetryReasons
    }

    /// A view of the same connection for the body of a transaction.
    func transactionView(scope: TransactionScope) -> PostgresConnection {
        PostgresConnection(session: session, facts: facts, gate: gate, scope: scope,
                           connectAttempts: connectAttempts, connectRetryReasons: connectRetryReasons)
    }

    /// Connects from a `postgresql://` / `postgres://` URL or a key=value string. Every libpq
    /// parameter is passed through; `connect_timeout` (from `options`), `client_encoding=UTF8`
    /// and `fallback_application_name` are added when absent.
    ///
    /// Failed attempts are retried with jittered exponential backoff, except failures no retry
    /// can fix (wrong password, unknown database, certificate mismatch). Errors never contain the
    /// password.
    ///
    /// Bounds: each attempt ends within `connect_timeout` seconds whatever the server does
    /// (accepts TCP and stays silent, stalls the TLS negotiation or the authentication), so the
    /// whole phase takes at most `maxAttempts × connect_timeout` plus the waits between attempts.
    /// Every statement afterwards ends within `options.queryTimeout`.
    public static func connect(url: String, options: ConnectOptions = .init()) async throws -> PostgresConnection {
        var parameters: [String: String]
        switch LibPQ.parse(url) {
        case .success(let parsed):
            parameters = parsed
        case .failure(let failure):
            // libpq's parse errors quote parts of the string; scrub the whole message.
            let message = "invalid database URL \(DatabaseURL.redacted(url)): \(failure.message)"
            throw PostgresError(kind: .connection, message: DatabaseURL.scrub(message, secretsOf: url))
        }
        if parameters["connect_timeout"] == nil, options.connectTimeout > 0 {
            parameters["connect_timeout"] = String(options.connectTimeout)
        }
        let attemptTimeout = Self.attemptTimeout(parameters["connect_timeout"], options: options)
        // Decoded text must be UTF-8 whatever the database's encoding; PgBouncer tracks this
        // parameter, so it is safe on a pooler.
        if parameters["client_encoding"] == nil {
            parameters["client_encoding"] = "UTF8"
        }
        if parameters["fallback_application_name"] == nil, !options.applicationName.isEmpty {
            parameters["fallback_application_name"] = options.applicationName
        }

        // One queue per connection, created up front so the connection phase already runs off
        // the cooperative pool.
        let queue = DispatchQueue(label: "conformance.postgres.connection")
        let maxAttempts = max(1, options.maxAttempts)
        var attempt = 0
        var retryReasons: [String] = []
        while true {
            attempt += 1
            let connectParameters = parameters
            let outcome = await withCheckedContinuation { continuation in
                queue.async {
                    continuation.resume(returning: LibPQ.Connection.open(connectParameters, timeout: attemptTimeout,
                                                                         queryTimeout: options.queryTimeout))
                }
            }
            switch outcome {
            case .success(let handle):
                let session = Session(queue: queue, handle: handle)
                let facts = try await session.run { $0.facts() }
                return PostgresConnection(session: session, facts: facts, gate: AsyncGate(), scope: nil,
                                          connectAttempts: attempt, connectRetryReasons: retryReasons)
            case .failure(let failure):
                let message = DatabaseURL.scrub(failure.message, secretsOf: url)
                let permanent = ConnectionRetry.isPermanent(message: failure.message,
                                                            needsPassword: failure.needsPassword)
                if permanent || attempt >= maxAttempts {
                    throw PostgresError(kind: .connection, message: message, attempts: attempt,
                                        timedOut: failure.timedOut)
                }
                retryReasons.append(message)
                options.onRetry?(attempt, message)
                let delay = ConnectionRetry.delay(afterAttempt: attempt, options: options,
                                                  random: Double.random(in: 0...1))
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            }
        }
    }

    /// Seconds one connection attempt may take: the URL's `connect_timeout` (libpq's meaning),
    /// else the options'. A URL's `0` ("wait forever" to libpq) takes the options' value too,
    /// and so does a missing one, so an attempt is always bounded.
    static func attemptTimeout(_ fromURL: String?, options: ConnectOptions) -> Double {
        if let text = fromURL?.trimmingCharacters(in: .whitespaces), let seconds = Int(text), seconds > 0 {
            return Double(seconds)
        }
        return Double(options.connectTimeout > 0 ? options.connectTimeout : ConnectOptions().connectTimeout)
    }

    /// Runs one statement with `$1, $2, ...` parameters sent separately from the SQL (nil is
    /// NULL), so hostile strings are data, never SQL. Results come back decoded by column type.
    /// Never retried.
    public func query(_ sql: String, _ params: [String?] = []) async throws -> PGResult {
        guard let scope else {
            return try await gate.exclusive { try await self.session.execute(sql, params) }
        }
        // Inside a transaction body: this view already holds the gate.
        try scope.checkOpen()
        let result: PGResult, stillOpen: Bool
        do {
            (result, stillOpen) = try await session.executeInTransaction(sql, params)
        } catch var error as PostgresError {
            // 25001: "SET TRANSACTION READ WRITE" after the first query — an attempt to write.
            if scope.readOnly, error.sqlstate == "25001" { error.kind = .readOnlyViolation }
            throw error
        }
        if !stillOpen {
            // The body sent COMMIT/ROLLBACK itself: its next statement would run outside the
            // transaction (in a readOnly body: outside read-only protection). Stop it here.
            scope.endedByBody()
            throw TransactionScope.endedByBodyError
        }
        return result
    }

    /// Closes the connection once the statements already queued have run. Later calls fail
    /// with a `.connection` error.
    public func close() {
        session.close()
    }
}
