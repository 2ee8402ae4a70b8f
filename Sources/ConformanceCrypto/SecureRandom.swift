/// Unpredictable bytes and identifiers from OpenSSL's CSPRNG, for forged keys, nonces, passwords
/// and user markers that another user must not be able to guess.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        OpenSSL.randomBytes(count)
    }

    /// `count` characters of `[A-Za-z0-9]`, uniformly distributed — the alphabet of Better Auth's
    /// ids, so generated values look like the ones the target makes.
    public static func alphanumeric(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        // Bytes at or above 248 (= 4 × 62) are discarded; keeping them would make the first
        // 8 characters of the alphabet more likely than the rest.
        let limit = UInt8(alphabet.count * 4)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            for byte in bytes(count - out.count + 8) where byte < limit && out.count < count {
                out.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
