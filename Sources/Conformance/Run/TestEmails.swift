import ConformanceCrypto

/// How this run's users are told apart from everyone else's: `cf-<run id>-<name>-<random>@<domain>`.
/// The run id sits in the local part so that any domain the app accepts can carry it; clean-up
/// deletes exactly the users whose email matches `likePattern`, and nobody else.
public struct TestEmails: Sendable, Equatable {
    public let runID: String
    public let domain: String

    public init(runID: String, domain: String = TestUserSettings.defaultEmailDomain) {
        self.runID = runID
        self.domain = domain
    }

    var prefix: String { "cf-\(runID)-" }

    /// A new address for a logical user. Only letters, digits and hyphens: every validator
    /// accepts them, and lowercase, because some apps lowercase what they store.
    public func address(for logicalName: String) -> String {
        let name = String(logicalName.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }.prefix(24))
        return "\(prefix)\(name)-\(SecureRandom.alphanumeric(6).lowercased())@\(domain)"
    }

    /// A SQL `LIKE` pattern (backslash escapes) matching exactly this run's addresses.
    public var likePattern: String { Self.escapeLike(prefix) + "%@" + Self.escapeLike(domain) }

    /// Whether an address is one of this run's (case-insensitive, as the app may have changed case).
    public func owns(_ email: String) -> Bool {
        let e = email.lowercased()
        return e.hasPrefix(prefix) && e.hasSuffix("@" + domain)
    }

    /// For messages: how to find the run's users by hand.
    public var shown: String { "\(prefix)*@\(domain)" }

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
