import ConformancePostgres

/// Every read the run makes of the app's database, and nothing else: no connection facts (host,
/// TLS, server version), no clean-up. Checks and steps that only read can be given any reader,
/// so they can be exercised without a PostgreSQL server; `Database` is the one that talks to one.
///
/// Every statement the run sends is written in this folder, so what the harness can do to a
/// user's database is read in one place; checks call these named reads instead.
///
/// `RunContext.database` is still the concrete `Database`: some checks also report where the
/// connection goes (host, database name, TLS), which a reader does not know.
public protocol DatabaseReader: Sendable {
    /// Rows as JSON objects, column names as keys: the scenario `sql` step's free-form read.
    func read(_ sql: String, _ params: [String?]) async throws -> [JSONValue]

    // Resources and the tables that hold rows per user.
    func row(of resource: Resource, id: String) async throws -> JSONValue?
    func rows(of resource: Resource, ids: [String]) async throws -> [String: JSONValue]
    func rows(of table: OwnedTable, owners: [String]) async throws -> [JSONValue]
    func ownedTables(target: Target) async throws -> [OwnedTable]
    func ownedTables(target: Target, users: UserTable?) async throws -> [OwnedTable]
    func tableExists(schema: String, table: String) async throws -> Bool
    func ids(of resource: Resource, containing marker: String, inColumns columns: [String], limit: Int) async throws -> [String]
    func orphanCounts(in table: OwnedTable, users: UserTable) async throws -> JSONValue?
    func patternCounts(schema: String, table: String, columns: [String], patterns: [String], rowLimit: Int) async throws -> [[Int]]

    // The catalog.
    func tableColumns(schema: String, table: String) async throws -> [String]
    func foreignKeyTargets(schema: String, table: String, column: String) async throws -> [JSONValue]
    func stringColumns(of resource: Resource) async throws -> [String]
    func stringColumnsOfAllTables() async throws -> [JSONValue]

    // Better Auth's tables.
    func userExists(id: String, in tables: AuthTables) async throws -> Bool
    func userIDs(among ids: [String], in tables: AuthTables) async throws -> [String]
    func accounts(ofUsers ids: [String], in tables: AuthTables) async throws -> [JSONValue]
    func signingKeys(in tables: AuthTables) async throws -> [JSONValue]

    // What the server says about this connection.
    func neonBranchID() async throws -> String?
    func connectionSSL() async throws -> JSONValue?
}

extension Database: DatabaseReader {}
