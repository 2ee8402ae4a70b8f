import ConformanceCrypto
import Foundation

/// A key that makes tokens the target must treat as genuinely signed: the auth server's own JWKS
/// key recovered from the database, or — when the app's genuine tokens are HS256 — its secret.
/// With one, a refused expired or wrong-audience token proves the claim check, not the signature check.
public enum GenuineSigner: Sendable {
    case jwk(RecoveredSigningKey)
    case hmac(secret: [UInt8])

    /// The signer for tokens shaped like `genuine`: the recovered key for an asymmetric token,
    /// the secret for an HS256 one; nil (with why) when neither fits.
    public static func choose(for genuine: JWT, recovered: Result<RecoveredSigningKey, SigningKeyRecovery.Failure>?,
                              secret: String?) -> Result<GenuineSigner, SigningKeyRecovery.Failure> {
        if genuine.algorithm == JWSAlgorithm.HS256.rawValue {
            guard let secret, !secret.isEmpty else { return .failure(.init(TokenForge.noKeyReason)) }
            return .success(.hmac(secret: Array(secret.utf8)))
        }
        switch recovered {
        case .success(let key)?: return .success(.jwk(key))
        case .failure(let f)?: return .failure(secret == nil ? .init(TokenForge.noKeyReason) : f)
        case nil: return .failure(.init(TokenForge.noKeyReason))
        }
    }
}

/// Turns one genuine token into the broken and forged credentials of the credential attacks.
/// Pure: every probe is built from the inputs alone (plus fresh randomness for the unknown key),
/// so each can be checked offline against a fixture.
public struct TokenForge: Sendable {
    /// One credential to send in place of the genuine one.
    public struct Probe: Sendable {
        public enum Kind: Sendable, Equatable {
            /// A token that looks like a JWT but must not be trusted (oracle `ForgedTokenAccepted`).
            case forgedToken
            /// No usable credential at all (oracle `UnauthenticatedAccess`).
            case brokenHeader
        }

        public enum Payload: Sendable {
            case send(Credential)
            /// The probe cannot be built here; the reason becomes the skipped case's message.
            case unavailable(String)
        }

        public var name: String
        public var kind: Kind
        /// What was changed, for a judge reading the evidence; never the token itself.
        public var summary: String
        public var payload: Payload
        /// Set when the probe changes a claim the app's own tokens do not carry (a wrong `iss`
        /// for an app that issues none): accepting it breaks no rule the app set, so an
        /// acceptance is a note, not a failure. Says which claim.
        public var claimNotIssued: String?

        /// The bearer token the probe carries, for the redactor. Header probes carry nothing
        /// secret, and registering "Bearer" would mask that word in every report.
        public var token: String? {
            guard case .send(.bearer(let t)) = payload else { return nil }
            return t
        }

        public var oracle: Oracle { kind == .forgedToken ? .forgedTokenAccepted : .unauthenticatedAccess }
    }

    /// What the forge works from.
    public struct Material: Sendable {
        /// The caller's genuine API token, parsed; nil when the API token is not a JWT.
        public var genuine: JWT?
        /// Why there is no genuine JWT (shown on every forged probe).
        public var genuineProblem: String
        public var jwks: JWKS?
        /// The JWKS document exactly as the auth server sent it (algorithm confusion keys on its bytes).
        public var publishedJWKS: String?
        public var secret: String?
        public var signer: Result<GenuineSigner, SigningKeyRecovery.Failure>
        /// Put in `sub` by the altered-payload probe: another user's id.
        public var otherSubject: String
        /// The Better Auth session token, for the "session token where a JWT is expected" probe.
        public var sessionToken: String?
        /// True when the API's own bearer is the session token: that probe is then no forgery.
        public var sessionTokenIsTheCredential: Bool
        /// The user part of the Basic probe (an email the app knows, with a password it does not).
        public var basicUser: String
        public var now: Date

