/// What running one scenario step observed, before any verdict: the exchange (or the rows read),
/// what the step expects, and who the answer was for. `StepJudge` turns it into an outcome.
public struct StepObservation: Sendable {
    public enum Subject: Sendable {
        /// An HTTP step: the exchange, and what its expectations see (the unwrapped object or
        /// list of a logical call, else the answer's JSON).
        case exchange(Exchange, observed: JSONValue?)
        /// A database step: the rows as JSON, where they were read, and the counts it checks.
        case rows(JSONValue, title: String, rowCount: Int?, exists: Bool?)
    }

    /// Whose answer it was, for the taint-marker oracle.
    public enum Viewer: Sendable, Equatable {
        /// The step's answer is not scanned for markers (auth steps, raw requests, the database).
        case notScanned
        /// A request made without credentials: any marker of the run's users in it is a leak.
        case anonymous
        /// A request made as this user (id, name).
        case user(id: String, name: String)
    }

    public var subject: Subject
    /// The step's expectation with the defaults of its kind filled in (2xx for calls, 200 for auth).
    public var expectation: Expectation
    public var viewer: Viewer = .notScanned
    /// What is wrong with a token the auth server issued (it does not verify against the JWKS...).
    public var tokenProblems: [String] = []
    /// The failure type of an unmet expectation.
    public var mismatch: Oracle = .specMismatch

    public init(_ subject: Subject, expectation: Expectation) {
        self.subject = subject
        self.expectation = expectation
    }
}
