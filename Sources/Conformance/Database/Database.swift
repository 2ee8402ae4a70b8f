import ConformancePostgres

/// The harness's view of the app's database: read-only queries (each in `BEGIN READ ONLY`), the
/// owned-table discovery, and the one write it ever makes, the clean-up of its own users.
public final class Database: Sendable {
    public let connection: PostgresConnection
    public let url: String

    public init(connection: PostgresConnection, url: String) {
        self.connection = connection
        self.url = url
    }

    public static func connect(url: String) async throws -> Database {
        Database(connection: try await PostgresConnection.connect(url: url), url: url)
    }

    /// Rows as JSON objects, column names as keys.
    public func read(_ sql: String, _ params: [String?] = []) async throws -> [JSONValue] {
        let result = try await connection.readOnly { c in try await c.query(sql, params) }
        return Self.json(result)
    }

    static func json(_ result: PGResult) -> [JSONValue] {
        result.rows.map { row in
            .object(JSONObject(zip(result.columns, row).map { ($0.name, json($1)) }))
        }
    }

    public static func json(_ v: PGValue) -> JSONValue {
        switch v {
        case .null: return .null
        case .text(let s), .timestamp(let s), .uuid(let s), .other(let s, _): return .string(s)
        case .int(let n): return .number(Double(n))
        case .double(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .json(let s): return (try? JSONParser.parse(s)) ?? .string(s)
        }
    }

    public func close() { connection.close() }
}

/// A table holding rows per user: its owner column references Better Auth's `"user"`.id, or the
/// target names it as a resource.
public struct OwnedTable: Sendable, Hashable {
    public var schema: String
    public var table: String
    public var ownerColumn: String
    public var hasForeignKey: Bool

    public var qualified: String { SQLName.quote(schema) + "." + SQLName.quote(table) }
    public var displayName: String { schema == "public" ? table : "\(schema).\(table)" }
}

extension Database {
    /// Every column with a foreign key to the user table, plus the target's resource tables.
    public func ownedTables(target: Target) async throws -> [OwnedTable] {
        try await ownedTables(target: target, users: target.declaredUserTable)
    }

    /// The same with the users table known (an app's own, found at run time) or unknown (nil:
    /// only the target's resource tables).
    public func ownedTables(target: Target, users: UserTable?) async throws -> [OwnedTable] {
        var out: [OwnedTable] = []
        if let users {
            let rows = try await read("""
                SELECT n.nspname AS schema, c.relname AS "table", a.attname AS column
                FROM pg_constraint k
                JOIN pg_class c ON c.oid = k.conrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_class r ON r.oid = k.confrelid
                JOIN pg_namespace rn ON rn.oid = r.relnamespace
                JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                WHERE k.contype = 'f' AND r.relname = $1 AND rn.nspname = $2 AND array_length(k.conkey, 1) = 1
                ORDER BY 1, 2, 3
                """, [users.table, users.schema])
            // Better Auth's own per-user tables are its business, not the app's data.
            let authOwn: Set<String> = target.identity.isBetterAuth ? [target.authTables.session, target.authTables.account] : []
            for row in rows {
                guard let s = row["schema"]?.stringValue, let t = row["table"]?.stringValue, let c = row["column"]?.stringValue else { continue }
                if s == target.authTables.schema, authOwn.contains(t) { continue }
                out.append(OwnedTable(schema: s, table: t, ownerColumn: c, hasForeignKey: true))
            }
        }
        for r in target.resources.values.sorted(by: { $0.name < $1.name })
        where !out.contains(where: { $0.schema == r.schema && $0.table == r.table }) {
            if try await tableExists(schema: r.schema, table: r.table) {
                out.append(OwnedTable(schema: r.schema, table: r.table, ownerColumn: r.ownerColumn, hasForeignKey: false))
            }
        }
        return out
    }

    public func tableExists(schema: String, table: String) async throws -> Bool {
        let rows = try await read("SELECT to_regclass($1) IS NOT NULL AS present", [SQLName.quote(schema) + "." + SQLName.quote(table)])
        return rows.first?["present"]?.boolValue ?? false
    }

    /// One row of a resource by id, with logical field names; nil when absent.
    public func row(of resource: Resource, id: String) async throws -> JSONValue? {
        let rows: [JSONValue]
        do {
            // Compared in the column's own type so that the primary-key index serves the lookup
            // (a production table may be large)...
            rows = try await read("SELECT * FROM \(resource.qualifiedTable) WHERE \(SQLName.quote(resource.idColumn)) = $1", [id])
        } catch let e as PostgresError where e.sqlstate == "22P02" || e.sqlstate == "42883" || e.sqlstate == "22003" {
            // ...unless the id is not of that type at all (a hostile id, a UUID for an integer
            // column): then no row can have it, which the text comparison says without an error.
            rows = try await read("SELECT * FROM \(resource.qualifiedTable) WHERE \(SQLName.quote(resource.idColumn))::text = $1", [id])
        }
        guard case .object(let o)? = rows.first else { return nil }
        return .object(JSONObject(o.pairs.map { (resource.logicalField(forColumn: $0.key), $0.value) }))
    }

    /// The rows of `resource` with these ids, by id, logical field names: one statement per
    /// thousand ids where `row(of:id:)` would send one per id. An id the batch misses is looked
    /// up alone when the database may spell it differently (`ABC` for a UUID it prints `abc`,
    /// `007` for 7), so a row is never reported gone because of its spelling.
    public func rows(of resource: Resource, ids: [String]) async throws -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        let column = SQLName.quote(resource.idColumn)
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let chunk = Array(ids[start..<min(ids.count, start + 1000)])
            let rows: [JSONValue]
            do {
                rows = try await read("SELECT * FROM \(resource.qualifiedTable) WHERE \(column) = ANY($1)", [Self.textArray(chunk)])
            } catch let e as PostgresError where e.sqlstate == "22P02" || e.sqlstate == "42883" || e.sqlstate == "22003" {
                // An id not of the column's type (see row(of:id:)): compare as text instead.
                rows = try await read("SELECT * FROM \(resource.qualifiedTable) WHERE \(column)::text = ANY($1::text[])",
                                      [Self.textArray(chunk)])
            }
            for case .object(let o) in rows {
                guard let key = o[resource.idColumn]?.plainText else { continue }
                found[key] = .object(JSONObject(o.pairs.map { (resource.logicalField(forColumn: $0.key), $0.value) }))
            }
        }
        for id in ids where found[id] == nil && !Self.isCanonicalKey(id) {
            if let row = try await row(of: resource, id: id) { found[id] = row }
        }
        return found
    }

    /// How PostgreSQL prints a key: no upper-case letters, no surrounding blanks, no leading zero.
    static func isCanonicalKey(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, let last = bytes.last else { return true }
        if first == 0x20 || last == 0x20 || bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return false }
        if bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 || $0 == 0x2D || $0 == 0x2B }) {
            // A number: "+5", "-0", "007" are other spellings of what PostgreSQL prints.
            return !(first == 0x2B || (first == 0x30 && bytes.count > 1) || (first == 0x2D && bytes.dropFirst().first == 0x30))
        }
        return true
    }

    /// Every row of the given owners in one owned table, raw column names.
    public func rows(of table: OwnedTable, owners: [String]) async throws -> [JSONValue] {
        try await read("SELECT * FROM \(table.qualified) WHERE \(SQLName.quote(table.ownerColumn))::text = ANY($1::text[])",
                       [Self.textArray(owners)])
    }

    /// A PostgreSQL text[] literal; values are quoted so ids with commas or quotes stay whole.
    public static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
