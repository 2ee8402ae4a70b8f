/// The rules for requests made without valid credentials, pure: the route probes send none or a
/// malformed one, the credential attacks a forged one. Checks send; these judge.
public enum UnauthenticatedOracle {
    public enum Verdict: Sendable, Equatable {
        case refused
        /// Answered 2xx without user data to a read, or the target declares the route public.
        case publicRoute(note: String)
        case breach(Oracle, String)
    }

    /// `markers` counts the run's markers in the answer that the request did not carry itself.
    public static func judge(method: String, status: Int, markers: Int, declaredPublic: Bool, how: String) -> Verdict {
        let success = (200..<300).contains(status)
        if markers > 0 {
            return .breach(.unauthenticatedAccess, "answered \(status) \(how) and returned \(markers) marker(s) of the run's users")
        }
        if success, method != "GET", !declaredPublic {
            return .breach(.unauthenticatedAccess, "a \(method) \(how) answered \(status): it can change data without a user")
        }
        if success {
            return .publicRoute(note: declaredPublic ? "declared public by the target" : "answers without credentials but returned no user data (health, docs?)")
        }
        return .refused
    }
}

/// A broken or forged credential must be refused with one of `deny`: accepted is the probe's own
/// breach (`ForgedTokenAccepted`, `UnauthenticatedAccess`), refused with another status a wrong
/// denial; a refused write whose row changed anyway is a silent write.
public enum RefusalOracle {
    public static func judge(status: Int, deny: Set<Int>, probeOracle: Oracle, rowChanged: Bool) -> [Oracle] {
        var out: [Oracle] = []
        if !deny.contains(status) { out.append((200..<300).contains(status) ? probeOracle : .denialStatus) }
        if rowChanged, deny.contains(status) { out.append(.silentWrite) }
        return out
    }
}

/// A broken or forged credential's answer, judged against the same call made with the genuine
/// token just before (the control). An acceptance is a breach whatever the control said; a
/// refusal proves the rule only when the genuine token was accepted on that call — otherwise
/// the route, the object or the body may be why it was refused.
public enum ForgedCredentialOracle {
    public enum Verdict: Sendable, Equatable {
        /// Refused with one of the denial statuses while the genuine token was accepted.
        case refused
        case notJudged(String)
        case breach([Oracle])
    }

    /// `controlStatus` is the genuine call's status (nil: it got no answer); `claimNotIssued`
    /// names a claim the probe changed that the app's own tokens do not carry.
    public static func judge(status: Int, controlStatus: Int?, deny: Set<Int>, probeOracle: Oracle, rowChanged: Bool,
                             claimNotIssued: String? = nil) -> Verdict {
        let accepted = (200..<300).contains(status)
        if accepted, let claim = claimNotIssued {
            return .notJudged("accepted (\(status)), but the app's own tokens carry no \(claim): a token whose \(claim) points elsewhere breaks no rule they set")
        }
        if accepted { return .breach([probeOracle]) }
        // A refused write whose row changed anyway is proven by the rows alone.
        if rowChanged { return .breach(deny.contains(status) ? [.silentWrite] : [.denialStatus, .silentWrite]) }
        guard let controlStatus, (200..<300).contains(controlStatus) else {
            return .notJudged("the genuine token got \(controlStatus.map(String.init) ?? "no answer") on the same call: a refusal of this one proves nothing")
        }
        return deny.contains(status) ? .refused : .breach([.denialStatus])
    }
}
