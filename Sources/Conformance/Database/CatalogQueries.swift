import ConformancePostgres

/// The schema as pg_catalog describes it. Names travel as parameters: they are compared with
/// catalog values, never spliced into the statement.
extension Database {
    /// The columns of an ordinary or partitioned table, in table order; empty when there is no
    /// such table.
    public func tableColumns(schema: String, table: String) async throws -> [String] {
        let rows = try await read("""
            SELECT a.attname AS column
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [schema, table])
        return rows.compactMap { $0["column"]?.stringValue }
    }

    /// Where single-column foreign keys from one column point: rows of `schema`, `table`, `column`.
    public func foreignKeyTargets(schema: String, table: String, column: String) async throws -> [JSONValue] {
        try await read("""
            SELECT rn.nspname AS schema, r.relname AS "table", ra.attname AS column
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
            JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
            JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
            WHERE k.contype = 'f' AND array_length(k.conkey, 1) = 1 AND n.nspname = $1 AND c.relname = $2 AND a.attname = $3
            ORDER BY 1, 2, 3
            """, [schema, table, column])
    }

    /// The string-typed columns (text, varchar, char, citext, domains over them) of a resource's
    /// table.
    public func stringColumns(of resource: Resource) async throws -> [String] {
        try await read("""
            SELECT a.attname AS column
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND t.typcategory = 'S'
            """, [resource.schema, resource.table]).compactMap { $0["column"]?.stringValue }
    }

    /// Every string-typed column of every ordinary, partitioned or materialized table outside the
    /// system schemas: rows of `schema`, `table`, `column`, `estimate` (the planner's row count)
    /// and `readable` (whether this role may read it). Partitions are left out: their parent
    /// covers them.
    public func stringColumnsOfAllTables() async throws -> [JSONValue] {
        try await read("""
            SELECT n.nspname AS schema, c.relname AS "table", a.attname AS "column",
                   GREATEST(c.reltuples, 0)::bigint AS estimate,
                   (has_table_privilege(c.oid, 'SELECT') OR has_column_privilege(c.oid, a.attnum, 'SELECT')) AS readable
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
              AND a.attnum > 0 AND NOT a.attisdropped AND t.typcategory = 'S'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY 1, 2, a.attnum
            """)
    }
}
