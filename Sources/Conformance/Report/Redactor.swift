import Foundation

/// The one place every output passes through: passwords, cookies, session tokens, JWTs,
/// `Authorization` values, the database password and `BETTER_AUTH_SECRET` are masked wherever
/// they appear. Exact secrets are registered as they come into being; patterns catch the rest
/// (a JWT the app echoed, a password in a URL or a JSON body).
///
/// Every report line passes through here, so a text is read once, as UTF-8 bytes, looking for
/// all secrets and all patterns at each position; where two matches overlap, the union of both
/// is masked, so that no piece of either is left. A text without a match comes back as it was.
public final class Redactor: Sendable {
    private struct State {
        var secrets: Set<String> = []
        /// Bumped whenever `secrets` grows; `matcher` was compiled from version `compiled`.
        var version = 0
        var matcher = SecretMatcher()
        var compiled = 0
    }

    private let state = Locked(State())
    public static let mask = "«redacted»"
    private static let maskBytes = Array(mask.utf8)

    /// Nanoseconds spent redacting, over the redactor's life: scripts/bench shows the share of a run.
    private let spent = Locked<UInt64>(0)
    public var secondsSpent: Double { Double(spent.current) / 1e9 }

    public init() {}

    /// Registers a secret; short values are ignored so that "a" or "1" never blanks a report.
    public func add(_ secret: String?) {
        guard let secret, secret.count >= 6 else { return }
        var forms = [secret]
        // Cookies carry URL-encoded forms; tokens appear percent-encoded in URLs.
        if let enc = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), enc != secret { forms.append(enc) }
        if let dec = secret.removingPercentEncoding, dec != secret, dec.count >= 6 { forms.append(dec) }
        state.withLock { s in
            for form in forms where s.secrets.insert(form).inserted { s.version += 1 }
        }
    }

    /// The matcher for the current secrets. Compiled under the lock, so that tasks redacting at
    /// the same time after a new secret compile it once between them, not once each.
    private func matcher() -> SecretMatcher {
        state.withLock { s in
            if s.compiled != s.version {
                s.matcher = SecretMatcher(s.secrets)
                s.compiled = s.version
            }
            return s.matcher
        }
    }

    public func redact(_ text: String) -> String {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { spent.withLock { $0 &+= DispatchTime.now().uptimeNanoseconds &- start } }
        let matcher = matcher()
        var text = text  // `withUTF8` may need to make a bridged string contiguous
        let spans = text.withUTF8 { Self.spans(in: $0, matcher) }
        guard !spans.isEmpty else { return text }
        return text.withUTF8 { Self.replace(spans, in: $0) }
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

    /// Every match in `p`, unsorted: the rules that fire at `:` or `=` find a span that starts
    /// after that byte, behind matches found at the bytes in between.
    static func spans(in p: UnsafeBufferPointer<UInt8>, _ matcher: SecretMatcher) -> [MaskSpan] {
        var spans: [MaskSpan] = []
        // End of the furthest match so far: a mask inside a match is only text.
        var covered = 0
        // How far the last attempt of a rule read: a later attempt starting inside that stretch
        // would end where it ended, so it is not made again (no quadratic time on `eyJeyJeyJ…`).
        var jwtRead = 0, urlRead = 0, formRead = 0
        let keys = PasswordKeys.shared
        matcher.withFinder { finder in
            PatternRules.triggers.withUnsafeBufferPointer { triggers in
                maskBytes.withUnsafeBufferPointer { mask in
                    let lastStart = p.count - finder.minLength
                    var i = 0
                    while i < p.count {
                        let t = triggers[Int(p[i])]
                        // Most bytes start nothing: one look-up and one bit test, then the next.
                        if t == 0 && (i > lastStart || !finder.mayStart(p[i], p[i + 1])) {
                            i += 1
                            continue
                        }
                        if let trigger = PatternRules.Trigger(rawValue: t) {
                            var found: MaskSpan?
                            switch trigger {
                            case .jwt where i >= jwtRead: found = PatternRules.jwt(p, at: i, read: &jwtRead)
                            case .bearer: found = PatternRules.bearer(p, at: i)
                            case .colon where i >= urlRead: found = PatternRules.colon(p, at: i, keys, read: &urlRead)
                            case .colon: found = PatternRules.jsonValue(p, at: i, keys)
                            case .equals where i >= formRead: found = PatternRules.formValue(p, at: i, keys, read: &formRead)
                            case .maskStart where i >= covered && startsWith(p, mask, at: i):
                                // An earlier redaction's mask is kept as it is: redacting twice changes nothing.
                                i += mask.count
                                continue
                            default: break
                            }
                            if let found {
                                spans.append(found)
                                covered = max(covered, found.end)
                            }
                        }
                        let length = finder.longest(in: p, at: i)
                        if length > 0 {
                            spans.append(MaskSpan(start: i, end: i + length))
                            covered = max(covered, i + length)
                        }
                        i += 1
                    }
                }
            }
        }
        return spans
    }

    @inline(__always) static func startsWith(_ p: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard prefix.count <= p.count - i else { return false }
        for k in 0..<prefix.count where p[i + k] != prefix[k] { return false }
        return true
    }

    /// `p` with each span replaced by the mask. Overlapping spans become one mask; adjacent
    /// ones stay two, as two secrets written one after the other.
    static func replace(_ spans: [MaskSpan], in p: UnsafeBufferPointer<UInt8>) -> String {
        var merged: [MaskSpan] = []
        for s in spans.sorted(by: { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }) {
            if let last = merged.last, s.start < last.end {
                merged[merged.count - 1].end = max(last.end, s.end)
                if s.start == last.start && s.space { merged[merged.count - 1].space = true }
            } else {
                merged.append(s)
            }
        }
        let size = merged.reduce(p.count) { $0 + maskBytes.count + ($1.space ? 1 : 0) - ($1.end - $1.start) }
        return String(unsafeUninitializedCapacity: size) { out in
            guard let to = out.baseAddress, let from = p.baseAddress else { return 0 }
            var o = 0, i = 0
            func copy(_ source: UnsafePointer<UInt8>, _ count: Int) {
                (to + o).initialize(from: source, count: count)
                o += count
            }
            maskBytes.withUnsafeBufferPointer { mask in
                guard let maskStart = mask.baseAddress else { return }
                for m in merged {
                    copy(from + i, m.start - i)
                    if m.space {
                        to[o] = UInt8(ascii: " ")
                        o += 1
                    }
                    copy(maskStart, mask.count)
                    i = m.end
                }
            }
            copy(from + i, p.count - i)
            return o
        }
    }

    /// Redacts `texts` with `secrets` registered and says how long it took and how many bytes
    /// it read, for scripts/bench. The first text pays for compiling the secrets, as in a run.
    public static func benchmark(texts: [String], secrets: [String]) -> (seconds: Double, bytes: Int) {
        let redactor = Redactor()
        for secret in secrets { redactor.add(secret) }
        var bytes = 0, written = 0
        let elapsed = ContinuousClock().measure {
            for text in texts {
                bytes += text.utf8.count
                written += redactor.redact(text).utf8.count
            }
        }
        // Using the output keeps the work from being optimised away.
        guard written >= 0 else { return (0, 0) }
        let parts = elapsed.components
        return (Double(parts.seconds) + Double(parts.attoseconds) / 1e18, bytes)
    }
}
