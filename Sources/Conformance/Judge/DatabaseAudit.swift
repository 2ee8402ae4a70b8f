/// The expected-state oracle: reads every owned table for the run's users and compares each row
/// with what its owner's own operations should have left. A row changed, deleted, re-owned or
/// created by someone else is a breach, even when every API call answered 404.
public struct DatabaseAudit: Sendable {
    let context: RunContext

    public init(context: RunContext) { self.context = context }

    /// Only the given owners' objects are audited: users are shared by name across scenarios
    /// running in parallel, so a check judges the users it drives.
    /// `ids`, when given, narrows the audit to the objects the calling check created itself, so
    /// that another scenario acting as the same user at the same moment cannot look like a breach.
    public func findings(resource: Resource, owners: Set<String>, ids: Set<String>? = nil) async throws -> [Finding] {
        guard let db = context.database else { return [] }
        let entries = context.ledger.entries(resource: resource.name)
            .filter { owners.contains($0.owner) && (ids?.contains($0.id) ?? true) }
        // One query per table (in chunks of a thousand ids), not one per object.
        let rows = entries.isEmpty ? [:] : try await db.rows(of: resource, ids: entries.map(\.id))
        return ExpectedStateOracle.judge(entries, rows: rows, resource: resource)
    }

    /// Rows stored as one user's that carry another user's taint marker: written in the victim's
    /// name by someone else (an owner id taken from the body, a shared "current user"). Rows
    /// without markers are not judged: the harness cannot know who wrote them.
    public func strayRows(resource: Resource, owners: [String]) async throws -> [Finding] {
        guard let db = context.database else { return [] }
        let table = OwnedTable(schema: resource.schema, table: resource.table, ownerColumn: resource.ownerColumn, hasForeignKey: false)
        let rows = try await db.rows(of: table, owners: owners)
        return ExpectedStateOracle.strayRows(rows, resource: resource, markers: context.markers)
    }
}
