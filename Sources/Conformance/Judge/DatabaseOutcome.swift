import ConformancePostgres

extension Outcome {
    /// A failed query judged: a table or column the target names that the database lacks is a
    /// finding about the app (it writes elsewhere, or its schema is not the one described), not
    /// an infrastructure error; an unreachable database is.
    static func database(_ error: Error) -> Outcome {
        let message = "\(error)"
        guard let e = error as? PostgresError else { return .error(kind: .queryError, message: message) }
        switch (e.kind, e.sqlstate) {
        case (.connection, _): return .error(kind: .databaseUnreachable, message: message)
        case (_, "42P01"?): return .failed([Finding(oracle: .missingTable, message: "the database has no such table: \(e.message)")])
        case (_, "42703"?): return .failed([Finding(oracle: .missingColumn, message: "the table has no such column: \(e.message)")])
        default: return .error(kind: .queryError, message: message)
        }
    }
}
