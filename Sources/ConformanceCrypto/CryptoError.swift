/// Why a cryptographic operation could not be carried out: an unusable key, malformed input, or
/// OpenSSL refusing. A signature that simply does not verify is *not* an error (it is `false`),
/// because the harness treats "the back end accepted a bad signature" as a finding, not a crash.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
