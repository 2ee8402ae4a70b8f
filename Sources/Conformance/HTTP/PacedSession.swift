import ConformanceHTTP
import Foundation

/// The one queue every identity request of a run goes through (sign-up, sign-in, token, session,
/// JWKS; Better Auth's or an app's own routes), shared by all scenarios and jobs.
///
/// An auth server that rate-limits (Better Auth in production: 3 sign-ups or sign-ins per 10 s
/// per path, one bucket for every client when it sees no client IP) answers 429 with how long to
/// wait. Clients that each sleep exactly that long wake together and lose together. Here, once a
/// route has answered 429, its requests go one at a time: only the head of the line waits out the
/// window (plus jitter, so that other clients of the same server do not wake in step with it),
/// and those behind it follow as soon as it gets through, so each window costs at most one 429.
///
/// Patience is a deadline, not a count: a request gives up when its route has let none of the
/// run's requests through for `patience` seconds. The 429 it then hands back carries a
/// `rateLimited` transport error, so the caller's setup fails as an error (the server could not
/// be used), never as a finding about the app.
public final class PacedSession: APISession {
    public let base: any APISession
    /// Seconds a route may refuse every request with 429 before its requests give up.
    public let patience: Double
    /// The scenario on whose behalf a request goes out, so that each wait is reported where it
    /// was spent. A task-local: the user pool creates users in tasks that inherit it.
    @TaskLocal public static var scenario: String?

    private let buckets = Locked<[String: PaceBucket]>([:])
    private let recorded = Locked<[RateLimitWait]>([])

    public static let defaultPatience: Double = 120

    public init(base: any APISession, patience: Double = PacedSession.defaultPatience) {
        self.base = base
        self.patience = patience
    }

    public var timeout: Double { base.timeout }

    /// Every wait and every give-up so far, in the order they happened.
    public var waits: [RateLimitWait] { recorded.current }

    /// The asked-for wait plus up to a quarter second and a tenth of the wait: late enough to find
    /// the window open, spread enough that clients sharing the bucket do not arrive together.
    public static func spread(_ asked: Double) -> Double {
        asked + Double.random(in: 0...(0.25 + asked / 10))
    }

    public func send(_ req: HTTPRequest) async -> Exchange {
        let key = Self.bucketKey(req.url)
        let bucket = buckets.withLock { all in
            if let b = all[key.id] { return b }
            let b = PaceBucket()
            all[key.id] = b
            return b
        }
        // Holding the bucket means being the one request of this route allowed out; a route that
        // has never answered 429 lets everyone through at once.
        var turn = await bucket.enter()
        while true {
            if turn != .free, Task.isCancelled {
                await bucket.leave()
                return Self.cancelled(req)
            }
            let ex = await base.send(req)
            guard ex.status == 429 else {
                if ex.response != nil { await bucket.progressed() }
                if turn != .free { await bucket.leave() }
                return ex
            }
            let refusingSince = await bucket.refused()
            if turn == .free {
                // The first 429s of the route (several may arrive at once): from now on in line.
                // One that had to wait for its turn comes after the head of the line got through
                // (or gave up), so it tries at once; the head waits out the window its 429 named.
                await bucket.startPacing()
                turn = await bucket.enter()
                if turn == .handedOver { continue }
            }
            let asked = Self.retryAfter(ex.response) ?? 2
            let wait = max(0.05, Self.spread(asked))
            let refusedFor = Date().timeIntervalSince(refusingSince)
            if refusedFor + wait > patience {
                record(key, seconds: 0, gaveUp: true)
                await bucket.leave()
                return Self.exhausted(ex, asked: asked, refusedFor: refusedFor, patience: patience)
            }
            record(key, seconds: wait, gaveUp: false)
            do {
                try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
            } catch {
                await bucket.leave()
                return Self.cancelled(req)
            }
        }
    }

    private func record(_ key: BucketKey, seconds: Double, gaveUp: Bool) {
        let wait = RateLimitWait(route: key.route, seconds: seconds, scenario: Self.scenario, gaveUp: gaveUp)
        recorded.withLock { $0.append(wait) }
    }

    // MARK: reading requests and answers

    struct BucketKey {
        /// Origin and path: rate limiters key on the path (and the client), never on the query.
        var id: String
        /// The path as reports show it.
        var route: String
    }

