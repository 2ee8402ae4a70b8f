/// Hashes and MACs the harness needs: SHA-256 (JWK thumbprints, Better Auth's key derivation from
/// its secret) and HMAC-SHA-256 (HS256 tokens).
public enum Digest {
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        OpenSSL.sha256(data)
    }

    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        OpenSSL.hmacSHA256(key: key, data: data)
    }
}
