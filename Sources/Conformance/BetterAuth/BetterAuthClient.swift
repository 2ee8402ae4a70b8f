import ConformanceHTTP
import Foundation

/// Better Auth's wire protocol as a non-browser client speaks it (shared/reference/better-auth.md):
/// JSON POSTs with an `Origin` equal to the auth base URL, the session cookie sent back exactly as
/// set. Patience on 429 is the session's business: the run hands it a `PacedSession`, shared by
/// every identity request, so that its waits are paced together instead of each on its own.
public struct BetterAuthClient: Sendable {
    public let session: any APISession
    public let baseURL: String
    public let origin: String

    public init(session: any APISession, baseURL: String) {
        self.session = session
        self.baseURL = baseURL
        self.origin = Target.origin(of: baseURL)
    }

    public func url(_ path: String) -> String { Target.join(baseURL, path) }

    public func post(_ path: String, json: JSONValue, cookie: String? = nil) async -> Exchange {
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Origin", origin)]
        if let cookie { headers.append(HTTPHeader("Cookie", cookie)) }
        return await session.send("POST", url(path), headers: headers, body: HTTPSession.jsonBody(json))
    }

    public func get(_ path: String, cookie: String? = nil, bearer: String? = nil) async -> Exchange {
        var headers: [HTTPHeader] = []
        if let cookie { headers.append(HTTPHeader("Cookie", cookie)) }
        if let bearer { headers = Credential.bearer(bearer).adding(to: headers) }
        return await session.send("GET", url(path), headers: headers)
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
