import ConformanceCrypto
import Foundation
import Testing

/// Tokens and `jwks` rows made by Better Auth's own code (see BetterAuthIssued), for each
/// algorithm its JWT plugin can be configured with: what the harness meets on a real target.
@Suite("Tokens and keys issued by Better Auth")
struct BetterAuthIssuedTests {
    struct Row: Decodable, Sendable {
        var alg: String
        var kid: String
        var publicKey: String
        var privateKey: String
        var token: String
    }

    static func row(_ alg: JWSAlgorithm) throws -> Row {
        let rows = try BetterAuthIssued.rows.split(separator: "\n").map {
            try JSONDecoder().decode(Row.self, from: Data($0.utf8))
        }
        return try #require(rows.first { $0.alg == alg.rawValue }, "no fixture row for \(alg.rawValue)")
    }

    /// JWK members from JSON, as the JWT module will do it for real.
    static func jwk(fromJSON json: String) throws -> JWK {
        let members = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        return JWK(kty: members["kty"] ?? "", crv: members["crv"], x: members["x"], y: members["y"],
                   n: members["n"], e: members["e"], d: members["d"], k: members["k"],
                   kid: members["kid"], alg: members["alg"])
    }

    /// Signing input and signature of a compact JWS.
    static func split(_ token: String) throws -> (input: [UInt8], signature: [UInt8]) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        return (utf8(parts[0] + "." + parts[1]), try b64u(String(parts[2])))
    }

    /// The private JWK inside the `privateKey` column: JSON string → hex → XChaCha20-Poly1305.
    static func decryptPrivateKey(_ column: String, secret: String) throws -> JWK {
        let hexText = try JSONDecoder().decode(String.self, from: Data(column.utf8))
        let bytes = try hex(hexText)
        let plaintext = try XChaCha20Poly1305.open(key: Digest.sha256(utf8(secret)), nonce: Array(bytes.prefix(24)),
                                                   ciphertextAndTag: Array(bytes.dropFirst(24)))
        return try jwk(fromJSON: String(decoding: plaintext, as: UTF8.self))
    }

    static let algorithms: [JWSAlgorithm] = [.EdDSA, .ES256, .ES512, .RS256, .PS256]

    /// Whether two algorithms take the same kind of key (for EC, the curve differs).
    static func sameKeyType(_ a: JWSAlgorithm, _ b: JWSAlgorithm) -> Bool {
        let rsa: Set<JWSAlgorithm> = [.RS256, .PS256]
        return a == b || (rsa.contains(a) && rsa.contains(b))
    }

    @Test("the token verifies with the published public key", arguments: algorithms)
    func verifies(alg: JWSAlgorithm) throws {
        let row = try Self.row(alg)
        let (input, signature) = try Self.split(row.token)
        #expect(try JWSSignature.verify(algorithm: alg, signingInput: input, signature: signature, key: Self.jwk(fromJSON: row.publicKey)))
    }

    @Test("the token with its payload or signature altered does not verify", arguments: algorithms)
    func tampered(alg: JWSAlgorithm) throws {
        let row = try Self.row(alg)
        let (input, signature) = try Self.split(row.token)
        let key = try Self.jwk(fromJSON: row.publicKey)
        #expect(try !JWSSignature.verify(algorithm: alg, signingInput: flipped(input, at: input.count - 2), signature: signature, key: key))
        #expect(try !JWSSignature.verify(algorithm: alg, signingInput: input, signature: flipped(signature, at: signature.count / 2), key: key))
    }

    @Test("a key from another row (same or other algorithm) is refused or does not verify", arguments: algorithms)
    func otherKeys(alg: JWSAlgorithm) throws {
        let (input, signature) = try Self.split(Self.row(alg).token)
        for other in Self.algorithms where other != alg {
            let otherKey = try Self.jwk(fromJSON: Self.row(other).publicKey)
            // RS256 and PS256 keys are both RSA: usable, but the signature is not theirs.
            if Self.sameKeyType(alg, other) {
                #expect(try !JWSSignature.verify(algorithm: alg, signingInput: input, signature: signature, key: otherKey))
            } else {
                #expect(throws: CryptoError.self) {
                    try JWSSignature.verify(algorithm: alg, signingInput: input, signature: signature, key: otherKey)
                }
            }
        }
    }

    @Test("the stored private key decrypts with the secret and signs tokens the public key accepts", arguments: algorithms)
    func storedPrivateKeySigns(alg: JWSAlgorithm) throws {
        let row = try Self.row(alg)
        let privateJWK = try Self.decryptPrivateKey(row.privateKey, secret: BetterAuthIssued.secret)
        let publicJWK = try Self.jwk(fromJSON: row.publicKey)
        #expect(privateJWK.publicOnly == publicJWK)

        let forged = utf8(Base64URL.encode(utf8(#"{"alg":"\#(alg.rawValue)","kid":"\#(row.kid)"}"#)) + "."
                          + Base64URL.encode(utf8(#"{"sub":"another-user","exp":1}"#)))
        let signature = try JWSSignature.sign(algorithm: alg, signingInput: forged, key: privateJWK)
        #expect(try JWSSignature.verify(algorithm: alg, signingInput: forged, signature: signature, key: publicJWK))

        // Deterministic schemes reproduce Better Auth's own signature byte for byte.
        if alg == .EdDSA || alg == .RS256 {
            let (input, original) = try Self.split(row.token)
            #expect(try JWSSignature.sign(algorithm: alg, signingInput: input, key: privateJWK) == original)
        }
    }

    @Test("the wrong secret cannot decrypt the stored private key", arguments: algorithms)
    func wrongSecret(alg: JWSAlgorithm) throws {
        let row = try Self.row(alg)
        #expect(throws: CryptoError.self) {
            try Self.decryptPrivateKey(row.privateKey, secret: "better-auth-secret-12345678901234567890")
        }
    }
}
