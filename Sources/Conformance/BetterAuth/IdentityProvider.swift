import ConformanceCrypto
import ConformanceHTTP
import Foundation

/// Where users come from: Better Auth (the default) or an app's own register/login routes.
public protocol IdentityProvider: Sendable {
    func create(logicalName: String, email: String, password: String, name: String) async throws -> Identity
    /// Signs in again with the identity's credentials; the exchange is what a `signIn` step judges.
    func signIn(_ identity: Identity) async -> (Exchange, Identity?)
    /// A fresh API token for the identity.
    func refreshToken(_ identity: Identity) async -> (Exchange?, Identity)
    /// Signs in with the given credentials only, for impostor probes (wrong password, someone else's email).
    func attemptSignIn(email: String, password: String) async -> Exchange
    func attemptSignUp(email: String, password: String, name: String) async -> Exchange
}

/// Better Auth through its HTTP API; every JWT it hands out is checked against its JWKS.
public final class BetterAuthProvider: IdentityProvider {
    public let client: BetterAuthClient
    let tokenSource: Target.TokenSource
    let redactor: Redactor
    /// The key set and its body as published, fetched once a run (again when a token names a
    /// key id it lacks).
    let cachedJWKS = Locked<(keys: JWKS, published: String)?>(nil)

    public init(client: BetterAuthClient, tokenSource: Target.TokenSource, redactor: Redactor) {
        self.client = client
        self.tokenSource = tokenSource
        self.redactor = redactor
    }

    public func jwks(refresh: Bool = false) async -> JWKS? {
        await publishedJWKS(refresh: refresh)?.keys
    }

    /// The key set with the text the auth server published it as (what a forged-key probe
    /// imitates).
    public func publishedJWKS(refresh: Bool = false) async -> (keys: JWKS, published: String)? {
        if !refresh, let cached = cachedJWKS.current { return cached }
        let ex = await client.jwks()
        guard ex.status == 200, let json = ex.json, let j = try? JWKS(json: json) else { return nil }
        let fetched = (keys: j, published: ex.bodyText)
        cachedJWKS.withLock { $0 = fetched }
        return fetched
    }

    public func create(logicalName: String, email: String, password: String, name: String) async throws -> Identity {
        redactor.add(password)
        let ex = await client.signUp(email: email, password: password, name: name)
        if let e = ex.transportError {
            throw IdentityError(message: "Better Auth at \(client.baseURL) is unreachable: \(e.message)", exchange: ex, unreachable: true)
        }
        guard ex.status == 200, let user = ex.json?["user"], let id = user["id"]?.stringValue else {
            throw IdentityError(message: "sign-up of \(logicalName) answered \(ex.status ?? 0), not 200 with a user", exchange: ex,
                                unreachable: (ex.status ?? 0) >= 500)
        }
        var identity = Identity(logicalName: logicalName, id: id, email: email, name: name, password: password, signUp: ex)
        identity.cookie = BetterAuthClient.cookieHeader(from: ex.response)
        identity.sessionToken = BetterAuthClient.sessionToken(from: ex)
        if identity.cookie == nil {
            // autoSignIn off or verification required: sign in explicitly.
            let (_, signedIn) = await signIn(identity)
            if let signedIn { identity = signedIn }
        }
        registerSecrets(identity)
        let (_, withToken) = await refreshToken(identity)
        return withToken
    }

    public func signIn(_ identity: Identity) async -> (Exchange, Identity?) {
        let ex = await client.signIn(email: identity.email, password: identity.password)
        guard ex.status == 200 else { return (ex, nil) }
        var updated = identity
        updated.cookie = BetterAuthClient.cookieHeader(from: ex.response) ?? identity.cookie
        updated.sessionToken = BetterAuthClient.sessionToken(from: ex) ?? identity.sessionToken
        registerSecrets(updated)
        return (ex, updated)
    }

    public func refreshToken(_ identity: Identity) async -> (Exchange?, Identity) {
        var updated = identity
        var ex: Exchange?
        switch tokenSource {
        case .sessionToken:
            updated.apiToken = identity.sessionToken
        case .jwtEndpoint:
            guard let cookie = identity.cookie else { break }
            let e = await client.token(cookie: cookie)
            ex = e
            updated.apiToken = e.json?["token"]?.stringValue
        case .sessionHeader:
            guard let cookie = identity.cookie else { break }
            let e = await client.getSession(cookie: cookie)
            ex = e
            updated.apiToken = e.response?.header("set-auth-jwt")
        }
        updated.tokenExchange = ex ?? identity.tokenExchange
        redactor.add(updated.apiToken)
        if tokenSource != .sessionToken, let token = updated.apiToken {
            var jwks = await self.jwks()
            var problems = JWTVerifier.problems(token: token, jwks: jwks, expectedSubject: identity.id)
            if problems.contains(where: { $0.contains("not in the JWKS") }) {
                // Keys are minted lazily and may rotate: fetch once more before calling it a problem.
                jwks = await self.jwks(refresh: true)
                problems = JWTVerifier.problems(token: token, jwks: jwks, expectedSubject: identity.id)
            }
            updated.tokenProblems = problems
        } else if updated.apiToken == nil {
            updated.tokenProblems = ["no API token could be obtained (\(tokenSource.rawValue))"]
        }
        return (ex, updated)
    }

