/// scrypt (RFC 7914), the key derivation behind Better Auth's password hashes
/// (N=16384, r=16, p=1, 64-byte key; see better-auth.md).
public enum Scrypt {
    /// Ceiling on the memory one derivation may use. Better Auth needs about 32 MiB; the
    /// ceiling only stops absurd parameters read from a target from exhausting the machine.
    public static let memoryLimit: UInt64 = 1 << 30

    public static func derive(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws -> [UInt8] {
        guard n > 1, n & (n - 1) == 0 else { throw CryptoError("scrypt N must be a power of two above 1, got \(n)") }
        guard r > 0, p > 0 else { throw CryptoError("scrypt r and p must be positive, got r=\(r), p=\(p)") }
        guard length > 0 else { throw CryptoError("scrypt output length must be positive, got \(length)") }
        // OpenSSL's own accounting: 128·r·p bytes for B plus 128·r·(N+2) for V.
        let (blockBytes, overflowB) = (128 * r).multipliedReportingOverflow(by: p)
        let (vectorBytes, overflowV) = (128 * r).multipliedReportingOverflow(by: n + 2)
        let (needed, overflowSum) = blockBytes.addingReportingOverflow(vectorBytes)
        guard !overflowB, !overflowV, !overflowSum, r < UInt64.max / 128, needed <= memoryLimit else {
            throw CryptoError("scrypt N=\(n), r=\(r), p=\(p) needs more than the \(memoryLimit >> 20) MiB allowed")
        }
        return try OpenSSL.scrypt(password: password, salt: salt, n: n, r: r, p: p, length: length, maxMemory: needed)
    }
}
