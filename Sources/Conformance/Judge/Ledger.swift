/// The expected-state model: per user, what that user's *own* successful operations should have
/// left in the database. The database oracle compares owned tables with it; any difference that
/// the owner did not cause is a breach, even when the API answered 404.
public final class Ledger: Sendable {
    public struct Entry: Sendable {
        public var resource: String
        public var id: String
        public var owner: String
        /// Logical fields the owner last wrote (only the ones it set).
        public var fields: [String: JSONValue]
        public var deleted: Bool
    }

    private let entries = Locked<[String: Entry]>([:])   // key: resource + "\u{0}" + id

    public init() {}

    static func key(_ resource: String, _ id: String) -> String { resource + "\u{0}" + id }

    public func created(resource: String, id: String, owner: String, fields: [String: JSONValue]) {
        entries.withLock { $0[Self.key(resource, id)] = Entry(resource: resource, id: id, owner: owner, fields: fields, deleted: false) }
    }

    public func updated(resource: String, id: String, by user: String, fields: [String: JSONValue]) {
        entries.withLock { e in
            guard var entry = e[Self.key(resource, id)], entry.owner == user else { return }
            for (k, v) in fields { entry.fields[k] = v }
            e[Self.key(resource, id)] = entry
        }
    }

    public func deleted(resource: String, id: String, by user: String) {
        entries.withLock { e in
            guard var entry = e[Self.key(resource, id)], entry.owner == user else { return }
            entry.deleted = true
            e[Self.key(resource, id)] = entry
        }
    }

    /// The one place an owner's successful operation enters the model, whatever sent it (a
    /// scenario step, a check, the load phase). `sent` is the logical body, `observed` the
    /// logical object the API answered with (nil for 204s). Returns the id a create made.
    @discardableResult
    public func record(_ op: Operation, resource: Resource, id: String?, sent: JSONValue?, observed: JSONValue?, owner: String) -> String? {
        let fields = Dictionary(sent?.objectValue?.pairs.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { $1 })
        let flag = resource.completedField
        switch op {
        case .create:
            guard let newID = observed?["id"].map(ResourceClient.idText) else { return nil }
            var stored = fields
            if let value = observed?[flag] { stored[flag] = value }
            created(resource: resource.name, id: newID, owner: owner, fields: stored)
            return newID
        case .update:
            if let id { updated(resource: resource.name, id: id, by: owner, fields: fields) }
        case .toggle:
            guard let id else { return nil }
            if let value = observed?[flag] {
                updated(resource: resource.name, id: id, by: owner, fields: [flag: value])
            } else if let sentFlag = resource.toggleSends.flatMap({ fields[$0] }) {
                // An answer without the object (204): the flag is what was sent...
                updated(resource: resource.name, id: id, by: owner, fields: [flag: sentFlag])
            } else if let was = entry(resource: resource.name, id: id)?.fields[flag]?.boolValue {
                // ...or, for a bodiless toggle, the opposite of what it was.
                updated(resource: resource.name, id: id, by: owner, fields: [flag: .bool(!was)])
            }
        case .delete:
            if let id { deleted(resource: resource.name, id: id, by: owner) }
        case .list, .get:
            break
        }
        return nil
    }

    public func entry(resource: String, id: String) -> Entry? { entries.current[Self.key(resource, id)] }

    public func entries(owner: String? = nil, resource: String? = nil) -> [Entry] {
        entries.current.values.filter { (owner == nil || $0.owner == owner) && (resource == nil || $0.resource == resource) }
            .sorted { $0.id < $1.id }
    }
}
