/// The impostor rules of SC-003 and SC-011, pure: signing in as the victim with a wrong password,
/// or signing up again with the victim's email, must never yield a session or token that acts as
/// the victim. The probe sends and reads ids and credentials out of the answers; these judge, one
/// rule per observation, in the order the probe makes them (each later one only when the earlier
/// ones left the question open).
public enum ImpostorOracle {
    public enum Verdict: Sendable, Equatable {
        /// The rule held: a note titled `title` says why.
        case kept(title: String, note: String)
        case breach(Oracle, String)
    }

    static func success(_ status: Int) -> Bool { (200..<300).contains(status) }

    /// The answer to a sign-in as `victim` with a wrong password: a 2xx that hands out a token
    /// or session is an impostor sign-in.
    public static func wrongPassword(status: Int, credentialIssued: Bool, victim: String) -> Verdict {
        guard success(status) else { return .kept(title: "refused", note: "answered \(status)") }
        guard credentialIssued else { return .kept(title: "no credential", note: "answered \(status) but issued no token or session") }
        return .breach(.impostorSignIn, "signing in as \(victim) with a wrong password answered \(status) with a token or session")
    }

    /// The answer to a second sign-up with the victim's email: refused is kept, the victim's own
    /// user id in it is a breach. Nil when it is a 2xx about another account: the probe goes on.
    public static func signUpAnswer(status: Int, userID: String?, victimID: String, victim: String) -> Verdict? {
        guard success(status) else { return .kept(title: "refused", note: "answered \(status)") }
        if let userID, userID == victimID {
            return .breach(.impostorSignUp, "the sign-up answered \(status) with \(victim)'s own user id")
        }
        return nil
    }

    /// The user the credential that sign-up issued acts as (`owner`, nil when unknown): the
    /// victim is a breach; nil otherwise, and the probe goes on.
    public static func issuedSession(owner: String?, victimID: String, victim: String) -> Verdict? {
        guard let owner, owner == victimID else { return nil }
        return .breach(.impostorSignUp, "the sign-up issued a session that acts as \(victim)")
    }

    /// The last word on a second sign-up (answered `signUpStatus`): a sign-in with the victim's
    /// email and the impostor's password. Answered 2xx with a credential for the victim — or for
    /// an unnamed user, since the email is the victim's — the account was overwritten.
    public static func impostorPassword(status: Int?, credentialIssued: Bool, userID: String?, signUpStatus: Int,
                                        victimID: String, victim: String) -> Verdict {
        if let status, success(status), credentialIssued, userID.map({ $0 == victimID }) ?? true {
            return .breach(.impostorSignUp, "after the second sign-up, \(victim)'s email signs in with the impostor's password")
        }
        return .kept(title: "not \(victim)",
                     note: "answered \(signUpStatus), but the account it describes is not \(victim)'s and its password does not open \(victim)'s account")
    }
}
