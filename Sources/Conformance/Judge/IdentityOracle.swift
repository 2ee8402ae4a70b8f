/// Users the run could not create or give a token: setup that went wrong is judged here, so a
/// criterion can neither pass because its users were never there nor fail for the wrong reason.
public enum IdentityOracle {
    /// A user that could not be created: an unreachable auth server is an error; a refused sign-up
    /// fails the scenario's own sign-up step; any other step that needs the user is skipped.
    public static func creationFailed(user: String, message: String, unreachable: Bool, isSignUpStep: Bool) -> Outcome {
        if unreachable { return .error(kind: .authUnreachable, message: message) }
        if isSignUpStep { return .failed([Finding(oracle: .signUpFailed, message: message)]) }
        return .skipped("user \(user) could not be created: \(message)")
    }

    /// No API token for a user: its probes would go out without credentials and pass blind, so
    /// the user is left out and this says why.
    public static func noToken(user: String, problems: [String]) -> Finding {
        let why = problems.isEmpty ? "" : ": " + problems.joined(separator: "; ")
        return Finding(oracle: .tokenMissing, message: "no API token could be obtained for \(user)\(why); the check runs without this user")
    }
}
