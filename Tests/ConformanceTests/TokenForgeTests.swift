@testable import Conformance
import ConformanceHTTP
import ConformanceCrypto
import Foundation
import Testing

/// A stand-in auth server: an Ed25519 key published in a JWKS whose text has Python-style
/// spacing (so "as published" and "re-serialized" differ), and a genuine token for user A.
struct ForgeFixture {
    let server: Ed25519KeyPair
    let publishedJWKS: String
    let jwks: JWKS
    let genuine: JWT
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    init() throws {
        var pair = try Ed25519KeyPair.generate()
        pair.kid = "kid-1"
        server = pair
        let x = pair.publicJWK.x ?? ""
        publishedJWKS = #"{"keys": [{"alg": "EdDSA", "crv": "Ed25519", "x": "\#(x)", "kty": "OKP", "kid": "kid-1"}]}"#
        jwks = try JWKS(json: JSONParser.parse(publishedJWKS))
        let iat = now.timeIntervalSince1970 - 60
        let claims: JSONObject = JSONObject([
            ("iat", .number(iat)), ("id", "user-a"), ("email", "a@run.conformance.test"), ("sub", "user-a"),
            ("exp", .number(iat + 900)), ("iss", "http://127.0.0.1:3000"), ("aud", "http://127.0.0.1:3000"),
        ])
        let header = JSONObject([("alg", "EdDSA"), ("kid", "kid-1"), ("typ", "JWT")])
        genuine = try JWT(compact: JWT.make(header: header, claims: claims) { try pair.sign($0) })
    }

    var recovered: RecoveredSigningKey { RecoveredSigningKey(kid: "kid-1", privateJWK: server.privateJWK, algorithm: .EdDSA) }

    func material(secret: String? = "better-auth-secret-123456789012345",
                  signer: Result<GenuineSigner, SigningKeyRecovery.Failure>? = nil,
                  sessionTokenIsTheCredential: Bool = false) -> TokenForge.Material {
        TokenForge.Material(genuine: genuine, jwks: jwks, publishedJWKS: publishedJWKS, secret: secret,
                            signer: signer ?? .success(.jwk(recovered)), otherSubject: "user-b",
                            sessionToken: "sessiontoken0123456789abcdefghij", sessionTokenIsTheCredential: sessionTokenIsTheCredential,
                            basicUser: "a@run.conformance.test", now: now)
    }

