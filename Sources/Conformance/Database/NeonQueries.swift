import ConformancePostgres

/// What the server says about this connection: the Neon branch it serves and its encryption.
extension Database {
    /// The `neon.branch_id` setting; nil where it is not defined (not Neon).
    public func neonBranchID() async throws -> String? {
        let rows = try await read("SELECT current_setting('neon.branch_id', true) AS branch")
        return rows.first?["branch"]?.stringValue
    }

    /// This connection's `pg_stat_ssl` row (`ssl`, `version`, `cipher`); nil when the server has
    /// none for it. The server's own view, to be held against what libpq reports.
    public func connectionSSL() async throws -> JSONValue? {
        try await read("SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first
    }
}
