/// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3), the cipher of Better Auth's stored private
/// keys (`jwks."privateKey"`: hex of nonce || ciphertext || tag, key = SHA-256 of the secret).
/// Built from HChaCha20 and OpenSSL's IETF ChaCha20-Poly1305, since OpenSSL 3.0 lacks XChaCha.
public enum XChaCha20Poly1305 {
    public static let keyLength = 32
    public static let nonceLength = 24
    public static let tagLength = 16

    /// Plaintext from ciphertext || 16-byte tag; throws when the tag does not authenticate.
    public static func open(key: [UInt8], nonce: [UInt8], ciphertextAndTag: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        let (subkey, innerNonce) = try derive(key: key, nonce: nonce)
        return try OpenSSL.chacha20Poly1305Open(key: subkey, nonce: innerNonce, ciphertextAndTag: ciphertextAndTag, aad: aad)
    }

    /// Ciphertext || 16-byte tag.
    public static func seal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        let (subkey, innerNonce) = try derive(key: key, nonce: nonce)
        return try OpenSSL.chacha20Poly1305Seal(key: subkey, nonce: innerNonce, plaintext: plaintext, aad: aad)
    }

    /// The subkey from the first 16 nonce bytes, and the 12-byte IETF nonce made of four zero
    /// bytes and the last 8 nonce bytes.
    private static func derive(key: [UInt8], nonce: [UInt8]) throws -> (subkey: [UInt8], nonce: [UInt8]) {
        guard key.count == keyLength else { throw CryptoError("XChaCha20-Poly1305 needs a 32-byte key, got \(key.count)") }
        guard nonce.count == nonceLength else {
            throw CryptoError("XChaCha20-Poly1305 needs a 24-byte nonce, got \(nonce.count)")
        }
        let subkey = try HChaCha20.subkey(key: key, nonce: Array(nonce[0..<16]))
        return (subkey, [0, 0, 0, 0] + nonce[16..<24])
    }
}
