import ConformanceHTTP
import Foundation

/// Better Auth's wire protocol as a non-browser client speaks it (shared/reference/better-auth.md):
/// JSON POSTs with an `Origin` equal to the auth base URL, the session cookie sent back exactly as
/// set, and patience on 429 as `X-Retry-After` says.
public struct BetterAuthClient: Sendable {
    public let session: any APISession
    public let baseURL: String
    public let origin: String
    /// Longest single wait on a 429, and how many times to wait before giving up.
    public var maxRetryWait: Double = 30
    public var maxRetries = 6
    let waits: Locked<[Double]> = Locked([])

    public init(session: any APISession, baseURL: String) {
        self.session = session
        self.baseURL = baseURL
        self.origin = Target.origin(of: baseURL)
    }

    /// Seconds spent waiting on rate limits, for the report.
    public var rateLimitWaits: [Double] { waits.current }

    public func url(_ path: String) -> String { Target.join(baseURL, path) }

    public func post(_ path: String, json: JSONValue, cookie: String? = nil) async -> Exchange {
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Origin", origin)]
        if let cookie { headers.append(HTTPHeader("Cookie", cookie)) }
        return await withRetry { await session.send("POST", url(path), headers: headers, body: HTTPSession.jsonBody(json)) }
    }

    public func get(_ path: String, cookie: String? = nil, bearer: String? = nil) async -> Exchange {
        var headers: [HTTPHeader] = []
        if let cookie { headers.append(HTTPHeader("Cookie", cookie)) }
        if let bearer { headers = Credential.bearer(bearer).adding(to: headers) }
        return await withRetry { await session.send("GET", url(path), headers: headers) }
    }

    public func signUp(email: String, password: String, name: String) async -> Exchange {
        await post("/sign-up/email", json: ["email": .string(email), "password": .string(password), "name": .string(name)])
    }

    public func signIn(email: String, password: String) async -> Exchange {
        await post("/sign-in/email", json: ["email": .string(email), "password": .string(password)])
    }

    public func getSession(cookie: String) async -> Exchange { await get("/get-session", cookie: cookie) }
    public func token(cookie: String) async -> Exchange { await get("/token", cookie: cookie) }
    public func jwks() async -> Exchange { await get("/jwks") }
    public func signOut(cookie: String) async -> Exchange { await post("/sign-out", json: .object(JSONObject()), cookie: cookie) }

    private func withRetry(_ send: () async -> Exchange) async -> Exchange {
        var attempt = 0
        while true {
            let ex = await send()
            guard ex.status == 429, attempt < maxRetries else { return ex }
            attempt += 1
            // Better Auth says `X-Retry-After` (seconds); accept the standard `Retry-After` too.
            let header = ex.response?.header("x-retry-after") ?? ex.response?.header("retry-after")
            let wait = min(maxRetryWait, max(0.5, header.flatMap(Double.init) ?? Double(attempt * 2)))
            waits.withLock { $0.append(wait) }
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
    }

    // MARK: reading answers

    /// The `Cookie` header to send back: every cookie the server set with a non-empty value.
    public static func cookieHeader(from response: HTTPResponse?) -> String? {
        guard let response else { return nil }
        let pairs = response.headers(named: "set-cookie").compactMap { line -> String? in
            guard let pair = line.split(separator: ";", maxSplits: 1).first else { return nil }
            let p = pair.trimmingCharacters(in: .whitespaces)
            guard let eq = p.firstIndex(of: "="), p.index(after: eq) < p.endIndex else { return nil }
            return p
        }
        return pairs.isEmpty ? nil : pairs.joined(separator: "; ")
    }

    /// The session token: the answer's `token`, else the session cookie's part before the dot.
    public static func sessionToken(from ex: Exchange) -> String? {
        if let t = ex.json?["token"]?.stringValue, !t.isEmpty { return t }
        guard let cookie = cookieHeader(from: ex.response) else { return nil }
        for pair in cookie.split(separator: ";") {
            let p = pair.trimmingCharacters(in: .whitespaces)
            guard p.hasPrefix("better-auth.session_token=") || p.hasPrefix("__Secure-better-auth.session_token="),
                  let eq = p.firstIndex(of: "=") else { continue }
            let value = String(p[p.index(after: eq)...]).removingPercentEncoding ?? ""
            return value.split(separator: ".").first.map(String.init)
        }
        return nil
    }
}
