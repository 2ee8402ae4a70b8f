/// Comparison of secrets (MACs, tags) whose running time does not reveal the first differing
/// byte, so the harness itself never models the timing leak it may be testing for.
public enum ConstantTime {
    /// `false` for different lengths (the length itself is not treated as secret).
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        OpenSSL.constantTimeEqual(a, b)
    }
}
