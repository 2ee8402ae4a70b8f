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
        /// Refused (any status outside 2xx): a fine answer, and nothing is stored to read.
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
}
