import ConformanceCrypto
import Testing

@Suite("Digest and ConstantTime")
struct DigestTests {
    @Test("SHA-256 FIPS 180-2 vectors")
    func sha256() throws {
        #expect(Digest.sha256([]) == (try hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
        #expect(Digest.sha256(utf8("abc")) == (try hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")))
        #expect(Digest.sha256(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
            == (try hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")))
    }

    @Test("HMAC-SHA-256 RFC 4231 test cases 1, 2 and 6 (key longer than a block)")
    func hmac() throws {
        #expect(Digest.hmacSHA256(key: [UInt8](repeating: 0x0B, count: 20), data: utf8("Hi There"))
            == (try hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")))
        #expect(Digest.hmacSHA256(key: utf8("Jefe"), data: utf8("what do ya want for nothing?"))
            == (try hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")))
        #expect(Digest.hmacSHA256(key: [UInt8](repeating: 0xAA, count: 131),
                                  data: utf8("Test Using Larger Than Block-Size Key - Hash Key First"))
            == (try hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")))
    }

    @Test("HMAC with an empty key still works (OpenSSL must not see a NULL key)")
    func hmacEmptyKey() throws {
        // Python: hmac.new(b"", b"", "sha256").hexdigest()
        #expect(Digest.hmacSHA256(key: [], data: [])
            == (try hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")))
    }

    @Test("ConstantTime.equal")
    func constantTime() {
        #expect(ConstantTime.equal([], []))
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equal([], [0]))
    }
}
