/// How serious a proven finding is, for a reader with little time (a judge's scorecard shows
/// the worst first): another user's data reached or changed, then a way in without the right
/// credentials, then injection, then the rest.
public enum Severity: Int, Sendable, Comparable, CaseIterable {
    case isolationBreach = 0
    case authBypass = 1
    case injection = 2
    case other = 3

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    public init(_ oracle: Oracle) {
        switch oracle {
        case .crossUserRead, .crossUserWrite, .silentWrite, .massAssignment, .ownerNotBetterAuthUser:
            self = .isolationBreach
        case .unauthenticatedAccess, .forgedTokenAccepted, .expiredTokenAccepted, .secretSignedJWTAccepted, .impostorSignIn,
             .impostorSignUp, .wrongPasswordAccepted, .privateKeyPublished, .noLogin:
            self = .authBypass
        case .injectionError:
            self = .injection
        default:
            self = .other
        }
    }

    public var words: String {
        switch self {
        case .isolationBreach: return "another user's data reached or changed"
        case .authBypass: return "in without the right credentials"
        case .injection: return "hostile input broke a query"
        case .other: return "a criterion not met"
        }
    }

    /// The `limit` most serious failed cases of a run, one finding each, worst first (ties keep
    /// the report's order).
    public static func mostSerious(_ cases: [CaseResult], limit: Int = 3) -> [(CaseResult, Finding)] {
        let failed = cases.enumerated().compactMap { (i, c) -> (Int, CaseResult, Finding)? in
            guard case .failed(let findings) = c.outcome, let worst = findings.min(by: { Severity($0.oracle) < Severity($1.oracle) }) else { return nil }
            return (i, c, worst)
        }
        return failed.sorted { a, b in
            let sa = Severity(a.2.oracle), sb = Severity(b.2.oracle)
            return sa != sb ? sa < sb : a.0 < b.0
        }.prefix(limit).map { ($0.1, $0.2) }
    }
}
