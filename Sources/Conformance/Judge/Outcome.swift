/// What one test case (one step, or one probe of a built-in check) concluded.
public enum Outcome: Sendable {
    case passed
    case failed([Finding])
    /// The run could not carry the case out (connection refused, TLS, timeout, 5xx from the auth server...).
    case error(kind: ErrorKind, message: String)
    /// Deliberately not run: the scenario's selection, a missing front-end URL, no database URL.
    case skipped(String)
    /// Run, but its observation cannot prove the rule either way (the owner's own call was refused,
    /// the route does not exist): never a pass, never a finding.
    case notJudged(String)

    /// The closed set of outcomes, for counting and for the labels every report prints.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case passed, failed, error, skipped
        case notJudged = "not judged"
    }

    public var kind: Kind {
        switch self {
        case .passed: return .passed
        case .failed: return .failed
        case .error: return .error
        case .skipped: return .skipped
        case .notJudged: return .notJudged
        }
    }

    public var isPassed: Bool { kind == .passed }

    /// The reason a case was skipped or not judged, the message of an error.
    public var reason: String? {
        switch self {
        case .skipped(let r), .notJudged(let r): return r
        case .error(_, let m): return m
        case .passed, .failed: return nil
        }
    }
}