        public init(genuine: JWT?, genuineProblem: String = "the API token is not a JWT", jwks: JWKS?, publishedJWKS: String?,
                    secret: String?, signer: Result<GenuineSigner, SigningKeyRecovery.Failure>, otherSubject: String,
                    sessionToken: String?, sessionTokenIsTheCredential: Bool = false, basicUser: String, now: Date = Date()) {
            self.genuine = genuine
            self.genuineProblem = genuineProblem
            self.jwks = jwks
            self.publishedJWKS = publishedJWKS
            self.secret = secret
            self.signer = signer
            self.otherSubject = otherSubject
            self.sessionToken = sessionToken
            self.sessionTokenIsTheCredential = sessionTokenIsTheCredential
            self.basicUser = basicUser
            self.now = now
        }
    }

    /// The reason given when the harness cannot sign like the auth server (issue 4, item 5).
    public static let noKeyReason = "no BETTER_AUTH_SECRET and no readable jwks private key"
    /// Where forged `iss`/`aud` point: a reserved name (RFC 2606) no deployment can own.
    public static let impostorOrigin = "https://impostor.conformance.invalid"

    public let material: Material

    public init(_ material: Material) { self.material = material }

    /// Every probe, header probes first; unavailable ones are kept so the report says why.
    public func probes() -> [Probe] {
        headerProbes() + forgedProbes()
    }

    // MARK: probes without a JWT

    func headerProbes() -> [Probe] {
        let basic = Base64URL.encode(Array("\(material.basicUser):\(SecureRandom.alphanumeric(16))".utf8))
        return [
            Probe(name: "no Authorization header", kind: .brokenHeader, summary: "no Authorization header at all", payload: .send(.none)),
            Probe(name: "empty Bearer", kind: .brokenHeader, summary: "Authorization: Bearer, with no token", payload: .send(.rawAuthorization("Bearer"))),
            // Standard base64 is what Basic uses; base64url differs only in '-'/'_', which a
            // random alphanumeric password never produces, but padding must be restored.
            Probe(name: "Basic credentials", kind: .brokenHeader, summary: "Authorization: Basic with a known email and a wrong password",
                  payload: .send(.rawAuthorization("Basic " + Self.padded(basic)))),
            // Named so that the redactor's "Bearer <token>" pattern leaves the case name readable.
            Probe(name: "non-JWT bearer value", kind: .brokenHeader, summary: "an Authorization header whose bearer value is not-a-jwt",
                  payload: .send(.rawAuthorization("Bearer not-a-jwt"))),
        ]
    }

    // MARK: forged JWTs

    func forgedProbes() -> [Probe] {
        var out: [Probe] = []
        if let genuine = material.genuine {
            out += [algNone(genuine), stripped(genuine), altered(genuine), unknownKey(genuine), hs256Secret(genuine)]
            out += algorithmConfusion(genuine)
            out += [wrongIssuer(genuine), wrongAudience(genuine), expired(genuine)]
        } else {
            for name in Self.forgedNames {
                out.append(Probe(name: name, kind: .forgedToken, summary: name,
                                 payload: .unavailable("\(material.genuineProblem): there is no genuine JWT to forge from")))
            }
        }
        out.append(sessionTokenAsJWT())
        return out
    }

    /// The header probes' names, in the order `headerProbes()` builds them (the plan prints them).
    static let headerNames = ["no Authorization header", "empty Bearer", "Basic credentials", "non-JWT bearer value"]
    static let sessionTokenName = "session token as bearer"

    /// The forged probes' names, also listed when they cannot be built so the report stays complete.
    static let forgedNames = ["alg none", "stripped signature", "altered payload", "unknown signing key",
                              "HS256 with BETTER_AUTH_SECRET"] + KeyEncoding.allCases.map(\.probeName) + ["wrong iss", "wrong aud", "expired"]

