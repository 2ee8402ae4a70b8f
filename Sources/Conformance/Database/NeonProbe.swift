import ConformancePostgres

/// Whether the database is Neon, with the evidence: host pattern, `neon.*` settings, TLS and
/// whether its certificate was verified (shared/reference/neon.md).
public struct NeonProbe: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public struct Evidence: Sendable {
        public var host: String
        public var hostIsNeon: Bool
        public var endpointID: String?
        public var settings: [String: String]
        public var tlsInUse: Bool
        public var tlsVersion: String?
        public var sslmode: String?
        public var certificateVerified: Bool
        public var serverVersion: String

        /// The rule and its one-line account are the judge's (`NeonOracle`); kept here for
        /// the callers that hold the evidence (the doctor).
        public var isNeon: Bool { NeonOracle.isNeon(self) }
        public var summary: String { NeonOracle.summary(self) }
    }

    static let settingNames = ["neon.project_id", "neon.branch_id", "neon.endpoint_id", "neon.tenant_id", "neon.timeline_id", "neon.compute_id"]

    public func examine() async throws -> Evidence {
        let c = database.connection
        let select = Self.settingNames.enumerated().map { "current_setting('\($1)', true) AS s\($0)" }.joined(separator: ", ")
        let row = try await database.read("SELECT \(select), split_part(version(), ' ', 2) AS version").first
        var settings: [String: String] = [:]
        for (i, name) in Self.settingNames.enumerated() {
            if let v = row?["s\(i)"]?.stringValue, !v.isEmpty { settings[name] = v }
        }
        let host = c.host
        let endpoint = NeonOracle.endpoint(host: host)
        return Evidence(host: host, hostIsNeon: endpoint != nil, endpointID: endpoint, settings: settings,
                        tlsInUse: c.tls.inUse, tlsVersion: c.tls.version, sslmode: c.tls.sslmode,
                        certificateVerified: c.tls.certificateVerified,
                        serverVersion: "PostgreSQL " + (row?["version"]?.stringValue ?? c.serverVersion))
    }
}
