/// SC-012: the data lives in Better Auth's schema — its tables and columns exist (columns added
/// or dropped between versions tolerated, see better-auth.md), its own tables reference `"user"`,
/// and every table holding per-user rows has a foreign key from its owner column to `"user"`(id).
struct BetterAuthSchema: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.betterAuthSchema
    static let title = "Better Auth schema and owner references"

    typealias TableSpec = SchemaOracle.TableSpec
    typealias Reference = SchemaOracle.Reference

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let db = context.database else { return [kit.noDatabase("Better Auth schema")] }
        let target = context.target
        let schema = target.authTables.schema
        let user = Reference(schema: schema, table: target.authTables.user, column: "id")
        var cases: [CaseResult] = []
        do {
            for spec in SchemaOracle.specs(target.authTables) {
                cases.append(try await tableCase(spec, schema: schema, user: user, db: db, kit: kit, target: target))
            }
            let owned = try await db.ownedTables(target: target)
            for table in owned { cases.append(try await ownerCase(table, user: user, db: db, kit: kit)) }
            // A resource the target maps whose table is not in this database at all.
            for (r, verdict) in SchemaOracle.absentResources(Array(target.resources.values), owned: owned,
                                                              host: db.connection.host, database: db.connection.database) {
                cases.append(kit.result("\(r.name) table \(r.schema == "public" ? r.table : "\(r.schema).\(r.table)") references \"\(user.table)\"(id)",
                                        0, verdict))
            }
        } catch {
            cases.append(CaseResult(name: "Better Auth schema", criterion: "", file: "", seconds: 0,
                                    outcome: .database(error)))
        }
        return cases
    }

    func tableCase(_ spec: TableSpec, schema: String, user: Reference, db: Database, kit: CheckKit, target: Target) async throws -> CaseResult {
        let display = schema == "public" ? spec.table : "\(schema).\(spec.table)"
        let name = "Better Auth table \"\(display)\" has Better Auth's columns"
        let columns = try await db.tableColumns(schema: schema, table: spec.table)
        // Read only for the columns the table has, as the oracle judges only those.
        var refs: [String: [Reference]] = [:]
        for column in spec.userReferences where columns.contains(column) {
            refs[column] = try await references(db, schema: schema, table: spec.table, column: column)
        }
        let sessionTokensOnly = target.identity.isBetterAuth && target.tokenSource == .sessionToken
        let verdict = SchemaOracle.table(spec, display: display, columns: columns, references: refs, user: user,
                                         sessionTokensOnly: sessionTokensOnly)
        return kit.result(name, 0, verdict)
    }

    func ownerCase(_ table: OwnedTable, user: Reference, db: Database, kit: CheckKit) async throws -> CaseResult {
        let name = "owner column \(table.displayName).\(table.ownerColumn) references \(user.display)"
        let refs = try await references(db, schema: table.schema, table: table.table, column: table.ownerColumn)
        return kit.result(name, 0, SchemaOracle.owner(table: table.displayName, ownerColumn: table.ownerColumn, references: refs, user: user))
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
