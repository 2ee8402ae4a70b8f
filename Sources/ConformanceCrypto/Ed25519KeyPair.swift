/// An Ed25519 key pair as JWKs (RFC 8037). The harness mints these to sign tokens with keys the
/// target has never published — a back end that accepts them is not checking the JWKS.
public struct Ed25519KeyPair: Sendable {
    /// The RFC 8032 private key (32-byte seed, JWK `d`).
    private let seed: [UInt8]
    /// JWK `x`.
    private let publicKey: [UInt8]
    /// Carried into both JWKs so a forged token's header can name it.
    public var kid: String?

    public static func generate() throws -> Ed25519KeyPair {
        try Ed25519KeyPair(seed: OpenSSL.generateEd25519Seed(), kid: nil)
    }

    /// From a private JWK (`kty` OKP, `crv` Ed25519, `d`; `x` checked when present).
    public init(privateJWK: JWK) throws {
        guard case .ed25519(let seed) = try privateJWK.privateKeyMaterial(for: .EdDSA) else {
            throw CryptoError("not an Ed25519 private key")
        }
        try self.init(seed: seed, kid: privateJWK.kid)
        if let x = privateJWK.x, Base64URL.decode(x) != publicKey {
            throw CryptoError("the JWK's \"x\" is not the public key of its \"d\"")
        }
    }

    private init(seed: [UInt8], kid: String?) throws {
        self.seed = seed
        self.publicKey = try OpenSSL.ed25519PublicKey(seed: seed)
        self.kid = kid
    }

    /// Shaped like a Better Auth JWKS entry: `kty`, `crv`, `x`, `alg`, `kid`.
    public var publicJWK: JWK {
        JWK(kty: "OKP", crv: "Ed25519", x: Base64URL.encode(publicKey), kid: kid, alg: JWSAlgorithm.EdDSA.rawValue)
    }

    public var privateJWK: JWK {
        var jwk = publicJWK
        jwk.d = Base64URL.encode(seed)
        return jwk
    }

    /// A 64-byte EdDSA signature (deterministic, as Ed25519 is).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try OpenSSL.sign(scheme: .ed25519, key: .ed25519(seed: seed), message: message)
    }
}