    public func attemptSignIn(email: String, password: String) async -> Exchange {
        redactor.add(password)
        let ex = await client.signIn(email: email, password: password)
        redactor.add(BetterAuthClient.sessionToken(from: ex))
        return ex
    }

    public func attemptSignUp(email: String, password: String, name: String) async -> Exchange {
        redactor.add(password)
        let ex = await client.signUp(email: email, password: password, name: name)
        redactor.add(BetterAuthClient.sessionToken(from: ex))
        return ex
    }

    func registerSecrets(_ i: Identity) {
        redactor.add(i.password)
        redactor.add(i.sessionToken)
        redactor.add(i.apiToken)
        for part in (i.cookie ?? "").split(separator: ";") {
            if let eq = part.firstIndex(of: "=") { redactor.add(String(part[part.index(after: eq)...])) }
        }
    }
}

/// An app's own register/login routes, described in the target.
public final class CustomIdentityProvider: IdentityProvider {
    let session: any APISession
    let config: CustomIdentity
    let redactor: Redactor

    public init(session: any APISession, config: CustomIdentity, redactor: Redactor) {
        self.session = session
        self.config = config
        self.redactor = redactor
    }

    func post(_ path: String, _ body: JSONTemplate, email: String, password: String, name: String) async -> Exchange {
        let values: [String: JSONValue] = ["email": .string(email), "password": .string(password), "name": .string(name)]
        let json = body.render { values[$0] ?? .null }
        return await session.send("POST", Target.join(config.baseURL, path),
                                  headers: [HTTPHeader("Content-Type", "application/json")], body: HTTPSession.jsonBody(json))
    }

    public func create(logicalName: String, email: String, password: String, name: String) async throws -> Identity {
        redactor.add(password)
        let ex = await post(config.signUpPath, config.signUpBody, email: email, password: password, name: name)
        if let e = ex.transportError {
            throw IdentityError(message: "the sign-up route at \(config.baseURL) is unreachable: \(e.message)", exchange: ex, unreachable: true)
        }
        guard let status = ex.status, (200..<300).contains(status), let json = ex.json,
              let idValue = config.userIdPath.first(in: json), idValue.stringValue != nil || idValue.numberValue != nil,
              case let id = idValue.plainText, !id.isEmpty else {
            throw IdentityError(message: "sign-up of \(logicalName) answered \(ex.status ?? 0) without a user id at \(config.userIdPath)",
                                exchange: ex, unreachable: false)
        }
        var identity = Identity(logicalName: logicalName, id: id, email: email, name: name, password: password, signUp: ex)
        identity.idValue = idValue
        identity.apiToken = config.tokenPath.first(in: json)?.stringValue
        if identity.apiToken == nil {
            let (_, signedIn) = await signIn(identity)
            if let signedIn { identity = signedIn }
        }
        redactor.add(identity.apiToken)
        return identity
    }

    public func signIn(_ identity: Identity) async -> (Exchange, Identity?) {
        let ex = await attemptSignIn(email: identity.email, password: identity.password)
        guard let status = ex.status, (200..<300).contains(status), let json = ex.json,
              let token = config.tokenPath.first(in: json)?.stringValue else { return (ex, nil) }
        var updated = identity
        updated.apiToken = token
        redactor.add(token)
        return (ex, updated)
    }

    public func refreshToken(_ identity: Identity) async -> (Exchange?, Identity) {
        let (ex, updated) = await signIn(identity)
        return (ex, updated ?? identity)
    }

    public func attemptSignIn(email: String, password: String) async -> Exchange {
        redactor.add(password)
        let ex = await post(config.signInPath, config.signInBody, email: email, password: password, name: "")
        if let json = ex.json { redactor.add(config.tokenPath.first(in: json)?.stringValue) }
        return ex
    }

    public func attemptSignUp(email: String, password: String, name: String) async -> Exchange {
        redactor.add(password)
        let ex = await post(config.signUpPath, config.signUpBody, email: email, password: password, name: name)
        if let json = ex.json { redactor.add(config.tokenPath.first(in: json)?.stringValue) }
        return ex
    }
}

/// An app without login (`"identity": "none"`): the harness picks each user's id — the local part
/// of the run's test address, so it is unique to the run and clean-up can trust it — and sends
/// no credentials. Nothing here talks to the app.
public struct NoLoginProvider: IdentityProvider {
    public init() {}

    public static let reason = "the target says the app has no login (\"identity\": \"none\")"

    public func create(logicalName: String, email: String, password: String, name: String) async throws -> Identity {
        let id = email.split(separator: "@").first.map(String.init) ?? logicalName
        var identity = Identity(logicalName: logicalName, id: id, email: email, name: name, password: password, signUp: nil)
        identity.idValue = .string(id)
        return identity
    }

    public func signIn(_ identity: Identity) async -> (Exchange, Identity?) { (Self.noLogin(), nil) }
    public func refreshToken(_ identity: Identity) async -> (Exchange?, Identity) { (nil, identity) }
    public func attemptSignIn(email: String, password: String) async -> Exchange { Self.noLogin() }
    public func attemptSignUp(email: String, password: String, name: String) async -> Exchange { Self.noLogin() }

    /// What a sign-in "answers" when there is nothing to sign in to: no request went out.
    static func noLogin() -> Exchange {
        Exchange(request: HTTPRequest(method: "POST", url: "about:no-login"), response: nil,
                 transportError: HTTPTransportError(kind: .other, message: reason, url: "about:no-login"), seconds: 0)
    }
}
