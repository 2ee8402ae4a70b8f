import ConformancePostgres

/// Reads of the app's own rows. Table and column names come from the target or the catalog and
/// are quoted with `SQLName.quote`; every value the run supplies travels as a parameter.
extension Database {
    /// Ids (as text) of at most `limit` rows of a resource's table in which any of `columns`
    /// contains `marker`.
    public func ids(of resource: Resource, containing marker: String, inColumns columns: [String], limit: Int) async throws -> [String] {
        // The marker is letters and digits only, so LIKE needs no escaping.
        let condition = columns.map { "\(SQLName.quote($0)) LIKE '%' || $1 || '%'" }.joined(separator: " OR ")
        let rows = try await read("SELECT \(SQLName.quote(resource.idColumn))::text AS id FROM \(resource.qualifiedTable) WHERE \(condition) LIMIT $2",
                                  [marker, String(limit)])
        return rows.compactMap { $0["id"]?.stringValue }
    }

    /// The rows of an owned table whose owner is no user of the user table: one row of `orphans`
    /// (how many) and `unowned` (how many of those have no owner at all).
    public func orphanCounts(in table: OwnedTable, users: UserTable) async throws -> JSONValue? {
        let owner = SQLName.quote(table.ownerColumn)
        let id = SQLName.quote(users.idColumn)
        return try await read("""
            SELECT count(*) AS orphans, count(*) FILTER (WHERE o.\(owner) IS NULL) AS unowned
            FROM \(table.qualified) o
            WHERE o.\(owner) IS NULL
               OR NOT EXISTS (SELECT 1 FROM \(users.qualified) u WHERE u.\(id)::text = o.\(owner)::text)
            """).first
    }

    /// For each column and each pattern, how many of the first `rowLimit` rows of the table have
    /// a value matching it (`~`): `[column][pattern]`. One statement per table, so the table is
    /// read once; the patterns travel as parameters, so no pattern is ever spliced into SQL.
    public func patternCounts(schema: String, table: String, columns: [String], patterns: [String], rowLimit: Int) async throws -> [[Int]] {
        let inner = columns.enumerated().map { "\(SQLName.quote($1))::text AS c\($0)" }.joined(separator: ", ")
        var aggregates: [String] = []
        for ci in columns.indices {
            for fi in patterns.indices { aggregates.append("count(*) FILTER (WHERE c\(ci) ~ $\(fi + 1)) AS n\(ci)_\(fi)") }
        }
        let sql = "SELECT \(aggregates.joined(separator: ", ")) FROM (SELECT \(inner) FROM \(SQLName.quote(schema)).\(SQLName.quote(table)) LIMIT $\(patterns.count + 1)) s"
        let row = try await read(sql, patterns + [String(rowLimit)]).first
        return columns.indices.map { ci in patterns.indices.map { fi in row?["n\(ci)_\(fi)"]?.intValue ?? 0 } }
    }
}
