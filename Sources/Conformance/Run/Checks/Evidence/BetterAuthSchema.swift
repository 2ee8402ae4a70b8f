/// SC-012: the data lives in Better Auth's schema — its tables and columns exist (columns added
/// or dropped between versions tolerated, see better-auth.md), its own tables reference `"user"`,
/// and every table holding per-user rows has a foreign key from its owner column to `"user"`(id).
struct BetterAuthSchema: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.betterAuthSchema
    static let title = "Better Auth schema and owner references"

    struct TableSpec: Sendable {
        var table: String
        var required: [String]
        /// Present in some versions only.
        var optional: [String]
        /// Columns that must reference `"user"`(id).
        var userReferences: [String]
        /// Only the JWT plugin creates it.
        var jwtPluginOnly = false
    }

    /// Better Auth's tables under the target's names. `verification` has no target override
    /// (AuthTables does not name it), so its default name is used.
    static func specs(_ t: AuthTables) -> [TableSpec] {
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

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let db = context.database else { return [kit.noDatabase("Better Auth schema")] }
        let target = context.target
        let schema = target.authTables.schema
        let user = Reference(schema: schema, table: target.authTables.user, column: "id")
        var cases: [CaseResult] = []
        do {
            for spec in Self.specs(target.authTables) {
                cases.append(try await tableCase(spec, schema: schema, user: user, db: db, kit: kit, target: target))
            }
            let owned = try await db.ownedTables(target: target)
            for table in owned { cases.append(try await ownerCase(table, user: user, db: db, kit: kit)) }
            // A resource the target maps whose table is not in this database at all.
            for r in target.resources.values.sorted(by: { $0.name < $1.name })
            where !owned.contains(where: { $0.schema == r.schema && $0.table == r.table }) {
                cases.append(kit.failed("\(r.name) table \(r.schema == "public" ? r.table : "\(r.schema).\(r.table)") references \"\(user.table)\"(id)",
                                        0, .missingTable,
                                        "the target's \(r.name) table \(r.qualifiedTable) is not in this database (\(db.connection.host)/\(db.connection.database)): the API keeps its rows elsewhere",
                                        []))
            }
        } catch {
            cases.append(CaseResult(name: "Better Auth schema", criterion: "", file: "", seconds: 0,
                                    outcome: .database(error)))
        }
        return cases
    }

    struct Reference: Sendable, Equatable {
        var schema: String
        var table: String
        var column: String
        var display: String { (schema == "public" ? "" : "\(schema).") + "\"\(table)\"(\(column))" }
    }

    func tableCase(_ spec: TableSpec, schema: String, user: Reference, db: Database, kit: CheckKit, target: Target) async throws -> CaseResult {
        let display = schema == "public" ? spec.table : "\(schema).\(spec.table)"
        let name = "Better Auth table \"\(display)\" has Better Auth's columns"
        let columns = try await db.tableColumns(schema: schema, table: spec.table)
        if columns.isEmpty {
            if spec.jwtPluginOnly, target.identity.isBetterAuth, target.tokenSource == .sessionToken {
                return kit.skipped(name, "the target uses session tokens; only Better Auth's JWT plugin creates \"\(display)\"")
            }
            return kit.failed(name, 0, .missingTable, "table \"\(display)\" is not in this database: Better Auth's schema is not there", [])
        }
        var problems: [String] = []
        let missing = spec.required.filter { !columns.contains($0) }
        if !missing.isEmpty { problems.append("missing column(s) \(missing.map { "\"\($0)\"" }.joined(separator: ", "))") }
        for column in spec.userReferences where columns.contains(column) {
            let refs = try await references(db, schema: schema, table: spec.table, column: column)
            if !refs.contains(user) {
                problems.append("\"\(column)\" " + (refs.isEmpty ? "has no foreign key" : "references \(refs.map(\.display).joined(separator: ", "))")
                                + ", Better Auth's references \(user.display)")
            }
        }
        let present = spec.optional.filter { columns.contains($0) }
        let notes = "\(columns.count) column(s); required present: \(spec.required.joined(separator: ", "))"
            + (spec.optional.isEmpty ? "" : "; optional (version-dependent): " + (present.isEmpty ? "none present" : present.joined(separator: ", ")))
            + (spec.userReferences.isEmpty ? "" : "; \(spec.userReferences.joined(separator: ", ")) → \(user.display)")
        let evidence = [Evidence(.note, "columns", notes)]
        if !problems.isEmpty {
            return kit.failed(name, 0, .schemaMismatch, "\"\(display)\" is not Better Auth's: " + problems.joined(separator: "; "), evidence)
        }
        return kit.passed(name, 0, evidence)
    }

    func ownerCase(_ table: OwnedTable, user: Reference, db: Database, kit: CheckKit) async throws -> CaseResult {
        let name = "owner column \(table.displayName).\(table.ownerColumn) references \(user.display)"
        let refs = try await references(db, schema: table.schema, table: table.table, column: table.ownerColumn)
        if refs.contains(user) { return kit.passed(name, 0, [Evidence(.note, "foreign key", "\(table.displayName).\(table.ownerColumn) → \(user.display)")]) }
        let what = refs.isEmpty ? "has no foreign key" : "references \(refs.map(\.display).joined(separator: ", "))"
        return kit.failed(name, 0, .ownerNotBetterAuthUser,
                          "table \(table.displayName): owner column \(table.ownerColumn) \(what), not Better Auth's \(user.display): its owners need not be Better Auth users",
                          [])
    }

    /// Where single-column foreign keys from a column point.
    func references(_ db: Database, schema: String, table: String, column: String) async throws -> [Reference] {
        let rows = try await db.foreignKeyTargets(schema: schema, table: table, column: column)
        return rows.compactMap { r in
            guard let s = r["schema"]?.stringValue, let t = r["table"]?.stringValue, let c = r["column"]?.stringValue else { return nil }
            return Reference(schema: s, table: t, column: c)
        }
    }
}