    func probes(_ m: TokenForge.Material? = nil) -> [String: TokenForge.Probe] {
        Dictionary(TokenForge(m ?? material()).probes().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The bearer token a probe sends; records an issue when it sends none.
    static func token(_ p: TokenForge.Probe?, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard let p, case .send(.bearer(let t)) = p.payload else {
            Issue.record("probe \(p?.name ?? "(missing)") sends no bearer token", sourceLocation: sourceLocation)
            return ""
        }
        return t
    }

    static func reason(_ p: TokenForge.Probe?) -> String? {
        guard let p, case .unavailable(let r) = p.payload else { return nil }
        return r
    }

    func verifiesWithServerKey(_ token: String) throws -> Bool {
        let jwt = try JWT(compact: token)
        return try JWSSignature.verify(algorithm: .EdDSA, signingInput: jwt.signingInput, signature: jwt.signature, key: server.publicJWK)
    }
}

@Suite("TokenForge")
struct TokenForgeTests {
    @Test("every probe is listed once, with the oracle its kind calls for")
    func inventory() throws {
        let f = try ForgeFixture()
        let all = TokenForge(f.material()).probes()
        #expect(Set(all.map(\.name)).count == all.count)
        let expected = ["no Authorization header", "empty Bearer", "Basic credentials", "non-JWT bearer value"] + TokenForge.forgedNames
            + ["session token as bearer"]
        #expect(all.map(\.name) == expected)
        for p in all {
            #expect(p.oracle == (p.kind == .forgedToken ? .forgedTokenAccepted : .unauthenticatedAccess))
            // With a secret and a recovered key, nothing needs skipping.
            #expect(ForgeFixture.reason(p) == nil, "\(p.name): \(ForgeFixture.reason(p) ?? "")")
        }
    }

    @Test("header probes: none, empty Bearer, Basic with a wrong password, a non-JWT bearer")
    func headerProbes() throws {
        let p = try ForgeFixture().probes()
        guard case .send(.none)? = p["no Authorization header"]?.payload else { Issue.record("no-header probe sends a header"); return }
        guard case .send(.rawAuthorization(let empty))? = p["empty Bearer"]?.payload else { Issue.record("empty Bearer"); return }
        #expect(empty == "Bearer")
        guard case .send(.rawAuthorization(let basic))? = p["Basic credentials"]?.payload else { Issue.record("Basic"); return }
        #expect(basic.hasPrefix("Basic "))
        let decoded = Data(base64Encoded: String(basic.dropFirst(6))).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded?.hasPrefix("a@run.conformance.test:") == true)
        #expect((decoded?.count ?? 0) > "a@run.conformance.test:".count)
        guard case .send(.rawAuthorization(let notJWT))? = p["non-JWT bearer value"]?.payload else { Issue.record("not-a-jwt"); return }
        #expect(notJWT == "Bearer not-a-jwt")
        // Only bearer tokens are registered as secrets: "Bearer" itself must stay readable.
        #expect(p["empty Bearer"]?.token == nil && p["non-JWT bearer value"]?.token == nil)
        #expect(p["alg none"]?.token != nil)
    }

    @Test("case names survive the redactor once every forged token is registered; the tokens do not")
    func namesStayReadable() throws {
        let all = TokenForge(try ForgeFixture().material()).probes()
        let redactor = Redactor()
        for p in all { redactor.add(p.token) }
        for p in all {
            #expect(redactor.redact("\(p.name) → tasks.get") == "\(p.name) → tasks.get")
            #expect(redactor.redact(p.summary) == p.summary)
            if let t = p.token { #expect(!redactor.redact("sent \(t)").contains(t)) }
        }
    }

    @Test("alg none: the exact unsigned header, the genuine payload bytes, an empty signature")
    func algNone() throws {
        let f = try ForgeFixture()
        let token = ForgeFixture.token(f.probes()["alg none"])
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.count == 3)
        #expect(Base64URL.decode(parts[0]).map { String(decoding: $0, as: UTF8.self) } == #"{"alg":"none","typ":"JWT"}"#)
        #expect(parts[1] == f.genuine.compact.split(separator: ".")[1].description)
        #expect(parts[2].isEmpty)
    }

    @Test("stripped signature: genuine header and payload, nothing after the last dot")
    func stripped() throws {
        let f = try ForgeFixture()
        let token = ForgeFixture.token(f.probes()["stripped signature"])
        let genuineParts = f.genuine.compact.split(separator: ".")
        #expect(token == "\(genuineParts[0]).\(genuineParts[1]).")
    }

    @Test("altered payload: sub and id name user B, the genuine signature is kept and no longer verifies")
    func altered() throws {
        let f = try ForgeFixture()
        let token = ForgeFixture.token(f.probes()["altered payload"])
        let jwt = try JWT(compact: token)
        #expect(jwt.subject == "user-b")
        #expect(jwt.claims["id"] == "user-b")
        #expect(jwt.claims["email"] == f.genuine.claims["email"])
        #expect(jwt.signature == f.genuine.signature)
        #expect(token.split(separator: ".")[0] == f.genuine.compact.split(separator: ".")[0])
        #expect(try !f.verifiesWithServerKey(token))
        #expect(try f.verifiesWithServerKey(f.genuine.compact))
    }

    @Test("unknown key: genuine claims, EdDSA, a kid the JWKS does not list, not the server's signature")
    func unknownKey() throws {
        let f = try ForgeFixture()
        let jwt = try JWT(compact: ForgeFixture.token(f.probes()["unknown signing key"]))
        #expect(jwt.algorithm == "EdDSA")
        #expect(jwt.keyID != nil)
        #expect(f.jwks.key(id: jwt.keyID) == nil)
        #expect(jwt.claims == f.genuine.claims)
        #expect(jwt.signature.count == 64)
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: jwt.signingInput, signature: jwt.signature, key: f.server.publicJWK))
    }

    @Test("HS256 with the secret verifies under the secret only, and is skipped without one")
    func hs256Secret() throws {
        let f = try ForgeFixture()
        let secret = "better-auth-secret-123456789012345"
        let jwt = try JWT(compact: ForgeFixture.token(f.probes(f.material(secret: secret))["HS256 with BETTER_AUTH_SECRET"]))
        #expect(jwt.algorithm == "HS256")
        #expect(jwt.claims == f.genuine.claims)
        #expect(JWSSignature.verifyHS256(signingInput: jwt.signingInput, signature: jwt.signature, secret: Array(secret.utf8)))
        #expect(!JWSSignature.verifyHS256(signingInput: jwt.signingInput, signature: jwt.signature, secret: Array("other".utf8)))
        let reason = ForgeFixture.reason(f.probes(f.material(secret: nil))["HS256 with BETTER_AUTH_SECRET"])
        #expect(reason?.contains("BETTER_AUTH_SECRET") == true)
    }

    @Test("algorithm confusion keys HMAC with the JWK text as published, the raw key, its DER and its PEM with and without the final newline")
    func algorithmConfusion() throws {
        let f = try ForgeFixture()
        let p = f.probes()
        let published = #"{"alg": "EdDSA", "crv": "Ed25519", "x": "\#(f.server.publicJWK.x ?? "")", "kty": "OKP", "kid": "kid-1"}"#
        let viaJSON = try JWT(compact: ForgeFixture.token(p["HS256 keyed with the JWKS key (JWK JSON)"]))
        #expect(viaJSON.algorithm == "HS256")
        #expect(viaJSON.keyID == "kid-1")
        #expect(JWSSignature.verifyHS256(signingInput: viaJSON.signingInput, signature: viaJSON.signature, secret: Array(published.utf8)))
        // Re-serialized compactly the key differs: the probe must have used the published bytes.
        let compact = JSONWriter.compact(try JSONParser.parse(published))
        #expect(compact != published)
        #expect(!JWSSignature.verifyHS256(signingInput: viaJSON.signingInput, signature: viaJSON.signature, secret: Array(compact.utf8)))

        let viaX = try JWT(compact: ForgeFixture.token(p["HS256 keyed with the JWKS key (raw key bytes)"]))
        let x = try #require(Base64URL.decode(f.server.publicJWK.x ?? ""))
        #expect(x.count == 32)
        #expect(JWSSignature.verifyHS256(signingInput: viaX.signingInput, signature: viaX.signature, secret: x))

        // SubjectPublicKeyInfo for Ed25519 is a fixed 12-byte prefix and the key (RFC 8410 §4).
        let der = try #require(Hex.decode("302a300506032b6570032100")) + x
        let b64 = Data(der).base64EncodedString()
        let pem = "-----BEGIN PUBLIC KEY-----\n\(b64)\n-----END PUBLIC KEY-----\n"
        let keys: [(String, [UInt8])] = [("DER", der), ("PEM", Array(pem.utf8)), ("PEM without final newline", Array(pem.dropLast().utf8))]
        for (encoding, key) in keys {
            let jwt = try JWT(compact: ForgeFixture.token(p["HS256 keyed with the JWKS key (\(encoding))"]))
            #expect(jwt.algorithm == "HS256" && jwt.claims == f.genuine.claims, "\(encoding)")
            #expect(JWSSignature.verifyHS256(signingInput: jwt.signingInput, signature: jwt.signature, secret: key), "\(encoding)")
        }
        // Five encodings, five different keys: each probe tests one way a verifier may hold it.
        let signatures = Set(TokenForge.KeyEncoding.allCases.map { ForgeFixture.token(p[$0.probeName]) })
        #expect(signatures.count == TokenForge.KeyEncoding.allCases.count)
    }

    @Test("an EC key's raw form is its uncompressed point; an RSA key has none apart from DER")
    func rawKeyForms() throws {
        let ec = JWK(kty: "EC", crv: "P-256", x: Base64URL.encode([UInt8](repeating: 1, count: 32)), y: Base64URL.encode([UInt8](repeating: 2, count: 32)))
        #expect(try TokenForge.keyBytes(ec, .raw, algorithm: "ES256", publishedJSON: nil).get() == [0x04] + [UInt8](repeating: 1, count: 32) + [UInt8](repeating: 2, count: 32))
        let rsa = JWK(kty: "RSA", n: Base64URL.encode([UInt8](repeating: 0xC1, count: 256)), e: "AQAB")
        guard case .failure(let why) = TokenForge.keyBytes(rsa, .raw, algorithm: "RS256", publishedJSON: nil) else {
            Issue.record("RSA has no raw form"); return
        }
        #expect(why.description.contains("DER"))
        #expect(try TokenForge.keyBytes(rsa, .der, algorithm: "RS256", publishedJSON: nil).get().count > 256)
    }

    @Test("the published JWK is found by kid among several, braces inside strings notwithstanding")
    func publishedKeyText() {
        let doc = #"{"note": "a } brace { and \" quote", "keys": [ {"kty":"OKP","kid":"old","x":"AA"} , {"kty": "OKP", "kid": "new", "x": "BB"} ]}"#
        #expect(TokenForge.publishedKeyJSON(in: doc, kid: "new") == #"{"kty": "OKP", "kid": "new", "x": "BB"}"#)
        #expect(TokenForge.publishedKeyJSON(in: doc, kid: "old") == #"{"kty":"OKP","kid":"old","x":"AA"}"#)
        #expect(TokenForge.publishedKeyJSON(in: doc, kid: "gone") == nil)
    }

    @Test("wrong iss and wrong aud change one claim each and are validly signed by the server's key")
    func wrongIssuerAndAudience() throws {
        let f = try ForgeFixture()
        let p = f.probes()
        let iss = ForgeFixture.token(p["wrong iss"]), aud = ForgeFixture.token(p["wrong aud"])
        #expect(try f.verifiesWithServerKey(iss))
        #expect(try f.verifiesWithServerKey(aud))
        let issJWT = try JWT(compact: iss), audJWT = try JWT(compact: aud)
        #expect(issJWT.issuer == TokenForge.impostorOrigin)
        #expect(issJWT.audience == f.genuine.audience)
        #expect(audJWT.audience == [TokenForge.impostorOrigin])
        #expect(audJWT.issuer == f.genuine.issuer)
        #expect(issJWT.subject == "user-a" && audJWT.subject == "user-a")
        #expect(issJWT.keyID == "kid-1")
    }

    @Test("expired: iat and exp in the past, everything else genuine, validly signed")
    func expired() throws {
        let f = try ForgeFixture()
        let token = ForgeFixture.token(f.probes()["expired"])
        #expect(try f.verifiesWithServerKey(token))
        let jwt = try JWT(compact: token)
        let exp = try #require(jwt.expiresAt), iat = try #require(jwt.issuedAt)
        #expect(exp < f.now.timeIntervalSince1970 - 60)
        #expect(iat < exp)
        #expect(jwt.subject == "user-a")
        #expect(jwt.claims["email"] == f.genuine.claims["email"])
        #expect(JWTVerifier.problems(token: token, jwks: f.jwks, expectedSubject: "user-a", now: f.now) == ["exp is in the past"])
    }

    @Test("without the secret or a readable key, validly signed probes are skipped with the stated reason")
    func noSigningKey() throws {
        let f = try ForgeFixture()
        let signer = GenuineSigner.choose(for: f.genuine, recovered: .failure(.init("the privateKey is encrypted")), secret: nil)
        let p = f.probes(f.material(secret: nil, signer: signer))
        #expect(ForgeFixture.reason(p["expired"])
            == "no BETTER_AUTH_SECRET and no readable jwks private key: validly signed expired tokens cannot be minted")
        #expect(ForgeFixture.reason(p["wrong iss"])?.hasPrefix(TokenForge.noKeyReason) == true)
        #expect(ForgeFixture.reason(p["wrong aud"])?.hasPrefix(TokenForge.noKeyReason) == true)
        // Forgeries that need no key are still built.
        #expect(ForgeFixture.reason(p["alg none"]) == nil)
        #expect(ForgeFixture.reason(p["altered payload"]) == nil)
    }

    @Test("with a secret but no recovered key, the recovery's own reason is given")
    func secretButNoKey() throws {
        let f = try ForgeFixture()
        let signer = GenuineSigner.choose(for: f.genuine, recovered: .failure(.init("no database connection")), secret: "s3cret-value")
        #expect(ForgeFixture.reason(f.probes(f.material(signer: signer))["expired"]) == "no database connection: validly signed expired tokens cannot be minted")
    }

    @Test("a recovered key the JWKS does not vouch for makes no validly signed probe")
    func recoveredKeyMismatch() throws {
        let f = try ForgeFixture()
        var stranger = try Ed25519KeyPair.generate()
        stranger.kid = "kid-1"
        let wrong = RecoveredSigningKey(kid: "kid-1", privateJWK: stranger.privateJWK, algorithm: .EdDSA)
        let reason = ForgeFixture.reason(f.probes(f.material(signer: .success(.jwk(wrong))))["expired"])
        #expect(reason?.contains("does not verify against the published JWKS key kid-1") == true)
    }

    @Test("session token as bearer, unless the session token is the API's real credential")
    func sessionToken() throws {
        let f = try ForgeFixture()
        #expect(ForgeFixture.token(f.probes()["session token as bearer"]) == "sessiontoken0123456789abcdefghij")
        #expect(f.probes()["session token as bearer"]?.kind == .forgedToken)
        #expect(ForgeFixture.reason(f.probes(f.material(sessionTokenIsTheCredential: true))["session token as bearer"]) != nil)
    }

    @Test("no genuine JWT: every forged probe is skipped with the reason, header probes remain")
    func noGenuineToken() throws {
        let f = try ForgeFixture()
        var m = f.material()
        m.genuine = nil
        m.genuineProblem = "the API token of alice is not a JWT"
        let all = TokenForge(m).probes()
        for name in TokenForge.forgedNames {
            #expect(ForgeFixture.reason(all.first { $0.name == name })?.hasPrefix("the API token of alice is not a JWT") == true)
        }
        #expect(all.filter { $0.kind == .brokenHeader }.allSatisfy { ForgeFixture.reason($0) == nil })
    }

    @Test("an app whose genuine tokens are HS256: the secret signs the valid probes, HS256-with-secret is no forgery")
    func hs256App() throws {
        let secret = "home-made-secret-0123456789"
        let claims = JSONObject([("sub", "user-a"), ("exp", .number(1_750_000_900))])
        let genuine = try JWT(compact: JWT.make(header: JSONObject([("alg", "HS256"), ("typ", "JWT")]), claims: claims) {
            JWSSignature.signHS256(signingInput: $0, secret: Array(secret.utf8))
        })
        let signer = GenuineSigner.choose(for: genuine, recovered: nil, secret: secret)
        let m = TokenForge.Material(genuine: genuine, jwks: nil, publishedJWKS: nil, secret: secret, signer: signer,
                                    otherSubject: "user-b", sessionToken: nil, basicUser: "a@x.test",
                                    now: Date(timeIntervalSince1970: 1_750_000_000))
        let p = Dictionary(TokenForge(m).probes().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(ForgeFixture.reason(p["HS256 with BETTER_AUTH_SECRET"])?.contains("genuine") == true)
        let expired = try JWT(compact: ForgeFixture.token(p["expired"]))
        #expect(JWSSignature.verifyHS256(signingInput: expired.signingInput, signature: expired.signature, secret: Array(secret.utf8)))
        #expect((expired.expiresAt ?? .infinity) < 1_750_000_000)
        #expect(ForgeFixture.reason(p["HS256 keyed with the JWKS key (raw key bytes)"]) != nil)
        // Its tokens carry neither iss nor aud: a wrong one is added, and said to be.
        #expect(p["wrong iss"]?.claimNotIssued == "iss")
        #expect(p["wrong aud"]?.claimNotIssued == "aud")
        #expect(p["expired"]?.claimNotIssued == nil)
        #expect(GenuineSigner.choose(for: genuine, recovered: nil, secret: nil).failureReason == TokenForge.noKeyReason)
    }
}

