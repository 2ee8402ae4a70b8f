/// The rules for users acting at once, pure: no answer may hold another user's marker (state
/// shared between requests), and no request may fail. The check runs the users in parallel and
/// tallies; these judge each answer and the tally.
public enum ConcurrencyOracle {
    /// One request counted as failed: no answer, or a server error. (A create that answered no
    /// object is counted by `createFailed`.)
    public static func requestFailed(status: Int?, transportFailed: Bool) -> Bool {
        transportFailed || (status ?? 0) >= 500
    }

    /// A create accepted without an object is an error too: without it the marker oracle would
    /// have nothing to recognise. (A create refused outright is counted by `refused`.)
    public static func createFailed(id: String?, status: Int?) -> Bool {
        id == nil && (status.map { (200..<300).contains($0) } ?? false)
    }

    /// A user's own call refused for a reason that is not shared state (credentials, validation,
    /// a missing route): its answer holds nothing the marker oracle could judge. Server errors
    /// and transport failures are `requestFailed`, not this.
    public static func refused(status: Int?, transportFailed: Bool) -> Bool {
        guard !transportFailed, let status, status < 500 else { return false }
        return OwnCallOracle.refusal(status: status) != nil
    }

    /// `leakyAnswers` counts the answers that held another user's marker.
    public static func leaks(_ leakyAnswers: Int) -> Finding? {
        guard leakyAnswers > 0 else { return nil }
        return Finding(oracle: .crossUserRead,
                       message: "\(leakyAnswers) answer(s) under concurrency held another user's markers: state shared between requests")
    }

    public static func errors(_ errors: Int, of requests: Int) -> Finding? {
        guard errors > 0 else { return nil }
        return Finding(oracle: .serverError, message: "\(errors) of \(requests) requests failed, answered 5xx, or created nothing")
    }

    /// Whether the tallies can judge at all. The users act on their own data only, so every
    /// refusal is the app refusing a legitimate call: the concurrent phase did not run as meant,
    /// and a clean scan of what little was answered proves nothing. Nil when every call was
    /// accepted (or failed on the server, which `errors` judges).
    public static func unjudged(refused: Int, of requests: Int) -> String? {
        guard refused > 0 else { return nil }
        return "\(refused) of \(requests) of the users' own calls were refused (401/403/404/422...): the concurrent phase did not run as meant"
    }
}

