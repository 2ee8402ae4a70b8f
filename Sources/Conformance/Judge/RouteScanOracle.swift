/// The route scan's rule against blind passes: a probe without valid credentials, or with another
/// user's, that is refused proves the route refused it only when the refusal is about who is
/// asking (401, 403), or when the same request with the owner's own token was served. A 404, 405
/// or 422 to a route that also refuses its owner says nothing about credentials.
public enum RouteScanOracle {
    /// nil when the refusal (`status`) of a hostile probe proves the rule; otherwise why it does
    /// not. `control`: the status of the owner's own, legitimate call of the same route with the
    /// same kind of values (nil when none was sent).
    public static func unproven(status: Int, control: Int?) -> String? {
        if status == 401 || status == 403 { return nil }
        if let control, (200..<300).contains(control) { return nil }
        let own = control.map { "the owner's own call answered \($0)" } ?? "the owner's own call could not be made"
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