extension Result where Failure == SigningKeyRecovery.Failure {
    var failureReason: String? { if case .failure(let f) = self { return f.reason }; return nil }
}

/// Nested so that `--filter TokenForgeTests` runs the key recovery tests too.
extension TokenForgeTests {
    /// `jwks."privateKey"` fixtures built here with `XChaCha20Poly1305.seal`, the way Better Auth writes them.
    @Suite("SigningKeyRecovery")
    struct SigningKeyRecoveryTests {
        static let secret = "better-auth-secret-123456789012345"

        static func privateJWKJSON(_ pair: Ed25519KeyPair) -> String {
            let jwk = pair.privateJWK
            return #"{"crv":"Ed25519","d":"\#(jwk.d ?? "")","x":"\#(jwk.x ?? "")","kty":"OKP"}"#
        }

        /// hex(nonce ‖ ciphertext ‖ tag), as a JSON string literal, optionally in a `$ba$` envelope.
        static func column(_ plaintext: String, secret: String, version: Int? = nil) throws -> String {
            let nonce = SecureRandom.bytes(24)
            let sealed = try XChaCha20Poly1305.seal(key: Digest.sha256(Array(secret.utf8)), nonce: nonce, plaintext: Array(plaintext.utf8))
            let hex = Hex.encode(nonce + sealed)
            return "\"" + (version.map { "$ba$\($0)$" } ?? "") + hex + "\""
        }