    static func bucketKey(_ url: String) -> BucketKey {
        let origin = Target.origin(of: url)
        var rest = url.hasPrefix(origin) ? String(url.dropFirst(origin.count)) : url
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = String(rest[..<cut]) }
        if rest.isEmpty { rest = "/" }
        return BucketKey(id: origin + rest, route: rest)
    }

    /// Better Auth's `X-Retry-After`, else the standard `Retry-After` (seconds or an HTTP date).
    static func retryAfter(_ response: HTTPResponse?, now: Date = Date()) -> Double? {
        guard let response else { return nil }
        for name in ["x-retry-after", "retry-after"] {
            guard let raw = response.header(name)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { continue }
            if let seconds = Double(raw), seconds.isFinite, seconds >= 0 { return seconds }
            if let date = httpDate(raw) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    static func httpDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: text)
    }

    static func exhausted(_ ex: Exchange, asked: Double, refusedFor: Double, patience: Double) -> Exchange {
        var out = ex
        let message = String(format: "rate-limited: %@ answered 429 (retry after %.0f s) having refused the run's requests for %.0f s; waiting would outlast the patience of %.0f s (--rate-limit-patience)",
                             bucketKey(ex.request.url).route, asked, refusedFor, patience)
        out.transportError = HTTPTransportError(kind: .rateLimited, message: message, url: ex.request.url)
        return out
    }

    static func cancelled(_ req: HTTPRequest) -> Exchange {
        let e = HTTPTransportError(kind: .cancelled, message: "the run was interrupted", url: req.url)
        return Exchange(request: req, response: nil, transportError: e, seconds: 0)
    }
}

/// One wait on a rate limit (or the give-up that ended the waiting), as the reports show it.
public struct RateLimitWait: Sendable, Equatable {
    /// The request's path ("/api/auth/sign-up/email").
    public var route: String
    public var seconds: Double
    /// The scenario the request was made for; nil outside any scenario.
    public var scenario: String?
    /// True for the request that gave up when the patience ran out (its `seconds` is 0).
    public var gaveUp: Bool

    /// One line for the run's notes: waits and give-ups per route.
    public static func summary(_ waits: [RateLimitWait]) -> String? {
        guard !waits.isEmpty else { return nil }
        var routes: [String] = []
        var byRoute: [String: [RateLimitWait]] = [:]
        for w in waits {
            if byRoute[w.route] == nil { routes.append(w.route) }
            byRoute[w.route, default: []].append(w)
        }
        let parts = routes.map { route -> String in
            let list = byRoute[route] ?? []
            let slept = list.filter { !$0.gaveUp }
            var part = String(format: "%@ %d wait(s), %.1f s", route, slept.count, slept.reduce(0) { $0 + $1.seconds })
            let gaveUp = list.count - slept.count
            if gaveUp > 0 { part += ", \(gaveUp) request(s) gave up" }
            return part
        }
        let total = waits.reduce(0) { $0 + $1.seconds }
        return String(format: "the auth server rate-limited the run; identity requests waited %.1f s in all: ", total) + parts.joined(separator: "; ")
    }
}

/// One route's line: who may send, and since when the route has refused the run's requests.
actor PaceBucket {
    enum Turn: Equatable {
        /// The route has never answered 429: no line.
        case free
        /// The line was empty: the caller holds the route at once.
        case first
        /// The caller waited in line and now holds the route.
        case handedOver
    }

    private var paced = false
    private var held = false
    private var line: [CheckedContinuation<Void, Never>] = []
    /// The first 429 since the route last answered anything else.
    private var refusingSince: Date?

    /// Waits for this request's turn on a paced route; unless `.free`, the caller then holds the
    /// route and must `leave()` it. Turns are handed over in arrival order.
    func enter() async -> Turn {
        guard paced else { return .free }
        guard held else {
            held = true
            return .first
        }
        await withCheckedContinuation { line.append($0) }
        return .handedOver
    }

    func leave() {
        if line.isEmpty { held = false } else { line.removeFirst().resume() }
    }

    func startPacing() { paced = true }

    /// A 429: returns since when the route has refused without a break.
    func refused() -> Date {
        if let since = refusingSince { return since }
        let now = Date()
        refusingSince = now
        return now
    }

    func progressed() { refusingSince = nil }
}
