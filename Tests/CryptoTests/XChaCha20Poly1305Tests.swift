import ConformanceCrypto
import Testing

/// draft-irtf-cfrg-xchacha-03: HChaCha20 (§2.2.1) and the XChaCha20-Poly1305 AEAD (§A.3.1).
@Suite("XChaCha20-Poly1305")
struct XChaCha20Poly1305Tests {
    static let key = (0x80...0x9F).map { UInt8($0) }
    static let nonce = (0x40...0x57).map { UInt8($0) }
    static let aad: [UInt8] = [0x50, 0x51, 0x52, 0x53, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7]
    static let plaintext = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
    static let ciphertext = """
        bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
        731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
        2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
        21f9664c97637da9768812f615c68b13b52e
        """
    static let tag = "c0875924c1c7987947deafd8780acf49"

    @Test("§2.2.1: HChaCha20 test vector")
    func hchacha20() throws {
        let subkey = try HChaCha20.subkey(key: (0x00...0x1F).map { UInt8($0) },
                                          nonce: hex("000000090000004a0000000031415927"))
        #expect(subkey == (try hex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc")))
    }

    @Test("§A.3.1: seal gives the draft's ciphertext and tag; open inverts it")
    func knownAnswer() throws {
        let expected = try hex(Self.ciphertext + Self.tag)
        let sealed = try XChaCha20Poly1305.seal(key: Self.key, nonce: Self.nonce, plaintext: Self.plaintext, aad: Self.aad)
        #expect(sealed == expected)
        let opened = try XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertextAndTag: expected, aad: Self.aad)
        #expect(opened == Self.plaintext)
    }

    @Test("a tampered tag, ciphertext, nonce, key or AAD throws")
    func tampered() throws {
        let sealed = try hex(Self.ciphertext + Self.tag)
        let last = sealed.count - 1
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertextAndTag: flipped(sealed, at: last), aad: Self.aad)
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertextAndTag: flipped(sealed, at: 0), aad: Self.aad)
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: flipped(Self.nonce, at: 2), ciphertextAndTag: sealed, aad: Self.aad)
        }
        // A change in the last 8 nonce bytes (the part that reaches the inner IETF nonce).
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: flipped(Self.nonce, at: 20), ciphertextAndTag: sealed, aad: Self.aad)
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: flipped(Self.key, at: 31), nonce: Self.nonce, ciphertextAndTag: sealed, aad: Self.aad)
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertextAndTag: sealed)
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertextAndTag: Array(sealed.dropLast()), aad: Self.aad)
        }
    }

    @Test("wrong key or nonce sizes, and input shorter than a tag, throw")
    func sizes() {
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.seal(key: Array(Self.key.prefix(16)), nonce: Self.nonce, plaintext: [1])
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.seal(key: Self.key, nonce: Array(Self.nonce.prefix(12)), plaintext: [1])
        }
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertextAndTag: [UInt8](repeating: 0, count: 15))
        }
        #expect(throws: CryptoError.self) { try HChaCha20.subkey(key: Self.key, nonce: Self.nonce) }
    }

    @Test("round trips: empty plaintext, no AAD, random sizes")
    func roundTrips() throws {
        for length in [0, 1, 15, 16, 17, 63, 64, 65, 1000] {
            let key = SecureRandom.bytes(32)
            let nonce = SecureRandom.bytes(24)
            let message = SecureRandom.bytes(length)
            let sealed = try XChaCha20Poly1305.seal(key: key, nonce: nonce, plaintext: message)
            #expect(sealed.count == length + 16)
            #expect(try XChaCha20Poly1305.open(key: key, nonce: nonce, ciphertextAndTag: sealed) == message)
        }
    }
}