        static func row(id: String, privateKey: JSONValue, publicX: String?, createdAt: String = "2025-06-01 10:00:00") -> JSONValue {
            var o = JSONObject([("id", .string(id)), ("privateKey", privateKey), ("createdAt", .string(createdAt))])
            if let publicX { o["publicKey"] = .string(#"{"crv":"Ed25519","x":"\#(publicX)","kty":"OKP"}"#) }
            return .object(o)
        }

        @Test("an encrypted column decrypts to the key that signs like the original")
        func decrypts() throws {
            let pair = try Ed25519KeyPair.generate()
            let col = try Self.column(Self.privateJWKJSON(pair), secret: Self.secret)
            let rows = [Self.row(id: "kid-1", privateKey: .string(col), publicX: pair.publicJWK.x)]
            let key = try SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: Self.secret), kid: "kid-1").get()
            #expect(key.kid == "kid-1")
            #expect(key.privateJWK.kid == "kid-1")
            #expect(key.algorithm == .EdDSA)
            #expect(key.privateJWK.d == pair.privateJWK.d)
            #expect(key.privateJWK.x == pair.publicJWK.x)
            let input = Array("header.payload".utf8)
            let sig = try JWSSignature.sign(algorithm: .EdDSA, signingInput: input, key: key.privateJWK)
            #expect(try JWSSignature.verify(algorithm: .EdDSA, signingInput: input, signature: sig, key: pair.publicJWK))
        }

