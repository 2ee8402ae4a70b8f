/// The mass-assignment rule, pure: a create or update whose body names another user in its owner
/// fields must leave the row owned by the caller. The check sends and reads the row; this judges,
/// in two steps because the row is read only once the write was accepted with an id.
public enum MassAssignmentOracle {
    /// A user as the messages name them: the id compared with the row's owner, the name printed.
    public struct Party: Sendable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// What the answer to the write allows.
    public enum Answer: Sendable {
        /// Refused (any status outside 2xx): nothing is stored to read. Whether the refusal
        /// proves the rule is `refusal`'s question.
        case refused
        /// Accepted; the row with this id must now be read.
        case accepted(id: String)
        case broken(Finding)
    }

    /// The update probe needs an object of the caller's own: without one it cannot run.
    public static func updateTarget(id: String?) -> Finding? {
        id == nil ? Finding(oracle: .setupFailed, message: "could not create an object to update") : nil
    }

    /// `id` is the object written: the update's target, or the id the create answered (nil if none).
    public static func answer(operation: String, status: Int, id: String?) -> Answer {
        guard (200..<300).contains(status) else { return .refused }
        guard let id else {
            return .broken(Finding(oracle: .specMismatch, message: "the \(operation) answered \(status) without an id"))
        }
        return .accepted(id: id)
    }

    /// The stored row after an accepted write (nil: no row), in logical field names: its
    /// `owner` must be the caller, whoever the body named.
    public static func row(_ row: JSONValue?, operation: String, status: Int, id: String, idColumn: String, table: String,
                           caller: Party, victim: Party) -> Finding? {
        guard let row else {
            return Finding(oracle: .lostWrite,
                           message: "the \(operation) answered \(status) but no row with \(idColumn) = \(id) is in \(table)")
        }
        let owner = row["owner"]?.plainText
        if owner == caller.id { return nil }
        let who = owner == victim.id ? victim.name + " (the id put in the body)" : owner ?? "nobody"
        return Finding(oracle: .massAssignment, message: "the row is owned by \(who), not by the caller \(caller.name)")
    }

    /// What a refused write proved.
    public enum Refusal: Sendable {
        /// The body was refused for its owner field: the same body without it was accepted.
        case provesRule(String)
        /// The refusal is about something else (credentials, the route, the body as a whole).
        case notJudged(String)
        case broken(Finding)
    }

    /// Statuses that refuse the caller, not the body: no control can make them prove the rule.
    static func refusesTheCaller(_ status: Int) -> String? {
        switch status {
        case 401, 407: return "the caller's credentials were refused (\(status))"
        case 408, 429: return "the app did not take the request (\(status))"
        case 300..<400: return "it answered a redirect (\(status))"
        default: return nil
        }
    }

    /// Whether the control (the same body without the owner fields, same user, same operation)
    /// is worth sending after a refusal with `status`.
    public static func needsControl(status: Int) -> Bool { refusesTheCaller(status) == nil }

    /// A refusal (`status`) of the body naming another user proves the rule only when it refused
    /// *that* body: the same body without the owner fields, sent by the same user
    /// (`controlStatus`, nil when not sent), must be accepted. A 4xx then is the app rejecting the
    /// owner field (validation or permission), a pass; a 5xx is the server breaking on it, a
    /// `ServerError`. With a control that failed too, or a refusal of the caller itself, the
    /// write says nothing about owner fields: not judged.
    public static func refusal(operation: String, status: Int, controlStatus: Int?) -> Refusal {
        if let why = refusesTheCaller(status) { return .notJudged("the \(operation) naming another user as owner was not judged: \(why)") }
        guard let control = controlStatus else {
            return .notJudged("the \(operation) naming another user as owner answered \(status), and the same body without the owner fields could not be sent")
        }
        guard (200..<300).contains(control) else {
            return .notJudged("the \(operation) naming another user as owner answered \(status), but the same body without the owner fields answered \(control) too: the refusal is not about the owner field")
        }
        if status >= 500 {
            return .broken(Finding(oracle: .serverError,
                                   message: "the \(operation) naming another user as owner made the server fail (\(status)), while the same body without the owner fields was accepted (\(control))"))
        }
        return .provesRule("refused with \(status), while the same body without the owner fields was accepted (\(control))")
    }
}

