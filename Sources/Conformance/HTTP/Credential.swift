import ConformanceHTTP

/// What a request presents as its caller: the one place an `Authorization` header is composed,
/// so that no probe can send `Bearer Bearer …` (and pass blind because of it).
public enum Credential: Sendable, Hashable {
    case none
    /// A token sent as `Authorization: Bearer <token>`.
    case bearer(String)
    /// A header value sent exactly as given: the broken-credential probes (`Basic …`, `Bearer`).
    case rawAuthorization(String)

    public var header: HTTPHeader? {
        switch self {
        case .none: return nil
        case .bearer(let token): return HTTPHeader("Authorization", "Bearer \(token)")
        case .rawAuthorization(let value): return HTTPHeader("Authorization", value)
        }
    }

    /// The request's headers with this credential added, unless the caller set one itself.
    public func adding(to headers: [HTTPHeader]) -> [HTTPHeader] {
        guard let header, !headers.contains(where: { $0.name.lowercased() == "authorization" }) else { return headers }
        return headers + [header]
    }
}

extension Identity {
    /// The credential the API expects from this user; none when no token could be obtained.
    public var credential: Credential { apiToken.map(Credential.bearer) ?? .none }
}
