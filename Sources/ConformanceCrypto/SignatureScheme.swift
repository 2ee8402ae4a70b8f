/// How OpenSSL must be driven for each asymmetric JWS algorithm (RFC 7518 §3, RFC 8037 §3.1):
/// the digest, and for RSA the padding. Kept apart from OpenSSL.swift so the JOSE-to-OpenSSL
/// mapping is readable without the C plumbing.
enum SignatureScheme: Sendable {
    /// Ed25519 hashes internally: no digest is given to OpenSSL.
    case ed25519
    case ecdsa(SignatureDigest)
    case rsaPKCS1(SignatureDigest)
    /// RSASSA-PSS with MGF1 over the same digest and a salt as long as the digest.
    case rsaPSS(SignatureDigest)

    init?(_ algorithm: JWSAlgorithm) {
        switch algorithm {
        case .EdDSA: self = .ed25519
        case .ES256: self = .ecdsa(.sha256)
        case .ES512: self = .ecdsa(.sha512)
        case .RS256: self = .rsaPKCS1(.sha256)
        case .PS256: self = .rsaPSS(.sha256)
        case .HS256: return nil
        }
    }
}

enum SignatureDigest: Sendable {
    case sha256, sha512

    var length: Int {
        switch self {
        case .sha256: 32
        case .sha512: 64
        }
    }
}
