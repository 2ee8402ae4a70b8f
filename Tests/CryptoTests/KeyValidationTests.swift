import ConformanceCrypto
import Testing

/// A key that cannot serve the algorithm is an error, never a quiet `false` — and never a `true`.
@Suite("Unusable keys")
struct KeyValidationTests {
    static let input = utf8("eyJhbGciOiJFUzI1NiJ9.e30")
    static let anySignature = [UInt8](repeating: 1, count: 64)

    static func verify(_ algorithm: JWSAlgorithm, _ key: JWK, signature: [UInt8] = anySignature) throws -> Bool {
        try JWSSignature.verify(algorithm: algorithm, signingInput: input, signature: signature, key: key)
    }

    @Test("wrong kty for the algorithm throws", arguments: [
        (JWSAlgorithm.ES256, RFC7515Tests.rsaPublic),
        (.ES512, RFC8037Tests.publicJWK),
        (.RS256, RFC7515Tests.p256Public),
        (.PS256, RFC7515Tests.hs256Key),
        (.EdDSA, RFC7515Tests.p256Public),
        (.HS256, RFC8037Tests.publicJWK),
        (.HS256, RFC7515Tests.rsaPublic),
    ])
    func wrongKeyType(algorithm: JWSAlgorithm, key: JWK) {
        #expect(throws: CryptoError.self) { try Self.verify(algorithm, key) }
        #expect(throws: CryptoError.self) {
            try JWSSignature.sign(algorithm: algorithm, signingInput: Self.input, key: key)
        }
    }

    @Test("wrong curve throws: P-256 key for ES512, P-521 key for ES256, X25519 for EdDSA")
    func wrongCurve() {
        #expect(throws: CryptoError.self) { try Self.verify(.ES512, RFC7515Tests.p256Public) }
        #expect(throws: CryptoError.self) { try Self.verify(.ES256, RFC7515Tests.p521Public) }
        var x25519 = RFC8037Tests.publicJWK
        x25519.crv = "X25519"
        #expect(throws: CryptoError.self) { try Self.verify(.EdDSA, x25519) }
    }

    @Test("a JWK declared for another alg throws (RS256 key used for PS256)")
    func declaredAlgorithm() throws {
        var key = RFC7515Tests.rsaPublic
        key.alg = "RS256"
        #expect(throws: CryptoError.self) { try Self.verify(.PS256, key) }
        #expect(try Self.verify(.RS256, key, signature: b64u(RFC7515Tests.rs256Signature)) == false) // usable, wrong input
    }

    @Test("missing, malformed or wrong-length members throw")
    func badMembers() {
        var noY = RFC7515Tests.p256Public
        noY.y = nil
        #expect(throws: CryptoError.self) { try Self.verify(.ES256, noY) }

        var notBase64 = RFC7515Tests.p256Public
        notBase64.x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE+"
        #expect(throws: CryptoError.self) { try Self.verify(.ES256, notBase64) }

        var shortX = RFC8037Tests.publicJWK
        shortX.x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUQ"
        #expect(throws: CryptoError.self) { try Self.verify(.EdDSA, shortX) }

        var noModulus = RFC7515Tests.rsaPublic
        noModulus.n = nil
        #expect(throws: CryptoError.self) { try Self.verify(.RS256, noModulus) }

        // Signing needs the private member.
        #expect(throws: CryptoError.self) {
            try JWSSignature.sign(algorithm: .EdDSA, signingInput: Self.input, key: RFC8037Tests.publicJWK)
        }
        #expect(throws: CryptoError.self) {
            try JWSSignature.sign(algorithm: .ES256, signingInput: Self.input, key: RFC7515Tests.p256Public)
        }
        #expect(throws: CryptoError.self) {
            try JWSSignature.sign(algorithm: .RS256, signingInput: Self.input, key: RFC7515Tests.rsaPublic)
        }
        #expect(throws: CryptoError.self) {
            try JWSSignature.sign(algorithm: .HS256, signingInput: Self.input, key: JWK(kty: "oct"))
        }
    }

    @Test("an EC point that is not on the curve throws (invalid-curve keys are refused)")
    func pointOffCurve() {
        var offCurve = RFC7515Tests.p256Public
        offCurve.y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4"
        #expect(throws: CryptoError.self) { try Self.verify(.ES256, offCurve) }
    }

    @Test("the error says what is wrong in words, not a type name")
    func readableMessage() {
        let error = #expect(throws: CryptoError.self) { try Self.verify(.ES256, RFC7515Tests.rsaPublic) }
        #expect(error?.description == #"ES256 needs a key with kty "EC", but the JWK has kty "RSA""#)
    }
}
