/// The denial oracle, with the taint markers: judges the answer to a request that must be
/// refused because it reaches for another user's object, path or data. One set of rules for
/// every check that sends such probes.
public enum DenialOracle {
    public struct Verdict: Sendable {
        public var oracle: Oracle
        public var message: String
    }

    /// nil when the answer is a proper denial; otherwise what is wrong, in order of gravity: a
    /// write accepted, another user's data delivered, a success without data, a wrong status.
    public static func judge(status: Int, body: String, viewer: String?, writes: Bool, deny: Set<Int>,
                             markers: Markers, what: String, owner: String) -> Verdict? {
        let leaks = markers.foreign(in: body, viewer: viewer)
        let denial = deny.sorted().map(String.init).joined(separator: "/")
        let success = (200..<300).contains(status)
        if writes, success {
            return Verdict(oracle: .crossUserWrite,
                           message: "\(what) answered \(status)\(leaks.isEmpty ? "" : " and returned \(leaks.count) of \(owner)'s marker(s)"); expected a denial (\(denial))")
        }
        if !leaks.isEmpty {
            return Verdict(oracle: .crossUserRead, message: "\(what) delivered \(owner)'s data (\(leaks.count) marker(s)) with status \(status)")
        }
        if success {
            return Verdict(oracle: .denialStatus, message: "\(what) answered \(status) (without \(owner)'s data); expected a denial (\(denial))")
        }
        if !deny.contains(status) {
            return Verdict(oracle: .denialStatus, message: "\(what) answered \(status); a denial is \(denial)")
        }
        return nil
    }

    /// What a cross-user probe proved, given the caller's own call to the same route.
    public enum Decision: Sendable {
        case denied
        case broken(Verdict)
        /// Refused, but for a reason that is not the one tested: the caller's own call to the
        /// same route was refused too (its credentials do not work, the route does not exist).
        case notJudged(String)
    }

    /// `judge`, and then the question a refusal leaves open: would the same route have answered
    /// the caller at all? `ownStatus` is the status of the caller's own, legitimate call to the
    /// same route (its own object, its own id in the path); nil when that call could not be made.
    /// A write accepted, another user's data or a 2xx are findings whatever the own call got; a
    /// refusal proves the denial only when the own call was accepted — else a 404/405 means no
    /// such route and a 401/403 dead credentials, and neither is a `DenialStatus`.
    public static func decide(status: Int, body: String, viewer: String?, writes: Bool, deny: Set<Int>,
                              markers: Markers, what: String, owner: String, ownStatus: Int?) -> Decision {
        let verdict = judge(status: status, body: body, viewer: viewer, writes: writes, deny: deny, markers: markers, what: what, owner: owner)
        let refused = !(200..<300).contains(status)
        if let verdict, !(refused && verdict.oracle == .denialStatus) { return .broken(verdict) }
        guard refused else { return verdict.map(Decision.broken) ?? .denied }
        guard let ownStatus else {
            return .notJudged("answered \(status), but the caller's own call to the same route could not be made: the refusal proves nothing")
        }
        if let why = OwnCallOracle.refusal(status: ownStatus) {
            return .notJudged("answered \(status), but the caller's own call to the same route \(why): the refusal proves nothing")
        }
        return verdict.map(Decision.broken) ?? .denied
    }
}

