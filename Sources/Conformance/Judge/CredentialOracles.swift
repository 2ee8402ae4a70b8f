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
