/// HChaCha20 (draft-irtf-cfrg-xchacha §2.2): derives a ChaCha20 subkey from a key and the first
/// 16 bytes of an XChaCha20 nonce. Written in Swift because OpenSSL 3.0 does not provide it.
/// It works on public data shapes only (fixed sizes, no secret-dependent branches or indexes),
/// so a plain implementation is constant-time.
public enum HChaCha20 {
    /// 32-byte subkey from a 32-byte key and a 16-byte nonce.
    public static func subkey(key: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        guard key.count == 32 else { throw CryptoError("HChaCha20 needs a 32-byte key, got \(key.count)") }
        guard nonce.count == 16 else { throw CryptoError("HChaCha20 needs a 16-byte nonce, got \(nonce.count)") }

        // "expand 32-byte k", then the key, then the nonce where ChaCha20 has counter and nonce.
        var state: [UInt32] = [0x6170_7865, 0x3320_646E, 0x7962_2D32, 0x6B20_6574]
        state += littleEndianWords(key)
        state += littleEndianWords(nonce)

        for _ in 0..<10 {
            quarterRound(&state, 0, 4, 8, 12)
            quarterRound(&state, 1, 5, 9, 13)
            quarterRound(&state, 2, 6, 10, 14)
            quarterRound(&state, 3, 7, 11, 15)
            quarterRound(&state, 0, 5, 10, 15)
            quarterRound(&state, 1, 6, 11, 12)
            quarterRound(&state, 2, 7, 8, 13)
            quarterRound(&state, 3, 4, 9, 14)
        }

        // Unlike the ChaCha20 block function there is no final addition of the input state:
        // the first and last rows are the subkey.
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in state[0..<4] + state[12..<16] {
            for shift: UInt32 in [0, 8, 16, 24] {
                out.append(UInt8(truncatingIfNeeded: word >> shift))
            }
        }
        return out
    }

    private static func quarterRound(_ s: inout [UInt32], _ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        s[a] &+= s[b]; s[d] ^= s[a]; s[d] = rotate(s[d], 16)
        s[c] &+= s[d]; s[b] ^= s[c]; s[b] = rotate(s[b], 12)
        s[a] &+= s[b]; s[d] ^= s[a]; s[d] = rotate(s[d], 8)
        s[c] &+= s[d]; s[b] ^= s[c]; s[b] = rotate(s[b], 7)
    }

    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        value << count | value >> (32 - count)
    }

    private static func littleEndianWords(_ bytes: [UInt8]) -> [UInt32] {
        stride(from: 0, to: bytes.count, by: 4).map { index -> UInt32 in
            var word: UInt32 = 0
            for offset in (0..<4).reversed() {
                word = word << 8 | UInt32(bytes[index + offset])
            }
            return word
        }
    }
}
