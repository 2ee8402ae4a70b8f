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
        /// The observation cannot prove the rule either way (the reason).
        case notJudged(String)
        /// The provider failed (5xx): the case could not be carried out.
        case error(String)
    }

    static func success(_ status: Int) -> Bool { (200..<300).contains(status) }

    /// The victim's own sign-in on the same route, sent first: a refusal of the wrong password
    /// proves something only when the right one opens the account and the harness can see what
    /// it hands out. Nil when the control did; else why the probe cannot be judged.
    public static func signInControl(status: Int?, credentialIssued: Bool, victim: String) -> String? {
        guard let status, success(status) else {
            return "\(victim)'s own sign-in on the same route answered \(status.map(String.init) ?? "nothing"): a refusal of a wrong password would prove nothing"
        }
        guard credentialIssued else {
            return "\(victim)'s own sign-in answered \(status) with no token or session the harness can read: whether a wrong password gets one cannot be seen"
        }
        return nil
    }

    /// The answer to a sign-in as `victim` with a wrong password, once the control (`control`, from
    /// `signInControl`) is known: a 2xx that hands out a token or session is an impostor sign-in,
    /// whatever the control said. A refusal passes only when the control opened the account; a
    /// route that does not exist (404/405), a rate limit (429) or a crash (5xx) proves nothing.
    public static func wrongPassword(status: Int, credentialIssued: Bool, control: String?, victim: String) -> Verdict {
        if success(status) {
            if credentialIssued {
                return .breach(.impostorSignIn, "signing in as \(victim) with a wrong password answered \(status) with a token or session")
            }
            if let control { return .notJudged(control) }
            return .kept(title: "no credential", note: "answered \(status) but issued no token or session; \(victim)'s own password got one on the same route")
        }
        if status == 404 || status == 405 {
            return .notJudged("the sign-in answered \(status): the route does not exist here, so its refusal proves nothing")
        }
        if status == 429 { return .notJudged("the sign-in answered 429: rate-limited, not refused for the password") }
        if status >= 500 {
            return .error("the sign-in answered \(status) to a wrong password: the identity provider failed, so whether it checks passwords is unknown")
        }
        if status == 0 { return .notJudged("the sign-in got no HTTP status") }
        if let control { return .notJudged(control) }
        return .kept(title: "refused", note: "answered \(status); \(victim)'s own password got a session on the same route")
    }

    /// The impostor (signed in with the victim's email and a wrong password) reads the victim's
    /// data: the victim's markers in the answer are a cross-user read, whatever the status. A
    /// refusal passes only when `controlStatus` (the victim's own call, the same request) was 2xx.
    public static func impostorRead(status: Int, victimMarkers: Int, controlStatus: Int?, what: String, victim: String) -> Verdict {
        if victimMarkers > 0 {
            return .breach(.crossUserRead, "an impostor signed in with \(victim)'s email and a wrong password \(what): the answer (\(status)) holds \(victimMarkers) marker(s) of \(victim)'s data")
        }
        guard let controlStatus, success(controlStatus) else {
            return .notJudged("\(victim)'s own request got \(controlStatus.map(String.init) ?? "no answer"): the impostor's answer proves nothing")
        }
        if success(status) {
            return .notJudged("answered \(status) without \(victim)'s data, although \(victim)'s own request returned it: the impostor's session acts as someone else")
        }
        return .kept(title: "refused", note: "the impostor's token got \(status); \(victim)'s own got \(controlStatus)")
    }

    /// The impostor's write to the victim's object: accepted (2xx) is a cross-user write, and so is
    /// a row the database audit (`audit`: its findings for that object) shows changed. With no
    /// database (`audited` false) a refusal is taken at its word, as every check does.
    public static func impostorWrite(status: Int, audit: [Finding], audited: Bool, victim: String) -> [Finding] {
        var out: [Finding] = []
        if success(status) {
            out.append(Finding(oracle: .crossUserWrite, message: "an impostor signed in with \(victim)'s email and a wrong password updated \(victim)'s object: answered \(status)"))
        }
        for f in audit {
            var g = f
            // The audit calls any change someone else's; here the someone is known: the impostor.
            if g.oracle == .silentWrite { g.oracle = .crossUserWrite }
            g.message = "database audit: " + g.message + " (the impostor's write)"
            out.append(g)
        }
        return out
    }

    /// The answer to a second sign-up with the victim's email: refused (4xx) is kept, the
    /// victim's own user id in it is a breach. A route that does not exist (404/405) or a rate
    /// limit proves nothing. Nil when it is a 2xx about another account, or a 5xx (a crash on the
    /// duplicate may still have overwritten it): the probe goes on and signs in to find out.
    public static func signUpAnswer(status: Int, userID: String?, victimID: String, victim: String) -> Verdict? {
        if status == 404 || status == 405 {
            return .notJudged("the sign-up answered \(status): the route does not exist here, so its refusal proves nothing")
        }
        if status == 429 { return .notJudged("the sign-up answered 429: rate-limited, not refused for the email") }
        if status >= 500 || status == 0 { return nil }
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
    /// an unnamed user, since the email is the victim's — the account was overwritten. Otherwise
    /// kept only when the victim's own sign-in on that route worked (`control` nil).
    public static func impostorPassword(status: Int?, credentialIssued: Bool, userID: String?, signUpStatus: Int,
                                        control: String?, victimID: String, victim: String) -> Verdict {
        if let status, success(status), credentialIssued, userID.map({ $0 == victimID }) ?? true {
            return .breach(.impostorSignUp, "after the second sign-up, \(victim)'s email signs in with the impostor's password")
        }
        if let control { return .notJudged(control) }
        let crashed = signUpStatus >= 500 ? " (a server error, yet nothing was overwritten)" : ""
        return .kept(title: "not \(victim)",
                     note: "answered \(signUpStatus)\(crashed), but the account it describes is not \(victim)'s and its password does not open \(victim)'s account; \(victim)'s own password still does")
    }
}
