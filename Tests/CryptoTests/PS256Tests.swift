import ConformanceCrypto
import Testing

/// PS256 against a signature made by Python's `cryptography` (RFC 7515 has no PS256 example).
@Suite("PS256")
struct PS256Tests {
    typealias Fixture = PythonFixtures.PS256

    @Test("verifies the independently made signature (MGF1-SHA-256, 32-byte salt)")
    func verifiesFixture() throws {
        #expect(try JWSSignature.verify(algorithm: .PS256, signingInput: utf8(Fixture.signingInput),
                                        signature: b64u(Fixture.signature), key: Fixture.publicJWK))
    }

    @Test("a tampered input or signature does not verify; PS256 is not RS256")
    func tampered() throws {
        let input = utf8(Fixture.signingInput)
        let signature = try b64u(Fixture.signature)
        #expect(try !JWSSignature.verify(algorithm: .PS256, signingInput: flipped(input, at: 3), signature: signature, key: Fixture.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .PS256, signingInput: input, signature: flipped(signature, at: 255), key: Fixture.publicJWK))
        #expect(try !JWSSignature.verify(algorithm: .RS256, signingInput: input, signature: signature, key: Fixture.publicJWK))
    }

    @Test("signing with n, e, d gives randomised signatures that verify")
    func signs() throws {
        let input = utf8("eyJhbGciOiJQUzI1NiJ9.e30")
        let first = try JWSSignature.sign(algorithm: .PS256, signingInput: input, key: Fixture.privateJWK)
        let second = try JWSSignature.sign(algorithm: .PS256, signingInput: input, key: Fixture.privateJWK)
        #expect(first.count == 256)
        #expect(first != second) // the salt is random
        #expect(try JWSSignature.verify(algorithm: .PS256, signingInput: input, signature: first, key: Fixture.publicJWK))
        #expect(try JWSSignature.verify(algorithm: .PS256, signingInput: input, signature: second, key: Fixture.publicJWK))
    }
}
