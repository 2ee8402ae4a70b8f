/// The data lives in Better Auth's schema (SC-012), pure: the column lists and foreign keys read
/// from the catalog in, verdicts out. Better Auth's tables and columns must exist (columns added
/// or dropped between versions tolerated, see better-auth.md), its own tables reference `"user"`,
/// and every table holding per-user rows has a foreign key from its owner column to `"user"`(id).
public enum SchemaOracle {
    public struct TableSpec: Sendable, Equatable {
        public var table: String
        public var required: [String]
        /// Present in some versions only.
        public var optional: [String]
        /// Columns that must reference `"user"`(id).
        public var userReferences: [String]
        /// Only the JWT plugin creates it.
        public var jwtPluginOnly = false
    }

    /// Where a single-column foreign key points.
    public struct Reference: Sendable, Equatable {
        public var schema: String
        public var table: String
        public var column: String
        public var display: String { (schema == "public" ? "" : "\(schema).") + "\"\(table)\"(\(column))" }
    }

    /// Better Auth's tables under the target's names. `verification` has no target override
    /// (AuthTables does not name it), so its default name is used.
    public static func specs(_ t: AuthTables) -> [TableSpec] {
        [
            TableSpec(table: t.user, required: ["id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"],
                      optional: [], userReferences: []),
            TableSpec(table: t.session, required: ["id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"],
                      optional: [], userReferences: ["userId"]),
            TableSpec(table: t.account, required: ["id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken",
                                                   "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt"],
                      optional: ["issuer"], userReferences: ["userId"]),
            TableSpec(table: "verification", required: ["id", "identifier", "value", "expiresAt", "createdAt", "updatedAt"],
                      optional: [], userReferences: []),
            TableSpec(table: t.jwks, required: ["id", "publicKey", "privateKey", "createdAt"],
                      optional: ["expiresAt", "alg", "crv"], userReferences: [], jwtPluginOnly: true),
        ]
    }

    /// One of Better Auth's tables. `columns` are the table's columns (none: no such table),
    /// `references` where each of its `userReferences` columns points (read only for the columns
    /// the table has). `sessionTokensOnly`: Better Auth is the identity and the API takes its
    /// session tokens, so the JWT plugin's table need not exist.
    public static func table(_ spec: TableSpec, display: String, columns: [String], references: [String: [Reference]],
                             user: Reference, sessionTokensOnly: Bool) -> EvidenceVerdict {
        if columns.isEmpty {
            if spec.jwtPluginOnly, sessionTokensOnly {
                return .skipped("the target uses session tokens; only Better Auth's JWT plugin creates \"\(display)\"")
            }
            return .failed(.missingTable, "table \"\(display)\" is not in this database: Better Auth's schema is not there")
        }
        var problems: [String] = []
        let missing = spec.required.filter { !columns.contains($0) }
        if !missing.isEmpty { problems.append("missing column(s) \(missing.map { "\"\($0)\"" }.joined(separator: ", "))") }
        for column in spec.userReferences where columns.contains(column) {
            let refs = references[column] ?? []
            if !refs.contains(user) {
                problems.append("\"\(column)\" " + (refs.isEmpty ? "has no foreign key" : "references \(refs.map(\.display).joined(separator: ", "))")
                                + ", Better Auth's references \(user.display)")
            }
        }
        let present = spec.optional.filter { columns.contains($0) }
        let notes = "\(columns.count) column(s); required present: \(spec.required.joined(separator: ", "))"
            + (spec.optional.isEmpty ? "" : "; optional (version-dependent): " + (present.isEmpty ? "none present" : present.joined(separator: ", ")))
            + (spec.userReferences.isEmpty ? "" : "; \(spec.userReferences.joined(separator: ", ")) → \(user.display)")
        let note = EvidenceVerdict.Note("columns", notes)
        if !problems.isEmpty {
            return .failed(.schemaMismatch, "\"\(display)\" is not Better Auth's: " + problems.joined(separator: "; "), note)
        }
        return .passed(note)
    }

    /// A table holding per-user rows: its owner column must reference Better Auth's user.
    public static func owner(table: String, ownerColumn: String, references: [Reference], user: Reference) -> EvidenceVerdict {
        if references.contains(user) { return .passed(.init("foreign key", "\(table).\(ownerColumn) → \(user.display)")) }
        let what = references.isEmpty ? "has no foreign key" : "references \(references.map(\.display).joined(separator: ", "))"
        return .failed(.ownerNotBetterAuthUser,
                       "table \(table): owner column \(ownerColumn) \(what), not Better Auth's \(user.display): its owners need not be Better Auth users")
    }

    /// The resources the target maps whose table is not among the database's `owned` tables, in
    /// name order, each with its verdict; `host` and `database` name where it was looked for.
    public static func absentResources(_ resources: [Resource], owned: [OwnedTable], host: String, database: String) -> [(resource: Resource, verdict: EvidenceVerdict)] {
        resources.sorted { $0.name < $1.name }
            .filter { r in !owned.contains { $0.schema == r.schema && $0.table == r.table } }
            .map { r in
                (r, .failed(.missingTable,
                            "the target's \(r.name) table \(r.qualifiedTable) is not in this database (\(host)/\(database)): the API keeps its rows elsewhere"))
            }
    }
}
