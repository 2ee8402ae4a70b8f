import Foundation

/// Reading and masking database connection strings: `postgresql://` / `postgres://` URLs and
/// libpq key=value strings.
///
/// The password is a secret that must never reach a report or a log, even when the string is
/// malformed, so masking does not rely on the string being valid: it finds password-shaped
/// spans with a forgiving scan, and errors are additionally scrubbed of the password's text.
public enum DatabaseURL {
    /// What masked secrets are replaced with.
    public static let mask = "****"

    /// `url` with its password (URL user info, `password=` query parameter or key=value entry)
    /// replaced by `****`; everything else unchanged so the report still shows host and options.
    public static func redacted(_ url: String) -> String {
        let ranges = passwordRanges(in: url)
        if ranges.isEmpty {
            // No password where one is usually written; if libpq still finds one (an unusual
            // spelling), fall back to masking its text wherever it appears.
            return scrub(url, secretsOf: url)
        }
        var result = url
        for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            result.replaceSubrange(range, with: mask)
        }
        return result
    }

    /// The password the string carries (percent-decoded), or nil when it has none.
    public static func password(of url: String) -> String? {
        if case .success(let parameters) = LibPQ.parse(url) {
            return parameters["password"]
        }
        // Malformed for libpq, but a caller may still need to know what to hide.
        return passwordRanges(in: url).first.map { plain(String(url[$0]), inURL: isURL(url)) }
    }

    /// The (first) host the string names, or nil for none (a Unix-socket default).
    public static func host(of url: String) -> String? {
        if case .success(let parameters) = LibPQ.parse(url) {
            let value = parameters["host"] ?? parameters["hostaddr"]
            return value.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) }
                .flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let authority = lenientAuthority(of: url) else { return nil }
        var hostPart = authority
        if let at = hostPart.lastIndex(of: "@") { hostPart = hostPart[hostPart.index(after: at)...] }
        if let comma = hostPart.firstIndex(of: ",") { hostPart = hostPart[..<comma] }
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            return String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
        }
        if let colon = hostPart.firstIndex(of: ":") { hostPart = hostPart[..<colon] }
        return hostPart.isEmpty ? nil : decode(String(hostPart))
    }

    /// Every parameter as libpq reads it (password included — handle with care), or nil when
    /// libpq rejects the string.
    public static func parameters(of url: String) -> [String: String]? {
        if case .success(let parameters) = LibPQ.parse(url) { return parameters }
        return nil
    }

    /// Whether the string is a URL (as opposed to key=value).
    static func isURL(_ string: String) -> Bool {
        let lower = string.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// `text` with every spelling of the password of `url` (as written, percent-decoded,
    /// percent-encoded) replaced by `****`. Used on error messages, whose shape is unknown.
    static func scrub(_ text: String, secretsOf url: String) -> String {
        var secrets = Set<String>()
        if case .success(let parameters) = LibPQ.parse(url), let password = parameters["password"] {
            secrets.insert(password)
        }
        for range in passwordRanges(in: url) {
            let raw = String(url[range])
            secrets.insert(raw)
            secrets.insert(plain(raw, inURL: isURL(url)))
        }
        for secret in secrets {
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: unreserved) {
                secrets.insert(encoded)
            }
        }
        var result = text
        // Longest first, so a secret that contains another is masked whole.
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: secret, with: mask)
        }
        return result
    }

    /// RFC 3986 unreserved characters, ASCII only (`.alphanumerics` would keep "é" unencoded).
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func decode(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    /// The password a masked span stands for: percent-decoded in a URL, unquoted and unescaped
    /// in key=value.
    private static func plain(_ raw: String, inURL: Bool) -> String {
        if inURL { return decode(raw) }
        var body = Substring(raw)
        if body.hasPrefix("'") {
            body = body.dropFirst()
            if body.hasSuffix("'") { body = body.dropLast() }
        }
        var result = ""
        var escaped = false
        for character in body {
            if !escaped, character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }

    // MARK: - Forgiving scan

    /// Spans of `string` that hold a password, found without requiring the string to be valid.
    static func passwordRanges(in string: String) -> [Range<String.Index>] {
        isURL(string) ? urlPasswordRanges(in: string) : keyValuePasswordRanges(in: string)
    }

    /// The part after `scheme://` up to and including the user info's end and the host list.
    private static func lenientAuthority(of url: String) -> Substring? {
        guard isURL(url), let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let userInfoEnd = userInfoSeparator(in: rest)
        let hostStart = userInfoEnd.map { rest.index(after: $0) } ?? rest.startIndex
        let hostEnd = rest[hostStart...].firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        return rest[rest.startIndex..<hostEnd]
    }

    /// The `@` that ends the user info. libpq takes the first `@` before the first `/`, which a
    /// password with an unencoded `@`, `/` or `?` defeats; for masking, the last plausible `@`
    /// is safer (it masks too much rather than too little).
    private static func userInfoSeparator(in rest: Substring) -> String.Index? {
        let firstQuestion = rest.firstIndex(of: "?")
        // An `@` after the first `?` ends the user info when no `=` comes between: then the `?`
        // is part of the password, not the start of a query such as `?user=a@b`.
        if let question = firstQuestion, let at = rest.lastIndex(of: "@"), at > question,
           !rest[question..<at].contains("=") {
            return at
        }
        return rest[..<(firstQuestion ?? rest.endIndex)].lastIndex(of: "@")
    }

    private static func urlPasswordRanges(in url: String) -> [Range<String.Index>] {
        guard let schemeEnd = url.range(of: "://") else { return [] }
        let rest = url[schemeEnd.upperBound...]
        var ranges: [Range<String.Index>] = []
        let separator = userInfoSeparator(in: rest)
        if let separator, let colon = rest[..<separator].firstIndex(of: ":") {
            let start = rest.index(after: colon)
            if start < separator { ranges.append(start..<separator) }
        }
        // Query parameters after the user info: `password=...` may be given there too.
        let queryFrom = separator.map { rest.index(after: $0) } ?? rest.startIndex
        if let question = rest[queryFrom...].firstIndex(of: "?") {
            var cursor = rest.index(after: question)
            while cursor < rest.endIndex {
                let end = rest[cursor...].firstIndex(of: "&") ?? rest.endIndex
                let pair = rest[cursor..<end]
                if let equals = pair.firstIndex(of: "="),
                   decode(String(pair[..<equals])).lowercased() == "password" {
                    let valueStart = pair.index(after: equals)
                    if valueStart < end { ranges.append(valueStart..<end) }
                }
                cursor = end < rest.endIndex ? rest.index(after: end) : end
            }
        }
        return ranges
    }

    /// libpq's key=value grammar: `key = value` pairs separated by white space; a value is
    /// either bare (backslash escapes the next character) or single-quoted (backslash escapes
    /// `'` and `\`). The whole value, quotes included, is the span to mask.
    private static func keyValuePasswordRanges(in string: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var index = string.startIndex
        func skipSpace() {
            while index < string.endIndex, string[index].isWhitespace { index = string.index(after: index) }
        }
        while index < string.endIndex {
            skipSpace()
            let keyStart = index
            while index < string.endIndex, string[index] != "=", !string[index].isWhitespace {
                index = string.index(after: index)
            }
            let key = string[keyStart..<index].lowercased()
            skipSpace()
            guard index < string.endIndex, string[index] == "=" else {
                // Not key=value at all; move on rather than stall.
                if index < string.endIndex { index = string.index(after: index) }
                continue
            }
            index = string.index(after: index)
            skipSpace()
            let valueStart = index
            // A value runs to the next white space outside quotes; text glued to a closing quote
            // (libpq would reject it) is taken as part of the value so that it is masked too.
            while index < string.endIndex, !string[index].isWhitespace {
                if string[index] == "'" {
                    index = string.index(after: index)
                    while index < string.endIndex, string[index] != "'" {
                        if string[index] == "\\" { index = string.index(after: index) }
                        if index < string.endIndex { index = string.index(after: index) }
                    }
                    if index < string.endIndex { index = string.index(after: index) }  // closing quote
                } else {
                    if string[index] == "\\" { index = string.index(after: index) }
                    if index < string.endIndex { index = string.index(after: index) }
                }
            }
            if key == "password", valueStart < index {
                ranges.append(valueStart..<index)
            }
        }
        return ranges
    }
}
