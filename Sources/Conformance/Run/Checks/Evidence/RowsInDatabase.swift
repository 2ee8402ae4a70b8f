/// SC-012: what the API stores lands in the database the harness was given (the one that must be
/// Neon). A user creates an object carrying taint markers; the row must be found in this
/// database by its id AND hold those markers — an id alone could belong to an unrelated row when
/// the API writes to another database whose ids happen to collide.
struct RowsInDatabase: BuiltInCheck {
    static let name = CheckName.rowsInDatabase
    static let title = "API writes land in this database"

    struct Parameters: ResourceParameters {
        let resource: String
        static let specs: [ParameterSpec] = [
            .resource,
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let resource = input.resource(parameters) else { return [kit.skipped("rows written through the API", "the target maps no such resource")] }
        let name = "a \(resource.name) object created through the API is a row of this database"
        guard let user = input.identities.first else { return [kit.skipped(name, "the scenario names no user")] }
        guard let db = context.database else { return [kit.noDatabase(name)] }
        guard let created = await kit.create(resource, as: user) else { return [kit.skipped(name, "the target maps no create route")] }
        if let e = kit.errored(name, created.exchange) { return [e] }
        let evidence = [kit.evidence("create as \(user.logicalName)", created.exchange)]
        let status = created.exchange.status ?? 0
        if let f = RowsInDatabaseOracle.created(status: status, id: created.id) {
            return [kit.failed(name, created.exchange.seconds, f.oracle, f.message, evidence)]
        }
        guard let id = created.id else { return [] }  // not reached: without an id the oracle failed the setup
        let markers = (context.ledger.entry(resource: resource.name, id: id)?.fields.values.compactMap(\.stringValue) ?? [])
            .filter { $0.hasPrefix(context.markers.prefix) }
        guard let marker = markers.first else {
            return [kit.skipped(name, "the create body carried no text field to mark (the resource lists no textFields)")]
        }
        let place = "\(db.connection.host)/\(db.connection.database)"
        let (found, seconds) = await CheckKit.time { () -> Result<(byID: JSONValue?, byMarker: [String]), Error> in
            do {
                // Without the table, "no row" is the finding, not a query error.
                guard try await db.tableExists(schema: resource.schema, table: resource.table) else { return .success((nil, [])) }
                let row = try await db.row(of: resource, id: id)
                return .success((row, try await idsHolding(marker, resource: resource, db: db)))
            } catch { return .failure(error) }
        }
        switch found {
        case .failure(let error):
            return [CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                               outcome: .database(error), evidence: evidence)]
        case .success(let (row, holders)):
            var proof = evidence
            if let row {
                proof.append(Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(id) in \(place)",
                                      JSONWriter.pretty(row)))
            }
            if let f = RowsInDatabaseOracle.judge(row: row, marker: marker, holders: holders, status: status, resource: resource.name, id: id,
                                                  idColumn: resource.idColumn, place: place) {
                return [kit.failed(name, seconds, f.oracle, f.message, proof)]
            }
            return [kit.passed(name, created.exchange.seconds + seconds, proof + [Evidence(.note, "found",
                "\(resource.name) \(id) with its marker is in \(resource.qualifiedTable) of \(place)")])]
        }
    }

    /// Ids of the rows whose text columns hold the marker, searched in every string column of
    /// the resource's table.
    func idsHolding(_ marker: String, resource: Resource, db: Database) async throws -> [String] {
        let columns = try await db.stringColumns(of: resource)
        guard !columns.isEmpty else { return [] }
        return try await db.ids(of: resource, containing: marker, inColumns: columns, limit: 5)
    }
}
