/// SC-009's rules, pure: the lifetime the auth server really issued (from a token's claims)
/// against the stated one, and the answer to an expired token. The check reads claims and sends
/// probes; these judge.
public enum TokenLifetimeOracle {
    public enum Verdict: Sendable, Equatable {
        /// The rule held; the note says what was seen.
        case kept(String)
        case breach(Oracle, String)
    }

    /// Better Auth's `jwt.expirationTime` default ("15m"), named next to the figure so a judge
    /// sees at once whether the team changed the setting at all.
    public static let betterAuthDefault = 900.0
    /// Statuses that refuse a request: SC-003 asks for 401, but a 403 still refuses the token.
    public static let refusals: Set<Int> = [401, 403]

    /// How long a token lives, and how that was read.
    public struct Reading: Sendable, Equatable {
        public var seconds: Double
        public var how: String
    }

    /// `exp - iat`; without iat the lifetime is unknowable, and what is left from `now` (epoch
    /// seconds) is a lower bound of it. Nil without exp: the token never expires.
    public static func reading(exp: Double?, iat: Double?, now: Double) -> Reading? {
        guard let exp else { return nil }
        if let iat { return Reading(seconds: exp - iat, how: "exp - iat") }
        return Reading(seconds: exp - now, how: "exp - now (no iat claim: a lower bound)")
    }

    /// The lifetime rule: within `tolerance` of `expected` (all in seconds). `reading` nil is a
    /// token without exp.
    public static func lifetime(_ reading: Reading?, expected: Double, tolerance: Double) -> Verdict {
        let spec = "the spec states \(duration(expected)) (\(int(expected)) s ± \(int(tolerance)) s)"
        guard let lived = reading?.seconds else {
            return .breach(.tokenLifetime, "the token has no exp claim: it never expires; \(spec)")
        }
        if abs(lived - expected) <= tolerance {
            return .kept("tokens live \(int(lived)) s (\(duration(lived))); \(spec)")
        }
        let observed = "tokens live \(int(lived)) s (\(duration(lived))\(lived == betterAuthDefault ? ", Better Auth's default" : ""))"
        var message = "\(observed); \(spec)"
        if lived != betterAuthDefault { message += "; Better Auth's default is \(duration(betterAuthDefault))" }
        return .breach(.tokenLifetime, message)
    }

    /// Why the expired-token probe cannot be judged: the genuine token, sent first as the
    /// control, was not accepted (`status` nil when it got no status), so a refusal of the expired
    /// one would prove nothing. Nil when the control was accepted.
    public static func controlRefusal(status: Int?) -> String? {
        guard let status, (200..<300).contains(status) else {
            return "the genuine token itself was refused (\(status ?? 0)): a refusal of the expired one would prove nothing"
        }
        return nil
    }

    /// The answer of `resource`'s list to a validly signed token that expired an hour ago, once
    /// the genuine token was accepted with `controlStatus` on the same call. Only a success is an
    /// acceptance. A 401/403 refuses it. Any other answer did not serve the expired token either,
    /// but is not the refusal SC-003 asks for: a 404 while the genuine token gets 200 on the very
    /// same list hides the expiry behind "not found", and a 5xx is the server failing on it —
    /// neither is a pass, both are `DenialStatus`.
    public static func expired(status: Int, controlStatus: Int, resource: String) -> Verdict {
        if (200..<300).contains(status) {
            return .breach(.expiredTokenAccepted,
                           "\(resource).list answered \(status) to a validly signed token that expired an hour ago; expired tokens must be refused (401)")
        }
        if refusals.contains(status) {
            return .kept("refused with \(status); the genuine token was accepted with \(controlStatus)")
        }
        let what = status >= 500 ? "a server error" : "not the refusal an expired token gets"
        return .breach(.denialStatus,
                       "\(resource).list answered \(status) to a validly signed token that expired an hour ago, while the genuine token got \(controlStatus) on the same call: \(what); expired tokens must be refused with 401")
    }

    // MARK: wording

    /// Claims come from outside: a huge or non-finite `exp` must print, not trap.
    public static func int(_ v: Double) -> String { Int(exactly: v.rounded()).map(String.init) ?? "\(v)" }

    /// "15 min", "7 days", "1 h 30 min": the two largest units, as a person would say it.
    public static func duration(_ seconds: Double) -> String {
        guard let total = Int(exactly: abs(seconds).rounded()), total < Int(Int32.max) else { return "\(seconds) s" }
        let units: [(Int, String, String)] = [(86_400, "day", "days"), (3600, "h", "h"), (60, "min", "min"), (1, "s", "s")]
        var parts: [String] = []
        var rest = total
        for (size, one, many) in units where parts.count < 2 {
            let n = rest / size
            rest %= size
            if n > 0 { parts.append("\(n) \(n == 1 ? one : many)") } else if !parts.isEmpty { break }
        }
        let text = parts.isEmpty ? "0 s" : parts.joined(separator: " ")
        return seconds < 0 ? "-" + text : text
    }
}
