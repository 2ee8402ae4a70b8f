/// The route scan's rule against blind passes: a refusal proves the route refused the hostile
/// caller only when the same request with the owner's own token was not refused the same way.
/// A 404, 405 or 422 to a route that also refuses its owner says nothing about credentials, and
/// neither does a 401 or 403 to a route that refuses its owner's valid token too.
public enum RouteScanOracle {
    /// Who sent the hostile probe.
    public enum Probe: Sendable, Equatable {
        /// Without credentials or with a malformed token: a 401 or 403 is the expected refusal.
        case anonymous
        /// Another user's valid token on the owner's ids: any refusal is right only when the
        /// owner's own call was served, since a route that refuses everyone refuses them too.
        case crossUser
    }

    /// nil when the refusal (`status`) of a hostile probe proves the rule; otherwise why it does
    /// not. `control`: the status of the owner's own, legitimate call of the same route with the
    /// same kind of values (nil when none was sent).
    public static func unproven(status: Int, control: Int?, probe: Probe) -> String? {
        if let control, (200..<300).contains(control) { return nil }
        let own = control.map { "the owner's own call answered \($0)" } ?? "the owner's own call could not be made"
        if status == 401 || status == 403 {
            switch probe {
            case .anonymous:
                // The owner's valid token refused as well: the route refuses every token, so
                // this refusal cannot be told apart from it.
                guard let control, control == 401 || control == 403 else { return nil }
                return "refused with \(status), but \(own) with a valid token: the route refuses everyone, so the refusal proves nothing"
            case .crossUser:
                return "refused with \(status), but \(own): the route may refuse every user, so the refusal proves nothing"
            }
        }
        return "refused with \(status), but \(own): the route may not serve anyone this way, so the refusal proves nothing"
    }

    /// Where a path or query value names a user (`user_id`, `ownerId`): it gets a user's id.
    public static func namesUser(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.contains("user") || n.contains("owner")
    }

    /// Whether an OpenAPI route addresses objects of a resource: the literal segment just
    /// before its first object parameter equals the one just before `{id}` in one of the
    /// resource's per-object routes (`/api/tasks/{id}` and `/v2/tasks/{task_id}/notes` fit
    /// `tasks` mapped at `/api/{userId}/tasks/{id}`). Only such routes get the run's real
    /// objects; any other id parameter gets an id no object has.
    public static func fits(_ path: String, collection: Set<String>) -> Bool {
        guard let segment = segmentBeforeObject(path, isObject: { !namesUser($0) }) else { return false }
        return collection.contains(segment)
    }

    /// The literal just before the first parameter `isObject` accepts, lowercased.
    public static func segmentBeforeObject(_ path: String, isObject: (String) -> Bool) -> String? {
        var previous: String?
        for part in path.split(separator: "/") {
            if part.hasPrefix("{"), part.hasSuffix("}") {
                if isObject(String(part.dropFirst().dropLast())) { return previous }
            } else {
                previous = part.lowercased()
            }
        }
        return nil
    }
}
