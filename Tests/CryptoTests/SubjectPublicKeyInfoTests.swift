import ConformanceCrypto
import Testing

/// The PEM a back end would load for a JWKS key, compared with what Python's `cryptography` writes.
@Suite("SubjectPublicKeyInfo")
struct SubjectPublicKeyInfoTests {
    @Test("RSA, EC P-256 and Ed25519 keys give the same PEM as Python")
    func matchesPython() throws {
        #expect(try SubjectPublicKeyInfo.pem(for: PythonFixtures.PS256.publicJWK, algorithm: .PS256) == PythonFixtures.PS256.spkiPEM)
        #expect(try SubjectPublicKeyInfo.pem(for: PythonFixtures.BetterAuthKey.publicJWK, algorithm: .EdDSA)
            == PythonFixtures.BetterAuthKey.spkiPEM)
        #expect(try SubjectPublicKeyInfo.pem(for: RFC7515Tests.p256Public, algorithm: .ES256) == """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7
            6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
            -----END PUBLIC KEY-----

            """)
        #expect(try SubjectPublicKeyInfo.pem(for: RFC8037Tests.publicJWK, algorithm: .EdDSA) == """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
            -----END PUBLIC KEY-----

            """)
    }

    @Test("DER of an Ed25519 key is the 12-byte RFC 8410 prefix and the raw key")
    func ed25519DER() throws {
        let der = try SubjectPublicKeyInfo.der(for: RFC8037Tests.publicJWK, algorithm: .EdDSA)
        #expect(der == (try hex("302a300506032b6570032100")) + (try b64u(RFC8037Tests.publicJWK.x ?? "")))
    }
}
