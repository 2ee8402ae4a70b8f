import ConformanceCrypto
import Foundation
import Testing

/// End to end on a `jwks."privateKey"` value encrypted by an independent implementation
/// (Python `cryptography`'s ChaCha20-Poly1305 with a hand-written HChaCha20): decrypt it the way
/// the harness will, rebuild the key, and check it is the key that signed a Better-Auth-style JWT.
@Suite("Better Auth private key storage")
struct BetterAuthPrivateKeyTests {
    typealias Fixture = PythonFixtures.BetterAuthKey

    /// The column holds a JSON string literal; inside it, hex of nonce || ciphertext || tag.
    static func storedBytes() throws -> (nonce: [UInt8], sealed: [UInt8]) {
        let hexText = try JSONDecoder().decode(String.self, from: Data(Fixture.privateKeyColumn.utf8))
        let bytes = try hex(hexText)
        return (Array(bytes.prefix(24)), Array(bytes.dropFirst(24)))
    }

    static var key: [UInt8] { Digest.sha256(utf8(Fixture.secret)) }

    @Test("open decrypts the column to the private JWK JSON")
    func decrypts() throws {
        let (nonce, sealed) = try Self.storedBytes()
        let plaintext = try XChaCha20Poly1305.open(key: Self.key, nonce: nonce, ciphertextAndTag: sealed)
        #expect(String(decoding: plaintext, as: UTF8.self) == Fixture.privateJWKJSON)
    }

    @Test("seal with the same key and nonce reproduces the independent ciphertext exactly")
    func sealMatchesIndependentImplementation() throws {
        let (nonce, sealed) = try Self.storedBytes()
        #expect(try XChaCha20Poly1305.seal(key: Self.key, nonce: nonce, plaintext: utf8(Fixture.privateJWKJSON)) == sealed)
    }

    @Test("the wrong secret cannot open it")
    func wrongSecret() throws {
        let (nonce, sealed) = try Self.storedBytes()
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Digest.sha256(utf8("not-the-secret")), nonce: nonce, ciphertextAndTag: sealed)
        }
    }

    @Test("the decrypted key is the one that signed the fixture JWT, and it signs identically")
    func decryptedKeySigns() throws {
        let (nonce, sealed) = try Self.storedBytes()
        let plaintext = try XChaCha20Poly1305.open(key: Self.key, nonce: nonce, ciphertextAndTag: sealed)
        let members = try JSONDecoder().decode([String: String].self, from: Data(plaintext))
        let privateJWK = JWK(kty: members["kty"] ?? "", crv: members["crv"], x: members["x"], d: members["d"], kid: "ba-fixture")
        let pair = try Ed25519KeyPair(privateJWK: privateJWK)
        #expect(pair.publicJWK == Fixture.publicJWK)

        let input = utf8(Fixture.jwtSigningInput)
        let signature = try b64u(Fixture.jwtSignature)
        #expect(try JWSSignature.verify(algorithm: .EdDSA, signingInput: input, signature: signature, key: Fixture.publicJWK))
        // Ed25519 is deterministic: the harness's signature equals Python's.
        #expect(try pair.sign(input) == signature)
        // A forged token (other subject) signed with the recovered key verifies like a real one.
        let forgedInput = utf8("eyJhbGciOiJFZERTQSIsImtpZCI6ImJhLWZpeHR1cmUifQ." + Base64URL.encode(utf8(#"{"sub":"user-b"}"#)))
        #expect(try JWSSignature.verify(algorithm: .EdDSA, signingInput: forgedInput, signature: pair.sign(forgedInput), key: Fixture.publicJWK))
    }
}
