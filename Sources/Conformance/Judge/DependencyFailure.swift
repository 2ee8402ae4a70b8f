/// A failure is a finding only when the observation behind it was completed. When a dependency
/// broke on the way — the auth server answered 5xx or nothing, or the database was down while the
/// API answered with an error or a refusal — the case is an error that names the dependency,
/// never a failed criterion. An answer that proves the breach by itself (another user's data in
/// a 200) stands whatever the database does.
public enum DependencyFailure {
    /// Whether a failed case saw an error, a refusal or no answer: only then is it worth asking
    /// whether the database is down.
    public static func sawFailedAnswer(_ c: CaseResult) -> Bool {
        guard case .failed = c.outcome else { return false }
        return exchanges(of: c).contains(where: isFailedAnswer)
    }

    /// `authBaseURL`: Better Auth's base URL when it is a service of its own (nil for an app's
    /// own login, whose answers are the app's). `databaseDown`: the harness's own connection to
    /// the app's database failed right after the case.
    public static func judge(_ c: CaseResult, authBaseURL: String?, databaseDown: Bool) -> CaseResult {
        guard case .failed(let findings) = c.outcome, !findings.isEmpty else { return c }
        let seen = exchanges(of: c)
        let message: String
        // With the database down, a refusal proves nothing either: the API could not verify the
        // token (its JWKS comes from the auth server's database) or find the row.
        if databaseDown, let broken = seen.first(where: isFailedAnswer) {
            message = "the database stopped answering while \(describe(broken)): a failing dependency proves nothing about the rule"
        } else if let authBaseURL, !findings.contains(where: { [.serverError, .injectionError].contains($0.oracle) }),
                  let broken = seen.first(where: { $0.request.url.hasPrefix(authBaseURL) && isBroken($0) }) {
            // Findings about server errors stand: a 500 is what those checks look for.
            message = "the auth server failed (\(describe(broken))): a failing dependency proves nothing about the rule"
        } else {
            return c
        }
        var out = c
        out.outcome = .error(kind: .dependencyFailed,
                             message: message + " (would have been: \(findings.map(\.oracle.rawValue).joined(separator: ", ")))")
        out.evidence += findings.flatMap(\.evidence)
        return out
    }

    static func exchanges(of c: CaseResult) -> [Exchange] {
        var all = c.evidence.compactMap(\.exchange)
        if case .failed(let findings) = c.outcome { all += findings.flatMap(\.evidence).compactMap(\.exchange) }
        return all
    }

    /// 5xx, or no answer for a reason other than the run's own interrupt.
    static func isBroken(_ ex: Exchange) -> Bool {
        if let status = ex.status { return status >= 500 }
        guard let e = ex.transportError else { return false }
        return !e.isCancellation
    }

    /// Broken, or an answer of status 400 or more.
    static func isFailedAnswer(_ ex: Exchange) -> Bool {
        isBroken(ex) || (ex.status ?? 0) >= 400
    }

    static func describe(_ ex: Exchange) -> String {
        let answer = ex.status.map { "answered \($0)" } ?? "did not answer (\(ex.transportError?.description ?? "no answer"))"
        return "\(ex.request.method) \(ex.request.url) \(answer)"
    }
}
