import ConformanceCrypto
import Testing

/// UTF-8 bytes of a string literal (signing inputs, passwords).
func utf8(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Decodes a base64url test constant, failing the test (not crashing) if the constant is wrong.
func b64u(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    try #require(Base64URL.decode(text), "not base64url: \(text)", sourceLocation: sourceLocation)
}

/// Decodes a hex test constant; whitespace is allowed so long vectors can be wrapped as printed.
func hex(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    let compact = String(text.filter { !$0.isWhitespace })
    return try #require(Hex.decode(compact), "not hex: \(text)", sourceLocation: sourceLocation)
}

/// The same bytes with one bit flipped at `index` — the smallest possible tampering.
func flipped(_ bytes: [UInt8], at index: Int) -> [UInt8] {
    var copy = bytes
    copy[index] ^= 0x01
    return copy
}
