import ConformanceCrypto
import Testing

/// RFC 8037 Appendix A: Ed25519 keys and the EdDSA JWS example, byte for byte.
@Suite("RFC 8037 Ed25519")
struct RFC8037Tests {
    /// A.1
    static let privateJWK = JWK(kty: "OKP", crv: "Ed25519",
                                x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                                d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
    /// A.2
    static let publicJWK = JWK(kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
    /// A.4
    static let signingInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    static let signature = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    @Test("A.1/A.2: the public key is derived from the private key")
    func keys() throws {
        // The raw key bytes as printed in hex in A.1 and A.2.
        #expect(try b64u(Self.privateJWK.d ?? "") == (try hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")))
        #expect(try b64u(Self.publicJWK.x ?? "") == (try hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")))
        let pair = try Ed25519KeyPair(privateJWK: JWK(kty: "OKP", crv: "Ed25519", d: Self.privateJWK.d))
        #expect(pair.publicJWK.x == Self.publicJWK.x)
        #expect(pair.privateJWK.d == Self.privateJWK.d)
    }

    @Test("A.3: JWK thumbprint over the canonical JSON members")
    func thumbprint() throws {
        let canonical = #"{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#
        #expect(Base64URL.encode(Digest.sha256(utf8(canonical))) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test("A.4: signing gives exactly the RFC's signature, with the JWK and with the key pair")
    func sign() throws {
        #expect(Base64URL.encode(utf8(#"{"alg":"EdDSA"}"#)) == "eyJhbGciOiJFZERTQSJ9")
        let viaJWK = try JWSSignature.sign(algorithm: .EdDSA, signingInput: utf8(Self.signingInput), key: Self.privateJWK)
        #expect(Base64URL.encode(viaJWK) == Self.signature)
        let viaPair = try Ed25519KeyPair(privateJWK: Self.privateJWK).sign(utf8(Self.signingInput))
        #expect(Base64URL.encode(viaPair) == Self.signature)
    }

    @Test("A.5: the signature verifies with the public key")
    func verify() throws {
        #expect(try JWSSignature.verify(algorithm: .EdDSA, signingInput: utf8(Self.signingInput),
                                        signature: b64u(Self.signature), key: Self.publicJWK))
    }

    @Test("a tampered input or signature does not verify")
    func tampered() throws {
        let input = utf8(Self.signingInput)
        let signature = try b64u(Self.signature)
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: flipped(input, at: 5), signature: signature, key: Self.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: input, signature: flipped(signature, at: 0), key: Self.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: input, signature: flipped(signature, at: 63), key: Self.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: input, signature: Array(signature.prefix(63)), key: Self.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .EdDSA, signingInput: input, signature: [], key: Self.publicJWK))
    }

    @Test("a private JWK whose x belongs to another key is refused")
    func mismatchedPrivateJWK() throws {
        var wrong = Self.privateJWK
        wrong.x = try Ed25519KeyPair.generate().publicJWK.x
        #expect(throws: CryptoError.self) { try Ed25519KeyPair(privateJWK: wrong) }
        #expect(throws: CryptoError.self) {
            try JWSSignature.sign(algorithm: .EdDSA, signingInput: utf8(Self.signingInput), key: wrong)
        }
    }
}
