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
}
