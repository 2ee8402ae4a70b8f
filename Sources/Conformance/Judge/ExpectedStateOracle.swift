/// The expected-state oracle itself, pure: what each owner's own successful operations should have
/// left (the ledger's entries) against the rows the database holds for those ids.
public enum ExpectedStateOracle {
    /// `rows` maps an entry's id to its stored row, in logical field names; an id absent from
    /// it has no row.
    public static func judge(_ entries: [Ledger.Entry], rows: [String: JSONValue], resource: Resource) -> [Finding] {
        var out: [Finding] = []
        for entry in entries {
            let row = rows[entry.id]
            let evidence = [Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(entry.id)",
                                     row.map { JSONWriter.pretty($0) } ?? "(no row)")]
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
            let changed = entry.fields.sorted { $0.key < $1.key }.compactMap { field, want -> String? in
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
    /// name by someone else. Rows without markers are not judged: nobody can know who wrote them.
    public static func strayRows(_ rows: [JSONValue], resource: Resource, markers: Markers) -> [Finding] {
        rows.compactMap { row in
            let owner = row[resource.ownerColumn]?.plainText ?? "?"
            let foreign = markers.foreign(in: JSONWriter.compact(row), viewer: owner)
            guard let writer = foreign.first?.owner else { return nil }
            let id = row[resource.idColumn]?.plainText ?? "?"
            return Finding(oracle: .crossUserWrite,
                           message: "\(resource.name) \(id) is stored as user \(owner)'s, but it holds data user \(writer) wrote",
                           evidence: [Evidence(.rows, "\(resource.qualifiedTable) where \(resource.idColumn) = \(id)", JSONWriter.pretty(row))])
        }
    }
}
