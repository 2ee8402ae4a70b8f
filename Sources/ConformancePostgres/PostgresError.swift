import Foundation

/// A failure of the database driver, with what the server said about it.
///
/// Messages never contain the connection password: connection-phase messages are scrubbed
/// before this value is made, so it can go to a report or a log as is.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Could not connect, or the connection broke (the server's SQLSTATE, e.g. 57P01, if any).
        case connection
        /// The server refused a statement.
        case query
        /// A write inside a read-only transaction (SQLSTATE 25006): the harness's own safety net.
        case readOnlyViolation
        /// libpq or the server did something this driver does not handle (e.g. COPY).
        case protocolError
    }

    public var kind: Kind
    /// The five-character SQLSTATE (`PG_DIAG_SQLSTATE`), when the server sent one.
    public var sqlstate: String?
    /// The primary message.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The constraint a violation names (e.g. the unique index of a 23505).
    public var constraint: String?
    /// ERROR, FATAL, PANIC (non-localized).
    public var severity: String?
    /// Connection attempts made before giving up; 0 for errors after connecting.
    public var attempts: Int
    /// The server did not answer in time: a connection attempt ran past its `connect_timeout`,
    /// or a statement past the query timeout (after which the connection is closed).
    public var timedOut: Bool

    static let readOnlySQLState = "25006"

    public init(kind: Kind, message: String, sqlstate: String? = nil, detail: String? = nil,
                hint: String? = nil, constraint: String? = nil, severity: String? = nil,
                attempts: Int = 0, timedOut: Bool = false) {
        self.kind = kind
        self.message = message
        self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.severity = severity
        self.attempts = attempts
        self.timedOut = timedOut
    }

    public var description: String {
        var text: String
        switch kind {
        case .connection where attempts > 0:
            text = "could not connect to PostgreSQL (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(message)"
        case .connection:
            text = "PostgreSQL connection error: \(message)"
        case .query:
            text = "PostgreSQL error: \(message)"
        case .readOnlyViolation:
            text = "write refused in a read-only transaction: \(message)"
        case .protocolError:
            text = "PostgreSQL protocol error: \(message)"
        }
        if let sqlstate { text += " [SQLSTATE \(sqlstate)]" }
        if let detail { text += " — \(detail)" }
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}

extension PostgresError: LocalizedError {
    public var errorDescription: String? { description }
}
