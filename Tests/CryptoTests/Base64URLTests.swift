import ConformanceCrypto
import Testing

@Suite("Base64URL and Hex")
struct Base64URLTests {
    @Test("RFC 4648 §10 vectors, unpadded, in the URL-safe alphabet")
    func knownAnswers() throws {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
            ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(utf8(plain)) == encoded)
            #expect(Base64URL.decode(encoded) == utf8(plain))
        }
        // Bytes that need the two URL-safe symbols.
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("padded input is accepted too")
    func padded() {
        #expect(Base64URL.decode("Zg==") == utf8("f"))
        #expect(Base64URL.decode("Zm8=") == utf8("fo"))
        #expect(Base64URL.decode("Zm9v") == utf8("foo"))
    }

    @Test("every length and byte value round-trips")
    func roundTrip() {
        let all = (0...255).map { UInt8($0) }
        for length in 0...all.count {
            let bytes = Array(all.prefix(length))
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        for _ in 0..<50 {
            let bytes = SecureRandom.bytes(Int.random(in: 0...100))
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test("garbage is rejected", arguments: [
        "Zm9v+", "Zm9v/", "a+b/", // standard alphabet, not URL-safe
        "Zm 9v", " Zm9v", // spaces
        "Z", "Zm9vY", // a length no byte string encodes to
        "Zg=", "Zg===", "Z===", "=Zg", "Zg=a", "Zm9v=", // misplaced or wrong padding
        "Zh", "Zm9", // non-zero leftover bits: a second spelling of "f" / "fo"
        "Zm9v!", "é", "Zm9v.",
    ])
    func rejectsGarbage(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    /// Kept out of the parameterised list so the test log never prints raw control characters.
    @Test("line breaks, tabs and NUL are rejected")
    func rejectsControlCharacters() {
        for text in ["Zm9v\n", "Zm9v\r\n", "Zm\n9v", "Zm9v\t", "Zm9v\u{0}", "\u{0}"] {
            #expect(Base64URL.decode(text) == nil)
        }
    }

    @Test("Hex encodes lower case and decodes either case")
    func hexRoundTrip() {
        #expect(Hex.encode([0x00, 0x01, 0xAB, 0xFF]) == "0001abff")
        #expect(Hex.decode("0001abff") == [0x00, 0x01, 0xAB, 0xFF])
        #expect(Hex.decode("0001ABFF") == [0x00, 0x01, 0xAB, 0xFF])
        #expect(Hex.decode("") == [])
        let bytes = SecureRandom.bytes(64)
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }

    @Test("Hex rejects odd lengths and non-hex characters", arguments: ["0", "abc", "0g", "zz", "0x00", "00 11", "é0"])
    func hexRejects(text: String) {
        #expect(Hex.decode(text) == nil)
    }
}
