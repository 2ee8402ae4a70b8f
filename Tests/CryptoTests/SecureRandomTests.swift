import ConformanceCrypto
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test("bytes has the asked length and does not repeat")
    func bytes() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(1).count == 1)
        #expect(SecureRandom.bytes(1000).count == 1000)
        // 2^-256 chance of a false failure.
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test("alphanumeric uses exactly [A-Za-z0-9], every symbol of it")
    func alphanumeric() {
        #expect(SecureRandom.alphanumeric(0).isEmpty)
        #expect(SecureRandom.alphanumeric(32).count == 32)
        let sample = SecureRandom.alphanumeric(20_000)
        #expect(sample.count == 20_000)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        #expect(Set(sample).isSubset(of: allowed))
        // With 20 000 draws every one of the 62 symbols appears (miss chance ~ 62·e^-322).
        #expect(Set(sample) == allowed)
        #expect(SecureRandom.alphanumeric(32) != SecureRandom.alphanumeric(32))
    }
}
