/// What an oracle concluded: a violated expectation with the evidence that proves it.
/// Oracles produce findings; reporters only format them.
public struct Finding: Sendable {
    /// The oracle that fired, also the JUnit failure type: `CrossUserRead`, `SilentWrite`, ...
    public var oracle: String
    /// One line a judge can read.
    public var message: String
    public var evidence: [Evidence]

    public init(oracle: String, message: String, evidence: [Evidence] = []) {
        self.oracle = oracle
        self.message = message
        self.evidence = evidence
    }
}

/// A piece of proof: an HTTP exchange, database rows, or a plain statement. Always redacted
/// before it is stored.
public struct Evidence: Sendable {
    public enum Kind: String, Sendable { case exchange, rows, note, figures }
    public var kind: Kind
    public var title: String
    public var text: String
    /// The same figures as `text`, machine-readable (a chart in report.html, `data` in
    /// results.json); nil for evidence that is only prose. The text stays the proof a person reads.
    public var data: JSONValue?

    public init(_ kind: Kind, _ title: String, _ text: String, data: JSONValue? = nil) {
        self.kind = kind
        self.title = title
        self.text = text
        self.data = data
    }
}
