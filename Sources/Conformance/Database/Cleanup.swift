import ConformancePostgres

/// Deletes exactly what this run created: the users whose email is one of the run's
/// (`TestEmails`), and every row they own. It is the only write the harness makes to a user's
/// database.
public struct Cleanup: Sendable {
    public let database: Database
    public let target: Target

    public init(database: Database, target: Target) {
        self.database = database
        self.target = target
    }

    public struct Report: Sendable {
        public var users: Int
        public var rows: [String: Int]
        /// What could not be removed, and why (the users table is not known...).
        public var leftBehind: String?
    }

    /// `users` is the app's users table (nil when it could not be known); `ids` are the ids the
    /// run's sign-ups reported — or, when `idsAreOurs`, ids the harness chose itself (an app
    /// without login), which no one else can hold.
    public func run(emails: TestEmails, knownUserIDs ids: [String], users: UserTable?, idsAreOurs: Bool = false) async throws -> Report {
        let tables = try await database.ownedTables(target: target, users: users)
        guard let users else {
            if idsAreOurs {
                let counts = try await database.connection.transaction { c in try await deleteRows(c, tables: tables, owners: ids) }
                return Report(users: 0, rows: counts)
            }
            // Without the users table an id the app reported cannot be checked against the
            // email the run used: deleting by it could remove someone else's rows.
            return Report(users: 0, rows: [:], leftBehind: ids.isEmpty ? nil
                          : "the app's users table is not known, so \(ids.count) user(s) (\(emails.shown)) and their rows were left; name the table in auth.identity.users")
        }
        let pattern = emails.likePattern
        let id = SQLName.quote(users.idColumn), email = SQLName.quote(users.emailColumn)
        return try await database.connection.transaction { c in
            let found = try await c.query("SELECT \(id)::text FROM \(users.qualified) WHERE lower(\(email)::text) LIKE $1", [pattern])
            var owners = Set(found.rows.compactMap { $0.first?.stringValue })
            // Rows may also hang off ids the run learnt whose user row is gone. An id that belongs
            // to a real user (one whose email is not the run's) is never trusted: a wrong answer
            // must not make the clean-up delete someone else's rows.
            let others = try await c.query("SELECT \(id)::text FROM \(users.qualified) WHERE \(id)::text = ANY($1::text[]) AND lower(\(email)::text) NOT LIKE $2",
                                           [Database.textArray(ids), pattern])
            let foreign = Set(others.rows.compactMap { $0.first?.stringValue })
            owners.formUnion(ids.filter { !foreign.contains($0) })
            let counts = try await deleteRows(c, tables: tables, owners: Array(owners))
            if target.identity.isBetterAuth {
                // Better Auth cascades these, but not every schema does; a failed statement would
                // abort the transaction, so only tables that exist are touched.
                let t = target.authTables
                for aux in [t.sessionTable, t.accountTable] {
                    let present = try await c.query("SELECT to_regclass($1) IS NOT NULL", [aux])
                    if present.rows.first?.first == .bool(true) {
                        _ = try await c.query("DELETE FROM \(aux) WHERE \"userId\"::text = ANY($1::text[])", [Database.textArray(Array(owners))])
                    }
                }
            }
            let deleted = try await c.query("DELETE FROM \(users.qualified) WHERE lower(\(email)::text) LIKE $1", [pattern])
            return Report(users: deleted.rowsAffected, rows: counts)
        }
    }

    func deleteRows(_ c: PostgresConnection, tables: [OwnedTable], owners: [String]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        guard !owners.isEmpty else { return counts }
        let array = Database.textArray(owners)
        for table in tables {
            let r = try await c.query("DELETE FROM \(table.qualified) WHERE \(SQLName.quote(table.ownerColumn))::text = ANY($1::text[])", [array])
            if r.rowsAffected > 0 { counts[table.displayName] = r.rowsAffected }
        }
        return counts
    }
}
