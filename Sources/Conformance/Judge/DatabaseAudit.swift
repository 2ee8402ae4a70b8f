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
        var out: [Finding] = []
        let entries = context.ledger.entries(resource: resource.name)
            .filter { owners.contains($0.owner) && (ids?.contains($0.id) ?? true) }
        for entry in entries {
            let row = try await db.row(of: resource, id: entry.id)
            let rowText = row.map { context.redactor.redact(JSONWriter.pretty($0)) } ?? "(no row)"
            let evidence = [Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(entry.id)", rowText)]
            guard let row, let o = row.objectValue else {
                if !entry.deleted {
                    out.append(Finding(oracle: .silentWrite,
                                       message: "\(resource.name) \(entry.id) of user \(entry.owner) is gone from the database, but its owner never deleted it",
                                       evidence: evidence))
                }
                continue
            }
            if entry.deleted {
                out.append(Finding(oracle: .lostWrite, message: "\(resource.name) \(entry.id) was deleted by its owner through the API but is still stored",
                                   evidence: evidence))
                continue
            }
            if let owner = o["owner"]?.plainText, owner != entry.owner {
                out.append(Finding(oracle: .crossUserWrite, message: "\(resource.name) \(entry.id) of user \(entry.owner) is now owned by \(owner)",
                                   evidence: evidence))
            }
            let changed = entry.fields.compactMap { field, want -> String? in
                guard let got = o[field] else { return nil }
                return FieldComparison.same(want, got) ? nil : "\(field) is \(JSONWriter.compact(got).prefix(80)), its owner wrote \(JSONWriter.compact(want).prefix(80))"
            }
            if !changed.isEmpty {
                out.append(Finding(oracle: .silentWrite,
                                   message: "\(resource.name) \(entry.id) of user \(entry.owner) was changed by someone else: \(changed.joined(separator: "; "))",
                                   evidence: evidence))
            }
        }
        return out
    }

    /// Rows stored as one user's that carry another user's taint marker: written in the victim's
    /// name by someone else (an owner id taken from the body, a shared "current user"). Rows
    /// without markers are not judged: the harness cannot know who wrote them.
    public func strayRows(resource: Resource, owners: [String]) async throws -> [Finding] {
        guard let db = context.database else { return [] }
        let table = OwnedTable(schema: resource.schema, table: resource.table, ownerColumn: resource.ownerColumn, hasForeignKey: false)
        let rows = try await db.rows(of: table, owners: owners)
        return rows.compactMap { row in
            let owner = row[resource.ownerColumn]?.plainText ?? "?"
            let foreign = context.markers.foreign(in: JSONWriter.compact(row), viewer: owner)
            guard let writer = foreign.first?.owner else { return nil }
            let id = row[resource.idColumn]?.plainText ?? "?"
            return Finding(oracle: .crossUserWrite,
                           message: "\(resource.name) \(id) is stored as user \(owner)'s, but it holds data user \(writer) wrote",
                           evidence: [Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(id)", context.redactor.redact(JSONWriter.pretty(row)))])
        }
    }
}
