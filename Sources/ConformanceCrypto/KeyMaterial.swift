/// Keys as plain bytes, decoded and checked from JWK members. This is the hand-over between the
/// JOSE world (strings, `kty`, `crv`) and OpenSSL.swift, which only ever sees these values.

/// The elliptic curves JOSE names for ES256 and ES512.
enum ECCurve: Sendable {
    case p256, p521

    /// The `crv` member.
    var jwkName: String {
        switch self {
        case .p256: "P-256"
        case .p521: "P-521"
        }
    }

    /// OpenSSL's group name for EVP_PKEY_fromdata.
    var groupName: String {
        switch self {
        case .p256: "prime256v1"
        case .p521: "secp521r1"
        }
    }

    /// Bytes in one coordinate, one scalar, and each half of a JOSE r||s signature
    /// (RFC 7518 §3.4: 32 for P-256, 66 for P-521).
    var coordinateSize: Int {
        switch self {
        case .p256: 32
        case .p521: 66
        }
    }
}

enum PublicKeyMaterial: Sendable {
    case ed25519(publicKey: [UInt8])
    case ec(curve: ECCurve, x: [UInt8], y: [UInt8])
    case rsa(n: [UInt8], e: [UInt8])
}

enum PrivateKeyMaterial: Sendable {
    case ed25519(seed: [UInt8])
    /// `x`/`y` are optional: ECDSA signing needs only the scalar.
    case ec(curve: ECCurve, d: [UInt8], x: [UInt8]?, y: [UInt8]?)
    /// Only n, e, d: the JWK type carries no CRT members, and OpenSSL signs without them.
    case rsa(n: [UInt8], e: [UInt8], d: [UInt8])
}

extension JWK {
    /// The public key for verifying `algorithm`, or an error saying why this JWK cannot be one.
    func publicKeyMaterial(for algorithm: JWSAlgorithm) throws -> PublicKeyMaterial {
        try checkUsable(for: algorithm)
        switch algorithm {
        case .EdDSA:
            return .ed25519(publicKey: try member("x", x, length: 32))
        case .ES256, .ES512:
            let curve = try ecCurve(for: algorithm)
            return .ec(curve: curve,
                       x: try member("x", x, length: curve.coordinateSize),
                       y: try member("y", y, length: curve.coordinateSize))
        case .RS256, .PS256:
            return .rsa(n: try member("n", n), e: try member("e", e))
        case .HS256:
            throw CryptoError("HS256 uses a shared secret, not a public key")
        }
    }

    /// The private key for signing with `algorithm`.
    func privateKeyMaterial(for algorithm: JWSAlgorithm) throws -> PrivateKeyMaterial {
        try checkUsable(for: algorithm)
        switch algorithm {
        case .EdDSA:
            return .ed25519(seed: try member("d", d, length: 32))
        case .ES256, .ES512:
            let curve = try ecCurve(for: algorithm)
            let scalar = try member("d", d, length: curve.coordinateSize)
            let pointX = try x.map { try member("x", $0, length: curve.coordinateSize) }
            let pointY = try y.map { try member("y", $0, length: curve.coordinateSize) }
            guard (pointX == nil) == (pointY == nil) else {
                throw CryptoError("EC JWK has only one of \"x\" and \"y\"")
            }
            return .ec(curve: curve, d: scalar, x: pointX, y: pointY)
        case .RS256, .PS256:
            return .rsa(n: try member("n", n), e: try member("e", e), d: try member("d", d))
        case .HS256:
            throw CryptoError("HS256 uses a shared secret, not a private key")
        }
    }

    /// The HMAC secret of an `oct` key.
    func symmetricKey() throws -> [UInt8] {
        try checkUsable(for: .HS256)
        return try member("k", k)
    }

    /// The `kty` each algorithm needs (RFC 7518 §3.1, RFC 8037 §3.1).
    static func keyType(for algorithm: JWSAlgorithm) -> String {
        switch algorithm {
        case .EdDSA: "OKP"
        case .ES256, .ES512: "EC"
        case .RS256, .PS256: "RSA"
        case .HS256: "oct"
        }
    }

    /// Rejects a key whose type, curve or declared `alg` does not fit, so that a verifier never
    /// "succeeds" with a key the algorithm was not meant for.
    private func checkUsable(for algorithm: JWSAlgorithm) throws {
        let needed = JWK.keyType(for: algorithm)
        guard kty == needed else {
            throw CryptoError("\(algorithm.rawValue) needs a key with kty \"\(needed)\", but the JWK has kty \"\(kty)\"")
        }
        if algorithm == .EdDSA, crv != "Ed25519" {
            throw CryptoError("EdDSA is supported with crv Ed25519 only, but the JWK has crv \(describe(crv))")
        }
        if let declared = alg, declared != algorithm.rawValue {
            throw CryptoError("the JWK is declared for alg \"\(declared)\", not \(algorithm.rawValue)")
        }
    }

    private func ecCurve(for algorithm: JWSAlgorithm) throws -> ECCurve {
        let curve: ECCurve = algorithm == .ES512 ? .p521 : .p256
        guard crv == curve.jwkName else {
            throw CryptoError("\(algorithm.rawValue) needs crv \(curve.jwkName), but the JWK has crv \(describe(crv))")
        }
        return curve
    }

    private func member(_ name: String, _ value: String?, length: Int? = nil) throws -> [UInt8] {
        guard let value else { throw CryptoError("the JWK has no \"\(name)\" member") }
        guard let bytes = Base64URL.decode(value) else {
            throw CryptoError("the JWK member \"\(name)\" is not valid base64url")
        }
        // JOSE fixes these lengths (RFC 7518 §6.2.1.2, RFC 8037 §2); a short value is a broken key,
        // not something to pad silently.
        if let length, bytes.count != length {
            throw CryptoError("the JWK member \"\(name)\" has \(bytes.count) bytes; \(kty) \(describe(crv)) needs \(length)")
        }
        guard !bytes.isEmpty else { throw CryptoError("the JWK member \"\(name)\" is empty") }
        return bytes
    }

    private func describe(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "(none)"
    }
}
