/// SC-007, pure: after every write the API's answer and the stored row agree field by field, and
/// a user's list holds exactly that user's rows. The check sends and reads; these judge.
public enum APIDatabaseOracle {
    /// What the answer to one operation allows.
    public enum Answer: Sendable {
        /// An object to compare with the stored row.
        case compare(JSONObject)
        /// Nothing to compare, and no rule broken (a toggle that answers no object).
        case skip(String)
        case broken(Finding)
    }

    /// The create every comparison starts from must answer an object with an id.
    public static func created(id: String?) -> Finding? {
        id == nil ? Finding(oracle: .setupFailed, message: "the create did not return an object with an id") : nil
    }

    /// `object` is the resource object the answer holds, nil if none.
    public static func answer(operation: Operation, status: Int, object: JSONObject?, resource: String) -> Answer {
        guard (200..<300).contains(status) else {
            return .broken(Finding(oracle: .specMismatch, message: "\(operation.rawValue) answered \(status)"))
        }
        guard let object else {
            if operation == .toggle { return .skip("the toggle answered no object to compare") }
            return .broken(Finding(oracle: .specMismatch, message: "the answer holds no \(resource) object"))
        }
        return .compare(object)
    }

    /// The API's object against the stored row (nil: no row), field by field. A value stored in
    /// another lossless representation (an enum by name, an id as text, an instant in another
    /// notation) is equal — `FieldComparison.equivalences` says how, for the evidence — except in
    /// the `exact` fields (the text the harness wrote: a changed case there is a changed value).
    public static func row(api: JSONObject, row: JSONObject?, id: String, idColumn: String, table: String, exact: Set<String> = []) -> Finding? {
        guard let row else { return Finding(oracle: .lostWrite, message: "no row with \(idColumn) = \(id) in \(table)") }
        let diffs = FieldComparison.differences(api: api, row: row, exact: exact)
        return diffs.isEmpty ? nil : Finding(oracle: .databaseMismatch, message: diffs.joined(separator: "; "))
    }

    /// A list answer that holds no list breaks the spec before any id is compared.
    public static func noList() -> Finding { Finding(oracle: .specMismatch, message: "the answer holds no list") }

    /// The ids the list delivered against the ids of the user's rows: an object that is not the
    /// user's row is the graver breach (a leak), a row the list lacks a lost write.
    public static func list(api apiIDs: Set<String>, database dbIDs: Set<String>, user: String) -> Finding? {
        let extra = apiIDs.subtracting(dbIDs), missing = dbIDs.subtracting(apiIDs)
        if extra.isEmpty, missing.isEmpty { return nil }
        var parts: [String] = []
        if !extra.isEmpty { parts.append("the API lists \(extra.count) object(s) that are not \(user)'s rows: \(extra.sorted().prefix(5).joined(separator: ", "))") }
        if !missing.isEmpty { parts.append("\(missing.count) of \(user)'s rows are missing from the list: \(missing.sorted().prefix(5).joined(separator: ", "))") }
        return Finding(oracle: extra.isEmpty ? .lostWrite : .crossUserRead, message: parts.joined(separator: "; "))
    }
}

/// SC-012, pure: an object created through the API must be a row of the database the harness was
/// given, found by its id AND holding the create's marker — an id alone could belong to an
/// unrelated row when the API writes to another database whose ids happen to collide.
public enum RowsInDatabaseOracle {
    /// The create must answer an object id for its row to be looked for.
    public static func created(status: Int, id: String?) -> Finding? {
        id == nil ? Finding(oracle: .setupFailed, message: "the create answered \(status) without an object id") : nil
    }

    /// `row` is the row with the created id (nil: none, or no table), `holders` the ids of the
    /// rows whose text holds `marker`; `place` names the database.
    public static func judge(row: JSONValue?, marker: String, holders: [String], status: Int, resource: String, id: String,
                             idColumn: String, place: String) -> Finding? {
        if let row, JSONWriter.compact(row).contains(marker) { return nil }
        if let other = holders.first {
            return Finding(oracle: .databaseMismatch,
                           message: "the API answered \(status) for \(resource) \(id) but the row with its marker in \(place) has \(idColumn) \(other)")
        }
        let unrelated = row == nil ? "" : " (a row with \(idColumn) \(id) exists but is another object)"
        return Finding(oracle: .writtenElsewhere,
                       message: "the API answered \(status) for \(resource) \(id) but no row with its marker is in \(place)\(unrelated): the API writes to another database")
    }
}
