import ConformancePostgres

/// Deletes exactly what this run created: the users whose email is on the run's reserved domain,
/// and every row they own. It is the only write the harness makes to a user's database.
public struct Cleanup: Sendable {
    public let database: Database
    public let target: Target

    public struct Report: Sendable {
        public var users: Int
        public var rows: [String: Int]
    }

    public func run(runID: String, knownUserIDs: [String]) async throws -> Report {
        let domain = "%@" + UserPool.emailDomain(runID: runID).replacingOccurrences(of: "_", with: "\\_")
        let tables = (try? await database.ownedTables(target: target)) ?? []
        let t = target.authTables
        return try await database.connection.transaction { c in
            let found = try await c.query("SELECT id FROM \(t.userTable) WHERE email LIKE $1", [domain])
            var ids = Set(found.rows.compactMap { $0.first?.stringValue })
            // Rows may also hang off ids the run learnt but whose user row is gone or was never
            // stored under the domain (an app with its own users table). An id the app reported
            // that belongs to a real user in the user table is never trusted: a wrong answer must
            // not make the clean-up delete someone else's rows.
            let others = try await c.query("SELECT id::text FROM \(t.userTable) WHERE id::text = ANY($1::text[]) AND email NOT LIKE $2",
                                           [Database.textArray(knownUserIDs), domain])
            let foreign = Set(others.rows.compactMap { $0.first?.stringValue })
            ids.formUnion(knownUserIDs.filter { !foreign.contains($0) })
            var counts: [String: Int] = [:]
            let array = Database.textArray(Array(ids))
            for table in tables {
                let r = try await c.query("DELETE FROM \(table.qualified) WHERE \(SQLName.quote(table.ownerColumn))::text = ANY($1::text[])", [array])
                if r.rowsAffected > 0 { counts[table.displayName] = r.rowsAffected }
            }
            // Better Auth cascades these, but not every schema does; a failed statement would
            // abort the transaction, so only tables that exist are touched.
            for aux in [t.sessionTable, t.accountTable] {
                let present = try await c.query("SELECT to_regclass($1) IS NOT NULL", [aux])
                if present.rows.first?.first == .bool(true) {
                    _ = try await c.query("DELETE FROM \(aux) WHERE \"userId\"::text = ANY($1::text[])", [array])
                }
            }
            let users = try await c.query("DELETE FROM \(t.userTable) WHERE email LIKE $1", [domain])
            return Report(users: users.rowsAffected, rows: counts)
        }
    }
}