    func algNone(_ g: JWT) -> Probe {
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        return Probe(name: "alg none", kind: .forgedToken, summary: #"header {"alg":"none","typ":"JWT"}, genuine claims, empty signature"#,
                     payload: .send(.bearer(header + "." + Self.segments(g).payload + ".")))
    }

    func stripped(_ g: JWT) -> Probe {
        let s = Self.segments(g)
        return Probe(name: "stripped signature", kind: .forgedToken, summary: "genuine header and claims, signature removed",
                     payload: .send(.bearer(s.header + "." + s.payload + ".")))
    }

    /// The genuine signature over claims naming another user: only a back end that skips the
    /// signature check believes it. `id` is switched too, since Better Auth copies the user id there.
    func altered(_ g: JWT) -> Probe {
        var claims = g.claims
        claims["sub"] = .string(material.otherSubject)
        if claims["id"] != nil { claims["id"] = .string(material.otherSubject) }
        let payload = Base64URL.encode(Array(JSONWriter.compact(.object(claims)).utf8))
        return Probe(name: "altered payload", kind: .forgedToken, summary: "sub switched to another user's id, original signature kept",
                     payload: .send(.bearer(Self.segments(g).header + "." + payload + "." + Base64URL.encode(g.signature))))
    }

    /// Validly signed, by a key the JWKS never published: accepted only by a back end that
    /// trusts whatever key a token brings or skips the lookup.
    func unknownKey(_ g: JWT) -> Probe {
        let published = Set(material.jwks?.keys.compactMap(\.kid) ?? [])
        var kid = "conformance-" + SecureRandom.alphanumeric(20)
        while published.contains(kid) { kid = "conformance-" + SecureRandom.alphanumeric(20) }
        do {
            var pair = try Ed25519KeyPair.generate()
            pair.kid = kid
            var header = g.header
            header["alg"] = .string(JWSAlgorithm.EdDSA.rawValue)
            header["kid"] = .string(kid)
            let token = try JWT.make(header: header, claims: g.claims) { try pair.sign($0) }
            return Probe(name: "unknown signing key", kind: .forgedToken,
                         summary: "genuine claims signed by a fresh Ed25519 key whose kid \(kid) is not in the JWKS",
                         payload: .send(.bearer(token)))
        } catch {
            return Probe(name: "unknown signing key", kind: .forgedToken, summary: "", payload: .unavailable("no Ed25519 key could be made: \(error)"))
        }
    }

    func hs256Secret(_ g: JWT) -> Probe {
        let name = "HS256 with BETTER_AUTH_SECRET"
        if g.algorithm == JWSAlgorithm.HS256.rawValue {
            // Then the secret is the app's real key and such a token is genuine, not forged.
            return Probe(name: name, kind: .forgedToken, summary: "",
                         payload: .unavailable("the app's own tokens are HS256: a token signed with its secret is genuine here"))
        }
        guard let secret = material.secret, !secret.isEmpty else {
            return Probe(name: name, kind: .forgedToken, summary: "", payload: .unavailable("no BETTER_AUTH_SECRET was given"))
        }
        return hs256(g, name: name, key: Array(secret.utf8), summary: "genuine claims, HS256 signed with BETTER_AUTH_SECRET")
    }

    /// Algorithm confusion: a verifier that takes `alg` from the token and feeds the JWKS key to
    /// HMAC would accept these. The key is tried in every form such code is likely to hold it
    /// (`KeyEncoding`); a form this key has none of is skipped with the reason.
    func algorithmConfusion(_ g: JWT) -> [Probe] {
        func unavailable(_ why: String) -> [Probe] {
            KeyEncoding.allCases.map { Probe(name: $0.probeName, kind: .forgedToken, summary: "", payload: .unavailable(why)) }
        }
        guard let jwks = material.jwks else { return unavailable("no JWKS was fetched from the auth server") }
        guard let key = jwks.key(id: g.keyID) else {
            return unavailable("the JWKS has no key \(g.keyID.map { "with kid \($0)" } ?? "the token could name")")
        }
        let json = material.publishedJWKS.flatMap { Self.publishedKeyJSON(in: $0, kid: key.kid) }
            ?? Self.reserializedKeyJSON(jwks, kid: key.kid)
        return KeyEncoding.allCases.map { encoding in
            switch Self.keyBytes(key, encoding, algorithm: g.algorithm, publishedJSON: json) {
            case .success(let bytes):
                return hs256(g, name: encoding.probeName, key: bytes, summary: "genuine claims, HS256 keyed with the JWKS key as \(encoding.rawValue) (\(bytes.count) bytes)")
            case .failure(let why):
                return Probe(name: encoding.probeName, kind: .forgedToken, summary: "", payload: .unavailable(why.description))
            }
        }
    }

