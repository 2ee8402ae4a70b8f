import ConformancePostgres

/// `sql` and `stored` steps: read-only looks at the database.
struct DatabaseStepRunner: Sendable {
    let context: RunContext

    func database() -> Database? { context.database }

    func unavailable() -> StepOutcome {
        StepOutcome(CheckKit(context: context).noDatabase("").outcome)
    }

    func sql(_ step: Step, _ s: SQLStep, scope: ScenarioScope) async throws -> StepOutcome {
        guard let db = database() else { return unavailable() }
        let params: [String?] = try s.params.map { t in
            let v = try t.render(scope.lookup)
            return v == .null ? nil : v.plainText
        }
        do {
            let rows = try await db.read(s.sql, params)
            return try judge(step, rows: .array(rows), rowCount: rows.count, exists: nil, scope: scope, title: s.sql)
        } catch let e as PostgresError {
            return queryError(e)
        }
    }

    func stored(_ step: Step, _ s: StoredStep, scope: ScenarioScope) async throws -> StepOutcome {
        guard let db = database() else { return unavailable() }
        guard let resource = context.resource(s.resource) else {
            return StepOutcome(.error(kind: .targetMismatch, message: "the target maps no resource \"\(s.resource)\""))
        }
        let id = ResourceClient.idText(try s.id.render(scope.lookup))
        do {
            let row = try await db.row(of: resource, id: id)
            var expect = step.expect ?? Expectation()
            if expect.exists == nil, expect.json.isEmpty == false || step.expect == nil { expect.exists = true }
            return try judge(step, expect: expect, rows: row ?? .null, rowCount: nil, exists: row != nil, scope: scope,
                             title: "\(resource.qualifiedTable) where \(resource.idColumn) = \(id)")
        } catch let e as PostgresError {
            return queryError(e)
        }
    }

    func queryError(_ e: PostgresError) -> StepOutcome { StepOutcome(.database(e)) }

    func judge(_ step: Step, expect: Expectation? = nil, rows: JSONValue, rowCount: Int?, exists: Bool?, scope: ScenarioScope,
               title: String) throws -> StepOutcome {
        var observation = StepObservation(.rows(rows, title: title, rowCount: rowCount, exists: exists),
                                          expectation: expect ?? step.expect ?? Expectation())
        observation.mismatch = .databaseMismatch
        return try StepRunner(context: context).judge(step, observation, scope: scope)
    }
}
