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
}
