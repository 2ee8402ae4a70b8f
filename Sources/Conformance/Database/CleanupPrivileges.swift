import ConformancePostgres

/// Whether the role the clean-up connects as can remove what a run creates. Asked before the
/// first sign-up: a run that could not delete its users must not make them (unless `--keep`).
extension Database {
    /// Where this database is, for telling journals apart: host, port and name — never the
    /// user or password. A Neon pooler host names the same database as its direct host.
    public var location: String {
        let host = connection.host.replacingOccurrences(of: "-pooler.", with: ".")
        return "\(host):\(connection.port)/\(connection.database)"
    }

    /// Why a clean-up through this connection would fail, or nil when it can delete from every
    /// table it would touch. `users` may be unknown yet (an app's own table, found from the
    /// sign-ups): then only the owned tables are checked, and the rest at clean-up.
    public func cleanupProblem(target: Target, users: UserTable?) async throws -> String? {
        let state = try await read("SELECT pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') AS ro")
        if state.first?["standby"]?.boolValue == true {
            return "the database is a read-only standby"
        }
        if state.first?["ro"]?.stringValue == "on" {
            return "the role's transactions are read-only (default_transaction_read_only is on)"
        }
        var tables = try await ownedTables(target: target, users: users).map(\.qualified)
        if let users { tables.append(users.qualified) }
        if target.identity.isBetterAuth {
            tables += [target.authTables.sessionTable, target.authTables.accountTable]
        }
        let rows = try await read("""
            SELECT t AS name, to_regclass(t) IS NOT NULL AS present,
                   CASE WHEN to_regclass(t) IS NULL THEN false ELSE has_table_privilege(to_regclass(t), 'DELETE') END AS can
            FROM unnest($1::text[]) AS t
            """, [Database.textArray(tables)])
        let refused = rows.filter { $0["present"]?.boolValue == true && $0["can"]?.boolValue != true }.compactMap { $0["name"]?.stringValue }
        guard !refused.isEmpty else { return nil }
        return "the role \(connection.user) may not DELETE from \(refused.joined(separator: ", "))"
    }
}
