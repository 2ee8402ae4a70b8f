/// What one evidence probe (Better Auth, Neon, the schema) concluded from its observation, before
/// the check attaches the exchanges and builds the case. Kept as plain data so the oracles that
/// produce it stay pure and the unit tests can compare verdicts directly.
public enum EvidenceVerdict: Sendable, Equatable {
    /// A note the verdict adds to the evidence: what was checked, or what was tolerated and why.
    public struct Note: Sendable, Equatable {
        public var title: String
        public var text: String

        public init(_ title: String, _ text: String) {
            self.title = title
            self.text = text
        }
    }

    case passed(Note? = nil)
    case failed(Oracle, String, Note? = nil)
    /// The observation says the rule does not apply to this target (a plugin it does not use).
    case skipped(String)
    /// Observed, but what was seen cannot prove the rule either way (no database to look in,
    /// nothing readable): never a pass.
    case notJudged(String)

    /// The oracle that fired; nil when nothing did.
    public var oracle: Oracle? {
        if case .failed(let oracle, _, _) = self { return oracle }
        return nil
    }

    public var message: String? {
        switch self {
        case .failed(_, let message, _): return message
        case .skipped(let reason), .notJudged(let reason): return reason
        case .passed: return nil
        }
    }

    public var isPassed: Bool {
        if case .passed = self { return true }
        return false
    }
}
