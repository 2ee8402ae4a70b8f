/// JWS signatures (RFC 7515 §5) over a signing input the caller has already assembled
/// (`base64url(header) + "." + base64url(payload)`), in JOSE's wire form: raw r||s for ECDSA,
/// as the JWT carries it, rather than OpenSSL's DER.
public enum JWSSignature {
    /// `false` when the signature does not verify (including one of the wrong length);
    /// throws `CryptoError` when the key cannot be used for `algorithm` at all.
    public static func verify(algorithm: JWSAlgorithm, signingInput: [UInt8], signature: [UInt8], key: JWK) throws -> Bool {
        guard let scheme = SignatureScheme(algorithm) else {
            return verifyHS256(signingInput: signingInput, signature: signature, secret: try key.symmetricKey())
        }
        let material = try key.publicKeyMaterial(for: algorithm)
        var native = signature
        if case .ec(let curve, _, _) = material {
            // RFC 7518 §3.4: exactly two fixed-width halves; anything else is not an ES signature.
            let size = curve.coordinateSize
            guard signature.count == 2 * size else { return false }
            native = try OpenSSL.ecdsaDERSignature(r: Array(signature.prefix(size)), s: Array(signature.suffix(size)))
        }
        return try OpenSSL.verify(scheme: scheme, key: material, message: signingInput, signature: native)
    }

    /// Signs with a private JWK: `OKP` with `d` (EdDSA), `EC` with `d` (ES256/ES512), `RSA` with
    /// `n`, `e`, `d` (RS256/PS256), `oct` with `k` (HS256).
    public static func sign(algorithm: JWSAlgorithm, signingInput: [UInt8], key: JWK) throws -> [UInt8] {
        guard let scheme = SignatureScheme(algorithm) else {
            return signHS256(signingInput: signingInput, secret: try key.symmetricKey())
        }
        let material = try key.privateKeyMaterial(for: algorithm)
        switch material {
        case .ed25519(let seed):
            // A JWK whose x belongs to another key would sign tokens its own JWKS entry rejects.
            if let x = key.x, Base64URL.decode(x) != (try OpenSSL.ed25519PublicKey(seed: seed)) {
                throw CryptoError("the JWK's \"x\" is not the public key of its \"d\"")
            }
            return try OpenSSL.sign(scheme: scheme, key: material, message: signingInput)
        case .ec(let curve, _, _, _):
            let der = try OpenSSL.sign(scheme: scheme, key: material, message: signingInput)
            return try OpenSSL.ecdsaRawSignature(der: der, size: curve.coordinateSize)
        case .rsa:
            return try OpenSSL.sign(scheme: scheme, key: material, message: signingInput)
        }
    }

    /// HS256 with raw secret bytes — e.g. a `BETTER_AUTH_SECRET`, or the bytes of a public key
    /// for an algorithm-confusion probe — where there is no `oct` JWK.
    public static func signHS256(signingInput: [UInt8], secret: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: secret, data: signingInput)
    }

    /// Constant-time check of an HS256 signature against raw secret bytes.
    public static func verifyHS256(signingInput: [UInt8], signature: [UInt8], secret: [UInt8]) -> Bool {
        ConstantTime.equal(signHS256(signingInput: signingInput, secret: secret), signature)
    }
}
