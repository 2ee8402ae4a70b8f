import ConformanceCrypto
import Testing

@Suite("scrypt")
struct ScryptTests {
    @Test("RFC 7914 §12: N=16, r=1, p=1, empty password and salt")
    func smallVector() throws {
        let key = try Scrypt.derive(password: [], salt: [], n: 16, r: 1, p: 1, length: 64)
        #expect(key == (try hex("""
            77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442
            fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906
            """)))
    }

    @Test("RFC 7914 §12: \"password\"/\"NaCl\", N=1024, r=8, p=16")
    func parallelVector() throws {
        let key = try Scrypt.derive(password: utf8("password"), salt: utf8("NaCl"), n: 1024, r: 8, p: 16, length: 64)
        #expect(key == (try hex("""
            fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162
            2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640
            """)))
    }

    @Test("RFC 7914 §12: \"pleaseletmein\"/\"SodiumChloride\", N=16384, r=8, p=1")
    func largeVector() throws {
        let key = try Scrypt.derive(password: utf8("pleaseletmein"), salt: utf8("SodiumChloride"), n: 16384, r: 8, p: 1, length: 64)
        #expect(key == (try hex("""
            7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2
            d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887
            """)))
    }

    @Test("Better Auth's parameters (N=16384, r=16, p=1, above OpenSSL's 32 MiB default) reproduce a Python-made hash")
    func betterAuthHash() throws {
        let parts = PythonFixtures.PasswordHash.hash.split(separator: ":").map(String.init)
        try #require(parts.count == 2)
        // The salt given to scrypt is the hex text itself, not the bytes it spells.
        let key = try Scrypt.derive(password: utf8(PythonFixtures.PasswordHash.password), salt: utf8(parts[0]),
                                    n: 16384, r: 16, p: 1, length: 64)
        #expect(Hex.encode(key) == parts[1])
        let wrong = try Scrypt.derive(password: utf8("correct horse battery stapler"), salt: utf8(parts[0]),
                                      n: 16384, r: 16, p: 1, length: 64)
        #expect(Hex.encode(wrong) != parts[1])
    }

    @Test("bad parameters throw instead of reaching OpenSSL")
    func badParameters() {
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 15, r: 1, p: 1, length: 64) }
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 1, r: 1, p: 1, length: 64) }
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 16, r: 0, p: 1, length: 64) }
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 16, r: 1, p: 0, length: 64) }
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 16, r: 1, p: 1, length: 0) }
        // 1 << 30 · 8 · 128 bytes: far beyond the memory limit, refused up front.
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 1 << 30, r: 8, p: 1, length: 64) }
        #expect(throws: CryptoError.self) { try Scrypt.derive(password: [], salt: [], n: 1 << 62, r: 1 << 40, p: 1, length: 64) }
    }
}
