/// The rules for users acting at once, pure: no answer may hold another user's marker (state
/// shared between requests), and no request may fail. The check runs the users in parallel and
/// tallies; these judge each answer and the tally.
public enum ConcurrencyOracle {
    /// One request counted as failed: no answer, or a server error. (A create that answered no
    /// object is counted by `createFailed`.)
    public static func requestFailed(status: Int?, transportFailed: Bool) -> Bool {
        transportFailed || (status ?? 0) >= 500
    }

    /// A create that gave no object is an error too: without it the marker oracle would have
    /// nothing to recognise.
    public static func createFailed(id: String?) -> Bool { id == nil }

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
}
