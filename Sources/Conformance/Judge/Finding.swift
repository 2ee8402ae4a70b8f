/// What an oracle concluded: a violated rule with the evidence that proves it.
/// Oracles produce findings; reporters only format them.
public struct Finding: Sendable {
    /// The rule that was broken, also the JUnit failure type.
    public var oracle: Oracle
    /// One line a judge can read (redacted when it is written out).
    public var message: String
    public var evidence: [Evidence]

    public init(oracle: Oracle, message: String, evidence: [Evidence] = []) {
        self.oracle = oracle
        self.message = message
        self.evidence = evidence
    }
}

/// A piece of proof, kept as data: an HTTP exchange as it was sent and received, database rows,
/// a plain statement, or figures. Nothing is redacted or formatted here: every reporter renders
/// it, through the one redactor, when it writes its file.
public struct Evidence: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case exchange, rows, note, figures }
    public var kind: Kind
    public var title: String
    /// The exchange itself, for `.exchange`.
    public var exchange: Exchange?
    /// Rows, notes and figures as text (rows as JSON).
    public var body: String
    /// The same figures as `body`, machine-readable (a chart in report.html, `data` in
    /// results.json); nil for evidence that is only prose.
    public var data: JSONValue?
    /// An exchange read back from a shard's results.json by `merge`: its parts as the shard's
    /// reports showed them (already redacted), since the bytes themselves are not kept there.
    public var shown: Exchange.Shown?

    public init(_ kind: Kind, _ title: String, _ text: String, data: JSONValue? = nil) {
        self.kind = kind
        self.title = title
        self.body = text
        self.data = data
    }

    public init(_ title: String, _ exchange: Exchange) {
        self.kind = .exchange
        self.title = title
        self.exchange = exchange
        self.body = ""
    }

    /// The proof as a person reads it, redacted: an exchange as its transcript (whose parts are
    /// redacted one by one, each on a bounded prefix), anything else as its text.
    public func text(redactor: Redactor) -> String {
        exchange.map { $0.transcript(redactor) } ?? shown?.transcript ?? redactor.redact(body)
    }
}
