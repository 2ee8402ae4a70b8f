import ConformanceCrypto
import Testing

/// What the harness does when it forges tokens: fresh keys sign, the matching public key
/// verifies, and any other key does not.
@Suite("Sign and verify round trips")
struct SignAndVerifyTests {
    static let input = utf8("eyJhbGciOiJFZERTQSIsImtpZCI6ImZvcmdlZCJ9.eyJzdWIiOiJ1c2VyLWIifQ")

    @Test("Ed25519: generate → sign → verify, and the JWKs are well formed")
    func ed25519() throws {
        var pair = try Ed25519KeyPair.generate()
        pair.kid = "forged"
        let publicJWK = pair.publicJWK
        #expect(publicJWK.kty == "OKP")
        #expect(publicJWK.crv == "Ed25519")
        #expect(publicJWK.alg == "EdDSA")
        #expect(publicJWK.kid == "forged")
        #expect(publicJWK.d == nil)
        #expect(try b64u(publicJWK.x ?? "").count == 32)
        #expect(try b64u(pair.privateJWK.d ?? "").count == 32)

        let signature = try pair.sign(Self.input)
        #expect(signature.count == 64)
        #expect(try JWSSignature.verify(algorithm: .EdDSA, signingInput: Self.input, signature: signature, key: publicJWK))
        // Deterministic, and the JWK path agrees with the key-pair path.
        #expect(try JWSSignature.sign(algorithm: .EdDSA, signingInput: Self.input, key: pair.privateJWK) == signature)
        // The private JWK round-trips into the same pair.
        #expect(try Ed25519KeyPair(privateJWK: pair.privateJWK).publicJWK == publicJWK)
    }

    @Test("Ed25519: a token from a forged key does not verify against another key")
    func forgedKeyRejected() throws {
        let genuine = try Ed25519KeyPair.generate()
        let forged = try Ed25519KeyPair.generate()
        #expect(genuine.publicJWK.x != forged.publicJWK.x)
        let signature = try forged.sign(Self.input)
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: Self.input, signature: signature, key: genuine.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: Self.input, signature: signature, key: RFC8037Tests.publicJWK))
    }

    @Test("HS256: sign → verify with a JWK and with raw secret bytes")
    func hs256() throws {
        let secret = SecureRandom.bytes(32)
        let key = JWK(kty: "oct", k: Base64URL.encode(secret))
        let mac = try JWSSignature.sign(algorithm: .HS256, signingInput: Self.input, key: key)
        #expect(mac.count == 32)
        #expect(try JWSSignature.verify(algorithm: .HS256, signingInput: Self.input, signature: mac, key: key))
        #expect(JWSSignature.verifyHS256(signingInput: Self.input, signature: mac, secret: secret))
        #expect(!JWSSignature.verifyHS256(signingInput: Self.input, signature: mac, secret: SecureRandom.bytes(32)))
    }

    @Test("HS256 keyed with a public key's PEM (the algorithm-confusion probe) is an ordinary HMAC")
    func algorithmConfusionKey() throws {
        let pem = try SubjectPublicKeyInfo.pem(for: RFC8037Tests.publicJWK, algorithm: .EdDSA)
        let mac = JWSSignature.signHS256(signingInput: Self.input, secret: utf8(pem))
        #expect(mac == Digest.hmacSHA256(key: utf8(pem), data: Self.input))
    }

    @Test("many signatures at once from several tasks (no shared OpenSSL state)")
    func concurrent() async throws {
        let pair = try Ed25519KeyPair.generate()
        let publicJWK = pair.publicJWK
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let message = utf8("message \(index)")
                    let signature = try pair.sign(message)
                    let es = try JWSSignature.sign(algorithm: .ES256, signingInput: message, key: RFC7515Tests.p256Private)
                    return try JWSSignature.verify(algorithm: .EdDSA, signingInput: message, signature: signature, key: publicJWK)
                        && JWSSignature.verify(algorithm: .ES256, signingInput: message, signature: es, key: RFC7515Tests.p256Public)
                }
            }
            for try await verified in group {
                #expect(verified)
            }
        }
    }
}