        @Test("the wrong secret, no secret, or a tampered column each give a reason, not a key")
        func failures() throws {
            let pair = try Ed25519KeyPair.generate()
            let col = try Self.column(Self.privateJWKJSON(pair), secret: Self.secret)
            let rows = [Self.row(id: "k", privateKey: .string(col), publicX: nil)]
            let wrong = SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: "not-the-secret"), kid: nil).failureReason
            #expect(wrong?.contains("does not decrypt") == true)
            let none = SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: nil), kid: nil).failureReason
            #expect(none?.contains("no BETTER_AUTH_SECRET") == true)
            // Flip one hex digit of the ciphertext: the tag must catch it.
            var chars = Array(col)
            chars[60] = chars[60] == "0" ? "1" : "0"
            let tampered = [Self.row(id: "k", privateKey: .string(String(chars)), publicX: nil)]
            #expect(SigningKeyRecovery.recover(rows: tampered, secrets: .init(legacy: Self.secret), kid: nil).failureReason != nil)
            #expect(SigningKeyRecovery.recover(rows: [], secrets: .init(legacy: Self.secret), kid: nil).failureReason?.contains("no signing key") == true)
        }

        @Test("a plain JWK (encryption disabled) is read without a secret, as text or parsed JSON")
        func plain() throws {
            let pair = try Ed25519KeyPair.generate()
            let text = Self.privateJWKJSON(pair)
            for value in [JSONValue.string(text), try JSONParser.parse(text)] {
                let key = try SigningKeyRecovery.recover(rows: [Self.row(id: "p", privateKey: value, publicX: nil)],
                                                         secrets: .init(legacy: nil), kid: nil).get()
                #expect(key.privateJWK.d == pair.privateJWK.d)
            }
        }

        @Test("a json column already parsed to the hex string decrypts too")
        func parsedString() throws {
            let pair = try Ed25519KeyPair.generate()
            let col = try Self.column(Self.privateJWKJSON(pair), secret: Self.secret)
            let inner = String(col.dropFirst().dropLast())
            let key = try SigningKeyRecovery.privateJWK(column: .string(inner), secrets: .init(legacy: Self.secret))
            #expect(key.d == pair.privateJWK.d)
        }

        @Test("a $ba$ envelope uses the secret of its version from BETTER_AUTH_SECRETS")
        func versioned() throws {
            let pair = try Ed25519KeyPair.generate()
            let col = try Self.column(Self.privateJWKJSON(pair), secret: "second-secret-abcdefghijklmnop", version: 2)
            let secrets = SigningKeyRecovery.Secrets(legacy: "legacy-secret", secretsVariable: "1:first-secret, 2:second-secret-abcdefghijklmnop")
            #expect(secrets.versioned == [1: "first-secret", 2: "second-secret-abcdefghijklmnop"])
            let key = try SigningKeyRecovery.privateJWK(column: .string(col), secrets: secrets)
            #expect(key.d == pair.privateJWK.d)
            let without = SigningKeyRecovery.Secrets(legacy: "legacy-secret", secretsVariable: "1:first-secret")
            #expect(throws: SigningKeyRecovery.Failure.self) { try SigningKeyRecovery.privateJWK(column: .string(col), secrets: without) }
        }

        @Test("the row named by the token's kid is chosen, else the newest")
        func rowChoice() throws {
            let old = try Ed25519KeyPair.generate(), new = try Ed25519KeyPair.generate()
            let rows = [
                Self.row(id: "old", privateKey: .string(Self.privateJWKJSON(old)), publicX: nil, createdAt: "2025-01-01 00:00:00"),
                Self.row(id: "new", privateKey: .string(Self.privateJWKJSON(new)), publicX: nil, createdAt: "2025-06-01 00:00:00"),
            ]
            #expect(try SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: nil), kid: "old").get().privateJWK.d == old.privateJWK.d)
            #expect(try SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: nil), kid: nil).get().kid == "new")
            #expect(try SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: nil), kid: "unknown").get().kid == "new")
        }

        @Test("a private key that does not match its row's publicKey is refused")
        func mismatch() throws {
            let pair = try Ed25519KeyPair.generate(), other = try Ed25519KeyPair.generate()
            let rows = [Self.row(id: "m", privateKey: .string(Self.privateJWKJSON(pair)), publicX: other.publicJWK.x)]
            #expect(SigningKeyRecovery.recover(rows: rows, secrets: .init(legacy: nil), kid: nil).failureReason?.contains("does not belong") == true)
        }
    }
}

