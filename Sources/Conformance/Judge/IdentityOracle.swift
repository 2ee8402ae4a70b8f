/// Users the run could not create or give a token: setup that went wrong is judged here, so a
/// criterion can neither pass because its users were never there nor fail for the wrong reason.
public enum IdentityOracle {
    /// A user that could not be created is an error of the run's setup, never a finding: an
    /// unreachable auth server, or a sign-up the app refused (its answer is the evidence). The
    /// one case that `reports` it carries the error; every other step that needs the user is
    /// skipped with the reason.
    public static func creationFailed(user: String, message: String, unreachable: Bool, reports: Bool) -> Outcome {
        guard reports else { return .skipped("user \(user) could not be created: \(message)") }
        return .error(kind: unreachable ? .authUnreachable : .userNotCreated, message: message)
    }

    /// No API token for a user: its probes would go out without credentials and pass blind, so
    /// the user is left out and this says why.
    public static func noToken(user: String, problems: [String]) -> Finding {
        let why = problems.isEmpty ? "" : ": " + problems.joined(separator: "; ")
        return Finding(oracle: .tokenMissing, message: "no API token could be obtained for \(user)\(why); the check runs without this user")
    }
}