    /// Signed as the auth server would sign it, so that only the changed claim can make a
    /// back end refuse it.
    func validlySigned(_ g: JWT, claims: JSONObject, name: String, what: String, summary: String) -> Probe {
        let signer: GenuineSigner
        switch material.signer {
        case .success(let s): signer = s
        case .failure(let f):
            return Probe(name: name, kind: .forgedToken, summary: "", payload: .unavailable("\(f.reason): validly signed \(what) cannot be minted"))
        }
        do {
            let token = try Self.sign(header: g.header, claims: claims, with: signer, jwks: material.jwks)
            return Probe(name: name, kind: .forgedToken, summary: summary, payload: .send(.bearer(token)))
        } catch {
            return Probe(name: name, kind: .forgedToken, summary: "", payload: .unavailable("validly signed \(what) cannot be minted: \(error)"))
        }
    }

    static func sign(header genuineHeader: JSONObject, claims: JSONObject, with signer: GenuineSigner, jwks: JWKS?) throws -> String {
        var header = genuineHeader
        switch signer {
        case .hmac(let secret):
            header["alg"] = .string(JWSAlgorithm.HS256.rawValue)
            return JWT.make(header: header, claims: claims) { JWSSignature.signHS256(signingInput: $0, secret: secret) }
        case .jwk(let key):
            header["alg"] = .string(key.algorithm.rawValue)
            header["kid"] = .string(key.kid)
            let token = try JWT.make(header: header, claims: claims) {
                try JWSSignature.sign(algorithm: key.algorithm, signingInput: $0, key: key.privateJWK)
            }
            // A recovered key that the JWKS does not vouch for would make a refusal meaningless.
            if let published = jwks?.key(id: key.kid) {
                let jwt = try JWT(compact: token)
                guard try JWSSignature.verify(algorithm: key.algorithm, signingInput: jwt.signingInput, signature: jwt.signature, key: published) else {
                    throw ForgeError("the key recovered from jwks does not verify against the published JWKS key \(key.kid)")
                }
            }
            return token
        }
    }

    func sessionTokenAsJWT() -> Probe {
        let name = Self.sessionTokenName
        if material.sessionTokenIsTheCredential {
            return Probe(name: name, kind: .forgedToken, summary: "",
                         payload: .unavailable("the target's API takes the session token as its bearer: it is the genuine credential here"))
        }
        guard let token = material.sessionToken, !token.isEmpty else {
            return Probe(name: name, kind: .forgedToken, summary: "", payload: .unavailable("the identity provider gave no session token"))
        }
        return Probe(name: name, kind: .forgedToken, summary: "the Better Auth session token where a JWT is expected",
                     payload: .send(.bearer(token)))
    }

    // MARK: helpers

    struct ForgeError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// The genuine token's first two segments as sent (re-encoding could change their bytes).
    static func segments(_ g: JWT) -> (header: String, payload: String) {
        let parts = g.compact.split(separator: ".", omittingEmptySubsequences: false)
        return (parts.first.map(String.init) ?? "", parts.count > 1 ? String(parts[1]) : "")
    }

    static func padded(_ base64url: String) -> String {
        let std = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return std + String(repeating: "=", count: (4 - std.count % 4) % 4)
    }
}