/// The impostor verdicts, judged on canned answers from a scripted identity provider.
extension TokenForgeTests {
    struct ScriptedIdentities: IdentityProvider {
        /// (status, JSON body) per attempted (email, password).
        let signInAnswer: @Sendable (String, String) -> (Int, String)
        let signUpAnswer: @Sendable (String, String) -> (Int, String)

        static func exchange(_ answer: (Int, String)) -> Exchange {
            let req = HTTPRequest(method: "POST", url: "http://auth.test/api/auth/x")
            let res = HTTPResponse(status: answer.0, headers: [HTTPHeader("Content-Type", "application/json")],
                                   body: Array(answer.1.utf8), effectiveURL: req.url)
            return Exchange(request: req, response: res, transportError: nil, seconds: 0.01)
        }

        func create(logicalName: String, email: String, password: String, name: String) async throws -> Identity {
            throw IdentityError(message: "not scripted", exchange: nil, unreachable: false)
        }
        func signIn(_ identity: Identity) async -> (Exchange, Identity?) { (Self.exchange(signInAnswer(identity.email, identity.password)), nil) }
        func refreshToken(_ identity: Identity) async -> (Exchange?, Identity) { (nil, identity) }
        func attemptSignIn(email: String, password: String) async -> Exchange { Self.exchange(signInAnswer(email, password)) }
        func attemptSignUp(email: String, password: String, name: String) async -> Exchange { Self.exchange(signUpAnswer(email, password)) }
    }

