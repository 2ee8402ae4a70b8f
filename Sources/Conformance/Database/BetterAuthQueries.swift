import ConformancePostgres

/// Better Auth's own tables, under the names the target gives them. Ids are compared as text:
/// the column may be text or uuid, and an id the app reported may be neither.
extension Database {
    /// Whether the user table holds a row with this id.
    public func userExists(id: String, in tables: AuthTables) async throws -> Bool {
        !(try await read("SELECT 1 FROM \(tables.userTable) WHERE id::text = $1", [id])).isEmpty
    }

    /// Those of `ids` the user table holds.
    public func userIDs(among ids: [String], in tables: AuthTables) async throws -> [String] {
        let rows = try await read("SELECT id::text AS id FROM \(tables.userTable) WHERE id::text = ANY($1::text[])",
                                  [Self.textArray(ids)])
        return rows.compactMap { $0["id"]?.stringValue }
    }

    /// One row per account of each of these users (`id`, `provider`, `account`, `password`), and
    /// one with null account columns for a user without any, so a missing credential row can be
    /// told apart from a missing user. Users the table does not hold give no row.
    public func accounts(ofUsers ids: [String], in tables: AuthTables) async throws -> [JSONValue] {
        try await read("""
            SELECT u.id::text AS id, a."providerId" AS provider, a."accountId" AS account, a.password AS password
            FROM \(tables.userTable) u LEFT JOIN \(tables.accountTable) a ON a."userId"::text = u.id::text
            WHERE u.id::text = ANY($1::text[])
            """, [Self.textArray(ids)])
    }

    /// Every row of the JWT plugin's key table, all columns.
    public func signingKeys(in tables: AuthTables) async throws -> [JSONValue] {
        try await read("SELECT * FROM \(tables.jwksTable)")
    }
}
