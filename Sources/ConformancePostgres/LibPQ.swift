import CLibPQ
import Foundation

/// Every call into libpq lives in this file, so the rest of the module deals in Swift values only
/// and a reader auditing memory or thread safety has one place to look.
///
/// libpq is blocking: everything here except `Connection.requestCancel` must run on the serial
/// queue of the `Session` that owns the connection, never on Swift's cooperative pool.
enum LibPQ {
    /// Why libpq rejected a connection string, before any network traffic.
    struct ParseFailure: Error, Sendable {
        var message: String
    }

    /// Why one connection attempt failed.
    struct ConnectFailure: Error, Sendable {
        var message: String
        /// libpq's own verdict that the server wanted a password it did not get; retrying cannot help.
        var needsPassword: Bool
        /// The attempt ran out of its deadline (the server accepted TCP, or not even that, and
        /// never finished the handshake).
        var timedOut = false
    }

    /// libpq's version as an integer (150020 for 15.20), for diagnostics.
    static var libraryVersion: Int { Int(PQlibVersion()) }

    /// Reads a URL or key=value string exactly as libpq would, returning only the parameters it
    /// sets. Using libpq's parser (not our own) keeps every parameter and quoting rule libpq knows.
    static func parse(_ conninfo: String) -> Result<[String: String], ParseFailure> {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            return .failure(ParseFailure(message: message.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        defer { PQconninfoFree(options) }
        return .success(values(of: options))
    }

    private static func values(of options: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var result: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return result
    }

    /// Field codes of `PQresultErrorField` (`PG_DIAG_*` are character macros Swift does not import
    /// reliably, so they are spelled out here).
    private enum Diag {
        static let severity = Int32(UInt8(ascii: "V"))
        static let sqlstate = Int32(UInt8(ascii: "C"))
        static let primary = Int32(UInt8(ascii: "M"))
        static let detail = Int32(UInt8(ascii: "D"))
        static let hint = Int32(UInt8(ascii: "H"))
        static let constraint = Int32(UInt8(ascii: "n"))
    }

    /// One libpq connection. `@unchecked Sendable` because it is confined by convention: only its
    /// session's serial queue touches `conn`; `requestCancel` uses the separate, lock-guarded
    /// `PGcancel`, which libpq documents as safe to use from another thread.
    final class Connection: @unchecked Sendable {
        private var conn: OpaquePointer?
        private let cancelLock = NSLock()
        private var cancelHandle: OpaquePointer?
        private var runningQuery: UInt64?
        /// The newest query that has started, and queries cancelled while still queued: a task
        /// cancelled before its turn on the session's queue must not run at all.
        private var lastStarted: UInt64 = 0
        private var cancelledBeforeStart: Set<UInt64> = []
        private var queryCounter: UInt64 = 0

        private init(_ conn: OpaquePointer, queryTimeout: Double) {
            self.conn = conn
            self.queryTimeout = queryTimeout
            self.cancelHandle = PQgetCancel(conn)
        }

        deinit {
            finish()
        }

        /// Seconds one statement may wait for the server before the connection is given up.
        private let queryTimeout: Double

        /// Blocks until the connection is up, has failed, or `timeout` seconds have passed.
        ///
        /// The handshake runs in this driver's own loop (`PQconnectStartParams`/`PQconnectPoll`
        /// and `poll` on the socket with one deadline) rather than in `PQconnectdbParams`: libpq's
        /// own `connect_timeout` restarts for every address and host it tries, so one attempt
        /// against a server that accepts TCP and never answers could last a multiple of it. Here
        /// the deadline covers the whole attempt — every address, the TLS negotiation, the
        /// authentication exchange.
        static func open(_ parameters: [String: String], timeout: Double,
                         queryTimeout: Double) -> Result<Connection, ConnectFailure> {
            // expand_dbname = 0: the parameters were already parsed by `LibPQ.parse`, so a dbname
            // that happens to look like a URL must stay a name.
            let keys = parameters.keys.sorted()
            let cKeys = keys.map { strdup($0) }
            let cValues = keys.map { strdup(parameters[$0] ?? "") }
            defer {
                cKeys.forEach { free($0) }
                cValues.forEach { free($0) }
            }
            let keyPointers = cKeys.map { $0.map { UnsafePointer($0) } } + [nil]
            let valuePointers = cValues.map { $0.map { UnsafePointer($0) } } + [nil]
            guard let conn = PQconnectStartParams(keyPointers, valuePointers, 0) else {
                return .failure(ConnectFailure(message: "libpq could not allocate a connection", needsPassword: false))
            }
            let deadline = Deadline(seconds: timeout)
            // libpq's contract: start as if PQconnectPoll had asked to wait for writing.
            var state = PGRES_POLLING_WRITING
            while PQstatus(conn) != CONNECTION_BAD, state != PGRES_POLLING_OK, state != PGRES_POLLING_FAILED {
                // The socket can change between calls (libpq moves on to the next address).
                switch LibPQ.wait(on: PQsocket(conn), forWriting: state == PGRES_POLLING_WRITING, until: deadline) {
                case .ready:
                    state = PQconnectPoll(conn)
                case .timedOut:
                    let host = PQhost(conn).map { String(cString: $0) } ?? "?"
                    let port = PQport(conn).map { String(cString: $0) } ?? "?"
                    PQfinish(conn)
                    return .failure(ConnectFailure(
                        message: "timeout expired: no complete answer from \(host):\(port) within the connect_timeout of \(Deadline.format(timeout)) s",
                        needsPassword: false, timedOut: true))
                case .failed(let reason):
                    PQfinish(conn)
                    return .failure(ConnectFailure(message: "waiting for the server failed: \(reason)", needsPassword: false))
                }
            }
            guard PQstatus(conn) == CONNECTION_OK else {
                let failure = ConnectFailure(message: LibPQ.errorMessage(conn),
                                             needsPassword: PQconnectionNeedsPassword(conn) == 1)
                PQfinish(conn)
                return .failure(failure)
            }
            // The default notice processor prints to stderr; a harness must not spray server
            // warnings ("there is no transaction in progress") into its own output.
            PQsetNoticeProcessor(conn, { _, _ in }, nil)
            // Non-blocking: sending a statement must not block in write() either, so the query
            // deadline bounds the whole round trip.
            _ = PQsetnonblocking(conn, 1)
            return .success(Connection(conn, queryTimeout: queryTimeout))
        }

        /// What the connection turned out to be, read once after connecting.
        func facts() -> ConnectionFacts {
            guard let conn else {
                return ConnectionFacts(host: "", port: "", database: "", user: "", serverVersion: "",
                                       backendPID: 0, tls: TLSInfo(), parameters: [:])
            }
            var parameters: [String: String] = [:]
            if let options = PQconninfo(conn) {
                parameters = LibPQ.values(of: options)
                PQconninfoFree(options)
            }
            // The effective settings are reported; the password never is.
            parameters["password"] = nil
            let inUse = PQsslInUse(conn) == 1
            let sslmode = parameters["sslmode"]
            let tls = TLSInfo(
                inUse: inUse,
                version: inUse ? PQsslAttribute(conn, "protocol").map { String(cString: $0) } : nil,
                cipher: inUse ? PQsslAttribute(conn, "cipher").map { String(cString: $0) } : nil,
                sslmode: sslmode,
                certificateVerified: inUse && (sslmode == "verify-ca" || sslmode == "verify-full"),
                channelBinding: parameters["channel_binding"],
                rootCertificate: parameters["sslrootcert"])
            return ConnectionFacts(
                host: PQhost(conn).map { String(cString: $0) } ?? "",
                port: PQport(conn).map { String(cString: $0) } ?? "",
                database: PQdb(conn).map { String(cString: $0) } ?? "",
                user: PQuser(conn).map { String(cString: $0) } ?? "",
                serverVersion: PQparameterStatus(conn, "server_version").map { String(cString: $0) } ?? "",
                backendPID: PQbackendPID(conn),
                tls: tls,
                parameters: parameters)
        }

        /// A fresh id for the next query, so a late cancel request can tell whether "its" query is
        /// still the one running.
        func nextQueryID() -> UInt64 {
            cancelLock.withLock {
                queryCounter += 1
                return queryCounter
            }
        }

        /// Runs one statement with `PQexecParams`: an unnamed statement, text parameters and text
        /// results, which is all a PgBouncer transaction-mode pooler (Neon `-pooler`) allows.
        func execute(_ sql: String, _ parameters: [String?], queryID: UInt64) throws -> PGResult {
            guard let conn else {
                throw PostgresError(kind: .connection, message: "the connection is closed")
            }
            for (index, parameter) in parameters.enumerated() where parameter?.utf8.contains(0) == true {
                // libpq takes C strings: a NUL would silently cut the value short, so a probe would
                // test something other than what its author wrote.
                throw PostgresError(kind: .query,
                                    message: "parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot hold")
            }
            let cParameters = parameters.map { $0.flatMap { strdup($0) } }
            defer { cParameters.forEach { free($0) } }
            let parameterPointers = cParameters.map { $0.map { UnsafePointer($0) } }

            let cancelledEarly = cancelLock.withLock { () -> Bool in
                lastStarted = max(lastStarted, queryID)
                if cancelledBeforeStart.remove(queryID) != nil { return true }
                runningQuery = queryID
                return false
            }
            if cancelledEarly {
                throw PostgresError(kind: .query, message: "canceling statement due to user request (before it was sent)", sqlstate: "57014")
            }
            let sent = parameterPointers.withUnsafeBufferPointer { values in
                PQsendQueryParams(conn, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
            defer { cancelLock.withLock { runningQuery = nil } }
            guard sent == 1 else {
                let broken = PQstatus(conn) != CONNECTION_OK
                throw PostgresError(kind: broken ? .connection : .protocolError, message: LibPQ.errorMessage(conn))
            }
            let deadline = Deadline(seconds: queryTimeout)
            let result = try awaitResult(conn, deadline: deadline)

            guard let result else {
                let broken = PQstatus(conn) != CONNECTION_OK
                throw PostgresError(kind: broken ? .connection : .protocolError,
                                    message: LibPQ.errorMessage(conn))
            }
            defer { PQclear(result) }

            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                return LibPQ.decode(result)
            case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
                throw LibPQ.serverError(result, conn: conn)
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                try abandonCopy(conn, status: PQresultStatus(result), deadline: deadline)
                throw PostgresError(kind: .protocolError, message: "COPY is not supported by this driver")
            default:
                let status = String(cString: PQresStatus(PQresultStatus(result)))
                throw PostgresError(kind: .protocolError,
                                    message: "unexpected result status \(status): \(LibPQ.errorMessage(conn))")
            }
        }

        /// Sends what is queued and collects the statement's results, never waiting past
        /// `deadline`: libpq has no query timeout of its own, and `statement_timeout` is enforced
        /// by the very server that may have stopped answering. Returns the error result if there
        /// was one, else the last result (what `PQexecParams` would return); a COPY result is
        /// returned at once, for the caller to abandon.
        private func awaitResult(_ conn: OpaquePointer, deadline: Deadline) throws -> OpaquePointer? {
            try flush(conn, deadline: deadline)
            var kept: OpaquePointer?
            while true {
                try waitUntilNotBusy(conn, deadline: deadline)
                guard let next = PQgetResult(conn) else { return kept }
                switch PQresultStatus(next) {
                case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                    if let kept { PQclear(kept) }
                    return next
                case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
                    if let kept { PQclear(kept) }
                    kept = next
                default:
                    if let kept, LibPQ.isError(kept) {
                        PQclear(next)   // an earlier error stays the answer
                    } else {
                        if let kept { PQclear(kept) }
                        kept = next
                    }
                }
            }
        }

        /// Pushes the queued statement to the server (non-blocking mode queues what the socket
        /// did not take).
        private func flush(_ conn: OpaquePointer, deadline: Deadline) throws {
            while true {
                let pending = PQflush(conn)
                if pending == 0 { return }
                if pending < 0 { throw brokenConnection(conn) }
                // Waiting for writability; reading meanwhile keeps a server that answers early
                // (an error) from deadlocking against a full send buffer.
                try waitOrGiveUp(conn, forWriting: true, deadline: deadline)
                if PQconsumeInput(conn) == 0 { throw brokenConnection(conn) }
            }
        }

        private func waitUntilNotBusy(_ conn: OpaquePointer, deadline: Deadline) throws {
            while PQisBusy(conn) == 1 {
                try waitOrGiveUp(conn, forWriting: false, deadline: deadline)
                if PQconsumeInput(conn) == 0 { throw brokenConnection(conn) }
            }
        }

        /// Waits for the socket; past the deadline the connection is closed (the protocol state
        /// is unknown, so it cannot be reused) and a timeout error names the limit. No cancel
        /// request is sent: it would open a new connection to a server that is not answering,
        /// and block. Closing the socket ends the backend's work when it next talks to us.
        private func waitOrGiveUp(_ conn: OpaquePointer, forWriting: Bool, deadline: Deadline) throws {
            switch LibPQ.wait(on: PQsocket(conn), forWriting: forWriting, until: deadline) {
            case .ready:
                return
            case .timedOut:
                finishConnection()
                throw PostgresError(
                    kind: .connection,
                    message: "timeout expired: the server did not answer within the query timeout of \(Deadline.format(queryTimeout)) s; the connection was closed",
                    timedOut: true)
            case .failed(let reason):
                finishConnection()
                throw PostgresError(kind: .connection, message: "waiting for the server failed: \(reason)")
            }
        }

        private func brokenConnection(_ conn: OpaquePointer) -> PostgresError {
            PostgresError(kind: .connection, message: LibPQ.errorMessage(conn))
        }

        /// Leaves COPY mode so the connection stays usable for the next statement, within the
        /// statement's deadline.
        private func abandonCopy(_ conn: OpaquePointer, status: ExecStatusType, deadline: Deadline) throws {
            if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                copying: while true {
                    let got = PQgetCopyData(conn, &buffer, 1)
                    if let pending = buffer { PQfreemem(pending) }
                    buffer = nil
                    switch got {
                    case 0:
                        try waitOrGiveUp(conn, forWriting: false, deadline: deadline)
                        if PQconsumeInput(conn) == 0 { throw brokenConnection(conn) }
                    case -1: break copying
                    case ..<0: throw brokenConnection(conn)
                    default: continue
                    }
                }
            } else {
                _ = PQputCopyEnd(conn, "COPY is not supported by this driver")
            }
            while let pending = try awaitResult(conn, deadline: deadline) {
                let again = PQresultStatus(pending)
                PQclear(pending)
                // A COPY result again would mean the server is still in COPY mode; stop rather
                // than loop.
                if again == PGRES_COPY_IN || again == PGRES_COPY_OUT || again == PGRES_COPY_BOTH {
                    finishConnection()
                    break
                }
            }
        }

        /// Whether the session is inside a transaction block (idle in it, or failed in it).
        /// Local state of libpq: no round trip.
        var isInTransaction: Bool {
            guard let conn else { return false }
            let status = PQtransactionStatus(conn)
            return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
        }

        /// Asks the server to cancel `queryID` if it is still the one running. Safe from any
        /// thread; blocks for one round trip, so callers run it off the cooperative pool.
        func requestCancel(queryID: UInt64) {
            cancelLock.withLock {
                if queryID > lastStarted { cancelledBeforeStart.insert(queryID); return }
                guard runningQuery == queryID, let cancelHandle else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
            }
        }

        /// Closes the connection (idempotent).
        func finish() {
            finishConnection()
        }

        private func finishConnection() {
            cancelLock.withLock {
                if let cancelHandle { PQfreeCancel(cancelHandle) }
                cancelHandle = nil
            }
            if let conn { PQfinish(conn) }
            conn = nil
        }
    }

    /// A point in time on the monotonic clock (wall-clock changes must not stretch a wait).
    struct Deadline {
        let nanoseconds: UInt64
        init(seconds: Double) {
            let span = seconds.isFinite ? max(0, seconds) : 0
            nanoseconds = DispatchTime.now().uptimeNanoseconds &+ UInt64(span * 1_000_000_000)
        }
        /// Milliseconds left, rounded up so a wait never ends just before the deadline.
        var millisecondsLeft: Int32 {
            let now = DispatchTime.now().uptimeNanoseconds
            guard nanoseconds > now else { return 0 }
            return Int32(clamping: (nanoseconds - now + 999_999) / 1_000_000)
        }
        static func format(_ seconds: Double) -> String {
            seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        }
    }

    private static func isError(_ result: OpaquePointer) -> Bool {
        let status = PQresultStatus(result)
        return status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR
    }

    enum WaitOutcome {
        case ready
        case timedOut
        case failed(String)
    }

    /// `poll` on one socket until it is readable (or writable) or the deadline passes. Readable
    /// also counts while waiting to write: libpq must read an early error to make progress.
    static func wait(on socket: Int32, forWriting: Bool, until deadline: Deadline) -> WaitOutcome {
        guard socket >= 0 else { return .failed("the connection has no socket") }
        while true {
            let left = deadline.millisecondsLeft
            if left == 0 { return .timedOut }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN) | (forWriting ? Int16(POLLOUT) : 0), revents: 0)
            let ready = poll(&descriptor, 1, left)
            if ready > 0 { return .ready }   // errors and hang-ups too: libpq reports them
            if ready == 0 { continue }        // recheck the clock: poll may end a little early
            if errno == EINTR { continue }
            return .failed(String(cString: strerror(errno)))
        }
    }