    static let bob = "bobid0000000000000000000000000000"

    static func runImpostors(_ provider: ScriptedIdentities) async throws -> [String: CaseResult] {
        let http = HTTPSession(client: try HTTPClient(), timeout: 5)
        let target = Target(authURL: "http://auth.test", apiURL: "http://api.test", databaseURL: nil)
        let context = RunContext(runID: "rtest", target: target, options: RunOptions(), redactor: Redactor(), http: http,
                                 identities: provider, betterAuth: nil, database: nil, databaseProblem: nil, environment: [:])
        var scope = ScenarioScope(context: context)
        for (name, id) in [("alice", "aliceid000000000000000000000000"), ("bob", bob)] {
            scope.users[name] = Identity(logicalName: name, id: id, email: "\(name)-x@rtest.conformance.test", name: name,
                                         password: "Cf-genuine-password-\(name)", signUp: ScriptedIdentities.exchange((200, "{}")))
        }
        let cases = await IdentityImpostors().run(CheckInput(context: context, scope: scope), .init(resource: "tasks", dataCriterion: nil))
        return Dictionary(cases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func oracles(_ c: CaseResult?) -> [String] {
        guard case .failed(let fs)? = c?.outcome else { return [] }
        return fs.map(\.oracle.rawValue)
    }

    @Test("an auth server like Better Auth: every impostor attempt passes")
    func impostorsRefused() async throws {
        let cases = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, password in Self.genuineOnly(password) },
            signUpAnswer: { _, _ in (422, #"{"code":"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"}"#) }))
        #expect(cases.count == 3)
        #expect(cases.values.allSatisfy { $0.outcome.kind == .passed })
        // B (the second user) is the one impersonated; the case variant keeps the domain.
        #expect(cases["sign-in as bob with a wrong password"] != nil)
        #expect(IdentityImpostors.caseVariant("bob-x@rtest.conformance.test") == "BOB-X@rtest.conformance.test")
    }

    /// Sign-in as the real provider answers it: a session for the genuine password, 401 otherwise.
    static func genuineOnly(_ password: String) -> (Int, String) {
        password.hasPrefix("Cf-genuine-password-")
            ? (200, #"{"token":"sessiontoken-genuine-1234567","user":{"id":"\#(bob)"}}"#)
            : (401, #"{"code":"INVALID_EMAIL_OR_PASSWORD"}"#)
    }

    @Test("every refusal is not judged when the victim's own password does not open the account either")
    func refusalsWithoutAControl() async throws {
        let cases = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, _ in (401, "{}") },
            signUpAnswer: { _, _ in (200, #"{"token":null,"user":{"id":"syntheticid00000000000000000000"}}"#) }))
        #expect(cases["sign-in as bob with a wrong password"]?.outcome.kind == .notJudged)
        #expect(cases["sign-up again with bob's email"]?.outcome.kind == .notJudged)
        #expect(cases.values.allSatisfy { $0.outcome.kind != .passed }, "\(cases.mapValues(\.outcome.kind))")
    }

    @Test("a sign-in route that does not exist or crashes proves nothing")
    func missingOrCrashingSignIn() async throws {
        let missing = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, password in password.hasPrefix("Wrong-") ? (404, #"{"detail":"Not Found"}"#) : Self.genuineOnly(password) },
            signUpAnswer: { _, _ in (422, "{}") }))
        #expect(missing["sign-in as bob with a wrong password"]?.outcome.kind == .notJudged)
        let crashing = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, password in password.hasPrefix("Wrong-") ? (500, "Internal Server Error") : Self.genuineOnly(password) },
            signUpAnswer: { _, _ in (422, "{}") }))
        #expect(crashing["sign-in as bob with a wrong password"]?.outcome.kind == .error)
    }

    @Test("a token for a wrong password fails as ImpostorSignIn")
    func tokenForAnyPassword() async throws {
        let cases = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, _ in (200, #"{"token":"sessiontoken-for-anyone-123456","user":{"id":"\#(Self.bob)"}}"#) },
            signUpAnswer: { _, _ in (422, "{}") }))
        #expect(Self.oracles(cases["sign-in as bob with a wrong password"]) == ["ImpostorSignIn"])
    }

    @Test("a 200 without any token on a wrong password is not a finding")
    func okWithoutToken() async throws {
        let cases = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, password in password.hasPrefix("Wrong-") ? (200, #"{"error":"invalid credentials"}"#) : Self.genuineOnly(password) },
            signUpAnswer: { _, _ in (422, "{}") }))
        #expect(cases["sign-in as bob with a wrong password"]?.outcome.kind == .passed)
    }

