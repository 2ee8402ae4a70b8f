/// The SC-010 rules for hostile strings, pure: never a server error, a stored value exactly as
/// sent, a hostile id refused, and afterwards exactly the intended rows. The check sends the
/// payloads and reads the rows; these judge what it saw.
public enum InjectionOracle {
    /// Statuses that refuse a hostile text as invalid: a fine answer to a create.
    public static let validationRefusals: Set<Int> = [400, 413, 422]

    /// What the answer to a create with hostile text allows.
    public enum Answer: Sendable {
        /// Refused as invalid: a fine answer, nothing stored to compare.
        case refused
        /// Stored; the row with this id must hold the text exactly as sent.
        case accepted(id: String)
        case broken(Finding)
    }

    /// A plain create must work first (`id`: the object it answered, nil if none): otherwise
    /// every refused hostile create would pass for the wrong reason.
    public static func plainCreate(id: String?) -> Finding? {
        id == nil ? Finding(oracle: .setupFailed, message: "a create with ordinary text did not return an object; the injection probes cannot be judged") : nil
    }

    /// `id` is the object id the answer holds, nil if none.
    public static func createAnswer(status: Int, id: String?) -> Answer {
        if status >= 500 { return .broken(Finding(oracle: .injectionError, message: "answered \(status) to a hostile string")) }
        guard (200..<300).contains(status) else {
            // A validation refusal (too long, bad characters) is a fine answer; anything else is not.
            if validationRefusals.contains(status) { return .refused }
            return .broken(Finding(oracle: .injectionError,
                                   message: "answered \(status) to a hostile string; expected it stored, or refused as invalid (400/413/422)"))
        }
        guard let id else { return .broken(Finding(oracle: .specMismatch, message: "the create answered \(status) without an object id")) }
        return .accepted(id: id)
    }

    /// The row stored for an accepted hostile create (nil: no row) against the body sent: every
    /// text field the row has must equal what was sent; a field the row lacks is not compared.
    public static func storedRow(_ row: JSONValue?, sent: JSONObject, textFields: [String], status: Int, id: String) -> Finding? {
        guard let row else { return Finding(oracle: .lostWrite, message: "the create answered \(status) but no row with id \(id) is stored") }
        let wrong = textFields.filter { f in row[f] != nil && row[f] != sent[f] }
        guard wrong.isEmpty else {
            return Finding(oracle: .injectionError, message: "stored \(wrong.joined(separator: ", ")) differ from what was sent")
        }
        return nil
    }

    /// A hostile value in an id position (`allowSuccess` false) or a query parameter (true):
    /// another user's data is the gravest breach, then a server error, then a hostile id accepted.
    /// `foreignMarkers` counts the other users' markers in the answer.
    public static func refusal(status: Int, foreignMarkers: Int, allowSuccess: Bool) -> Finding? {
        if foreignMarkers > 0 {
            return Finding(oracle: .crossUserRead, message: "a hostile value returned \(foreignMarkers) marker(s) of other users")
        }
        if status >= 500 { return Finding(oracle: .injectionError, message: "answered \(status) to a hostile value") }
        if !allowSuccess, (200..<300).contains(status) {
            return Finding(oracle: .injectionError, message: "a hostile id was accepted with \(status)")
        }
        return nil
    }

    /// Afterwards the user's stored ids must be exactly those the user's own operations left.
    public static func rowsAfterwards(stored ids: Set<String>, expected: Set<String>, user: String) -> Finding? {
        guard ids != expected else { return nil }
        return Finding(oracle: .injectionError,
                       message: "\(user) has \(ids.count) row(s), expected \(expected.count) (missing: \(expected.subtracting(ids).count), unexpected: \(ids.subtracting(expected).count))")
    }

    // MARK: every published parameter, against its legitimate counterpart

    /// Where a hostile value went: an object id (any refusal is right, a success is not), or a
    /// value the route takes as data (a search term, a text field, the user id in the path).
    public enum Position: Sendable, Equatable { case id, text }

    public enum Verdict: Sendable {
        case passed(note: String?)
        case failed(Finding)
        case notJudged(String)
    }

    /// A hostile value sent as the route's own user, judged against the same call with a
    /// harmless value (`control`, its status; nil when it could not be sent). `leaks`: other
    /// users' markers in the answer that the request did not carry. `constraint`: the rule of the
    /// route's published schema the hostile value breaks (`maxLength 200`, `integer`), nil when
    /// the schema lets it through or there is no schema.
    ///
    /// A 400/413/422 proves safety only when the schema explains it: a free-text value refused
    /// as invalid while the harmless one was served never reached the query, so it shows
    /// nothing about how the query is built (a filter in front of string-formatted SQL) — not
    /// judged, never passed. Nor is anything judged when the harmless call itself failed.
    public static func probe(status: Int, control: Int?, leaks: Int, position: Position, constraint: String?) -> Verdict {
        if leaks > 0 {
            return .failed(Finding(oracle: .crossUserRead, message: "a hostile value returned \(leaks) marker(s) of other users"))
        }
        guard let control, (200..<300).contains(control) else {
            return .notJudged("the same call with a harmless value answered \(control.map(String.init) ?? "nothing"): the hostile one cannot be told apart from a call that never works")
        }
        if status >= 500 { return .failed(Finding(oracle: .injectionError, message: "answered \(status) to a hostile value (\(control) to a harmless one)")) }
        if (200..<300).contains(status) {
            if position == .id { return .failed(Finding(oracle: .injectionError, message: "a hostile id was accepted with \(status)")) }
            return .passed(note: nil)
        }
        if validationRefusals.contains(status) {
            if let constraint { return .passed(note: "refused with \(status) as its published schema demands (\(constraint))") }
            if position == .id { return .passed(note: "refused with \(status): not an id") }
            return .notJudged("refused with \(status) a value its published schema accepts as free text, while the harmless value was served: the hostile one never reached the query, so how the query is built is not shown")
        }
        return .passed(note: "refused with \(status)")
    }

    /// What the route's published schema says of a hostile value in this place; nil when the
    /// value fits it (free text of any length), so a refusal would be unexplained.
    public static func constraint(broken schema: JSONValue?, by value: String) -> String? {
        guard let schema else { return nil }
        if let e = schema["enum"]?.arrayValue, !e.contains(.string(value)) { return "one of \(e.count) values" }
        switch schema["type"]?.stringValue {
        case "integer"?, "number"?, "boolean"?:
            return schema["type"]?.stringValue
        default: break
        }
        if let f = schema["format"]?.stringValue { return "format \(f)" }
        if schema["pattern"] != nil { return "a pattern" }
        if let max = schema["maxLength"]?.intValue, value.count > max { return "maxLength \(max)" }
        if let min = schema["minLength"]?.intValue, value.count < min { return "minLength \(min)" }
        return nil
    }

    /// After every published route has had its hostile values: none of the user's rows may be
    /// gone (a `DROP` or a `DELETE ... OR 1=1` that ran). Rows added are not judged here: a
    /// published route may create objects of its own.
    public static func rowsKept(stored ids: Set<String>, expected: Set<String>, user: String) -> Finding? {
        let missing = expected.subtracting(ids)
        guard !missing.isEmpty else { return nil }
        return Finding(oracle: .injectionError, message: "\(missing.count) of \(user)'s \(expected.count) row(s) are gone after the hostile values in every published parameter")
    }
}
