import ConformancePostgres

/// Reads about the table that holds the app's users, whichever it is (Better Auth's `user`, or an
/// app's own `users` / `app_users`).
extension Database {
    /// Tables outside the system schemas with a column named `email` (any case), each with its
    /// single-column primary key: the candidates for an app's own users table.
    public func tablesWithEmail() async throws -> [UserTable] {
        let rows = try await read("""
            SELECT n.nspname AS schema, c.relname AS "table", a.attname AS email, pk.attname AS id
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary AND i.indnkeyatts = 1
            JOIN pg_attribute pk ON pk.attrelid = c.oid AND pk.attnum = i.indkey[0]
            WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND lower(a.attname) = 'email'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1, 2
            """)
        return rows.compactMap { r in
            guard let s = r["schema"]?.stringValue, let t = r["table"]?.stringValue,
                  let e = r["email"]?.stringValue, let id = r["id"]?.stringValue else { return nil }
            return UserTable(schema: s, table: t, idColumn: id, emailColumn: e)
        }
    }

    /// How many of these emails the table holds (case-insensitive: apps lowercase what they store).
    public func emailCount(in users: UserTable, among emails: [String]) async throws -> Int {
        let rows = try await read("SELECT count(*) AS n FROM \(users.qualified) WHERE lower(\(SQLName.quote(users.emailColumn))::text) = ANY($1::text[])",
                                  [Self.textArray(emails.map { $0.lowercased() })])
        return rows.first?["n"]?.intValue ?? 0
    }

    /// Whether the table exists and has the named id and email columns.
    public func userTableProblem(_ users: UserTable) async throws -> String? {
        guard try await tableExists(schema: users.schema, table: users.table) else { return "table \(users.qualified) does not exist" }
        let columns = try await tableColumns(schema: users.schema, table: users.table)
        let missing = [users.idColumn, users.emailColumn].filter { !columns.contains($0) }
        return missing.isEmpty ? nil : "table \(users.qualified) has no column \(missing.map { "\"\($0)\"" }.joined(separator: " or "))"
    }

    /// Those of `ids` the users table holds.
    public func userIDs(among ids: [String], in users: UserTable) async throws -> [String] {
        let id = SQLName.quote(users.idColumn)
        let rows = try await read("SELECT \(id)::text AS id FROM \(users.qualified) WHERE \(id)::text = ANY($1::text[])", [Self.textArray(ids)])
        return rows.compactMap { $0["id"]?.stringValue }
    }
}

/// Where the app keeps its users, found once per run: the table the target names (Better Auth's
/// `user`, or `auth.identity.users`), else the table the owner columns' foreign keys point at,
/// else the one table with an `email` column that holds the run's own sign-ups.
public actor UserDirectory {
    public enum Answer: Sendable, Equatable {
        case found(UserTable, how: String)
        case unknown(String)
    }

    let target: Target
    let database: Database?
    private var answer: Answer?

    public init(target: Target, database: Database?) {
        self.target = target
        self.database = database
    }

    /// The users table; `emails` are addresses this run signed up, to recognise it by.
    public func resolve(emails: [String]) async -> Answer {
        if let answer, case .found = answer { return answer }
        let a = await find(emails: emails)
        // An unknown answer may become known once users exist; a found one is kept.
        answer = a
        return a
    }

    public var table: UserTable? { if case .found(let t, _) = answer { return t } else { return nil } }

    func find(emails: [String]) async -> Answer {
        guard let db = database else { return .unknown("no database to look for the users table in") }
        if case .none = target.identity { return .unknown("the target says the app has no login (\"identity\": \"none\"), so it has no users table") }
        do {
            if let declared = target.declaredUserTable {
                if let problem = try await db.userTableProblem(declared) {
                    return .unknown(problem + (target.identity.isBetterAuth ? " (Better Auth's user table, see \"authTables\" in docs/target.md)" : " (auth.identity.users)"))
                }
                return .found(declared, how: target.identity.isBetterAuth ? "Better Auth's user table" : "the target's auth.identity.users")
            }
            let candidates = try await db.tablesWithEmail()
            for r in target.resources.values.sorted(by: { $0.name < $1.name }) {
                let refs = try await db.foreignKeyTargets(schema: r.schema, table: r.table, column: r.ownerColumn)
                for ref in refs {
                    guard let s = ref["schema"]?.stringValue, let t = ref["table"]?.stringValue, let c = ref["column"]?.stringValue,
                          let hit = candidates.first(where: { $0.schema == s && $0.table == t }) else { continue }
                    var users = hit
                    users.idColumn = c
                    return .found(users, how: "the table \(r.qualifiedTable).\(SQLName.quote(r.ownerColumn)) references")
                }
            }
            if !emails.isEmpty {
                var holding: [UserTable] = []
                for c in candidates where try await db.emailCount(in: c, among: emails) > 0 { holding.append(c) }
                if holding.count == 1, let only = holding.first { return .found(only, how: "the one table holding the run's sign-ups") }
                if holding.count > 1 {
                    return .unknown("the run's sign-ups are in \(holding.map(\.display).joined(separator: ", ")); name the users table in auth.identity.users")
                }
            }
            return .unknown("no table the owner columns reference has an email column, and no table holds the run's sign-ups; name it in auth.identity.users")
        } catch {
            return .unknown("the users table could not be looked for: \(error)")
        }
    }
}