    @Test("a second sign-up answered with B's id fails as ImpostorSignUp")
    func signUpReturnsVictim() async throws {
        let cases = try await Self.runImpostors(ScriptedIdentities(
            signInAnswer: { _, _ in (401, "{}") },
            signUpAnswer: { _, _ in (200, #"{"token":null,"user":{"id":"\#(Self.bob)"}}"#) }))
        #expect(Self.oracles(cases["sign-up again with bob's email"]) == ["ImpostorSignUp"])
        #expect(Self.oracles(cases["sign-up again with bob's email in upper case"]) == ["ImpostorSignUp"])
    }

    @Test("a synthetic user (Better Auth 1.5+ with verification) passes; an overwritten password fails")
    func syntheticUserVersusOverwrite() async throws {
        let synthetic = ScriptedIdentities(
            signInAnswer: { _, password in Self.genuineOnly(password) },
            signUpAnswer: { _, _ in (200, #"{"token":null,"user":{"id":"syntheticid00000000000000000000"}}"#) })
        let ok = try await Self.runImpostors(synthetic)
        #expect(ok["sign-up again with bob's email"]?.outcome.kind == .passed)

        // The sign-up looked harmless, but B's email now opens with the impostor's password.
        let overwrite = ScriptedIdentities(
            signInAnswer: { _, password in
                password.hasPrefix("Wrong-") ? (401, "{}") : (200, #"{"token":"sessiontoken-overwritten-12345","user":{"id":"\#(Self.bob)"}}"#)
            },
            signUpAnswer: { _, _ in (200, #"{"token":null,"user":{"id":"otherid0000000000000000000000"}}"#) })
        let bad = try await Self.runImpostors(overwrite)
        #expect(Self.oracles(bad["sign-up again with bob's email"]) == ["ImpostorSignUp"])
        #expect(bad["sign-in as bob with a wrong password"]?.outcome.kind == .passed)
    }
}