    /// libpq's connection-level message on one line: libpq ends it with a newline and adds
    /// tab-indented lines (a hint, one line per host tried), which would break a report's layout.
    private static func errorMessage(_ conn: OpaquePointer) -> String {
        guard let raw = PQerrorMessage(conn) else { return "unknown libpq error" }
        let message = String(cString: raw)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        return message.isEmpty ? "unknown libpq error" : message
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }

    private static func serverError(_ result: OpaquePointer, conn: OpaquePointer) -> PostgresError {
        let sqlstate = field(result, Diag.sqlstate)
        let message = field(result, Diag.primary)
            ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
            ?? errorMessage(conn)
        let kind: PostgresError.Kind
        if sqlstate == PostgresError.readOnlySQLState {
            kind = .readOnlyViolation
        } else if PQstatus(conn) != CONNECTION_OK {
            // e.g. 57P01 when a Neon compute is suspended under an open connection.
            kind = .connection
        } else {
            kind = .query
        }
        return PostgresError(kind: kind, message: message, sqlstate: sqlstate,
                             detail: field(result, Diag.detail), hint: field(result, Diag.hint),
                             constraint: field(result, Diag.constraint),
                             severity: field(result, Diag.severity))
    }

    private static func decode(_ result: OpaquePointer) -> PGResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { index in
            PGColumn(name: PQfname(result, Int32(index)).map { String(cString: $0) } ?? "?column?",
                     typeOID: UInt32(PQftype(result, Int32(index))))
        }
        var rows: [[PGValue]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [PGValue] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                let r = Int32(row), c = Int32(column)
                if PQgetisnull(result, r, c) == 1 {
                    values.append(.null)
                    continue
                }
                let length = Int(PQgetlength(result, r, c))
                let text = PQgetvalue(result, r, c).map { pointer in
                    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                } ?? ""
                values.append(PGValue(serverText: text, oid: columns[column].typeOID))
            }
            rows.append(values)
        }
        let commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return PGResult(columns: columns, rows: rows, commandTag: commandTag, rowsAffected: affected)
    }
}

// MARK: - Library version

/// The libpq this process runs with, for `conformance --version`.
public enum PQLibrary {
    /// "15.13" (PQlibVersion's integer is major × 10000 + minor since PostgreSQL 10;
    /// before 10 it was major × 10000 + minor × 100 + patch).
    public static var version: String {
        let n = Int(PQlibVersion())
        guard n > 0 else { return "unknown" }
        if n >= 100_000 { return "\(n / 10_000).\(n % 10_000)" }
        return "\(n / 10_000).\(n / 100 % 100).\(n % 100)"
    }
}
