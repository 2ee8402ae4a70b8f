import Foundation

/// The one place every output passes through: passwords, cookies, session tokens, JWTs,
/// `Authorization` values, the database password and `BETTER_AUTH_SECRET` are masked wherever
/// they appear. Exact secrets are registered as they come into being; patterns catch the rest
/// (a JWT the app echoed, a token in a URL).
public final class Redactor: Sendable {
    private let secrets = Locked<Set<String>>([])
    public static let mask = "«redacted»"

    public init() {}

    /// Registers a secret; short values are ignored so that "a" or "1" never blanks a report.
    public func add(_ secret: String?) {
        guard let secret, secret.count >= 6 else { return }
        secrets.withLock { s in
            s.insert(secret)
            // Cookies carry URL-encoded forms; tokens appear percent-encoded in URLs.
            if let enc = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), enc != secret { s.insert(enc) }
            if let dec = secret.removingPercentEncoding, dec != secret, dec.count >= 6 { s.insert(dec) }
        }
    }

    public func redact(_ text: String) -> String {
        var out = text
        // Longest first, so that a token inside a cookie value is not half-masked.
        for s in secrets.current.sorted(by: { $0.count > $1.count }) where out.contains(s) {
            out = out.replacingOccurrences(of: s, with: Self.mask)
        }
        for (regex, replacement) in Self.patterns {
            out = out.replacing(regex, with: { match in replacement(String(out[match.range])) })
        }
        return out
    }

    /// Header values that are secrets by their name, whatever they hold.
    public static let secretHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "set-auth-token", "set-auth-jwt",
                                                    "x-api-key", "proxy-authorization"]

    public func redactHeader(name: String, value: String) -> String {
        let lower = name.lowercased()
        if lower == "authorization" || lower == "proxy-authorization" {
            let scheme = value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            return scheme.isEmpty || scheme == value ? Self.mask : "\(scheme) \(Self.mask)"
        }
        if lower == "set-cookie" || lower == "cookie" {
            // Keep cookie names and attributes: they are evidence (Secure, HttpOnly, SameSite).
            return value.split(separator: ";", omittingEmptySubsequences: false).enumerated().map { i, part in
                let p = String(part)
                guard i == 0 || lower == "cookie", let eq = p.firstIndex(of: "=") else { return p }
                return String(p[...eq]) + Self.mask
            }.joined(separator: ";")
        }
        if Self.secretHeaders.contains(lower) { return Self.mask }
        return redact(value)
    }

    nonisolated(unsafe) static let patterns: [(Regex<AnyRegexOutput>, (String) -> String)] = {
        var list: [(Regex<AnyRegexOutput>, (String) -> String)] = []
        // Compact JWS/JWT: three base64url parts, the first a JSON header ("eyJ").
        if let r = try? Regex(#"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"#) { list.append((r, { _ in mask })) }
        // Passwords inside connection URLs.
        if let r = try? Regex(#"(postgres(?:ql)?://[^:/@\s]+:)[^@\s]+@"#) {
            list.append((r, { m in
                guard let colon = m.dropFirst(12).firstIndex(of: ":") else { return m }
                return String(m[...colon]) + mask + "@"
            }))
        }
        // Bearer values in free text (logs of the app, error messages).
        if let r = try? Regex(#"(?i)bearer\s+[A-Za-z0-9._~+/=-]{8,}"#) { list.append((r, { m in String(m.prefix(6)) + " " + mask })) }
        return list
    }()
}
