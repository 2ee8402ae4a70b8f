/// What transport security a connection really uses, for the report (Neon requires TLS, and
/// `sslmode=require` alone does not check who the server is).
public struct TLSInfo: Sendable, Hashable {
    public var inUse: Bool
    /// e.g. "TLSv1.3".
    public var version: String?
    /// e.g. "TLS_AES_256_GCM_SHA384".
    public var cipher: String?
    /// The sslmode in effect (libpq's default "prefer" when the URL names none).
    public var sslmode: String?
    /// True only when TLS is in use and libpq checked the server certificate against a root
    /// certificate (sslmode verify-ca or verify-full).
    public var certificateVerified: Bool
    /// The channel_binding setting in effect (disable, prefer, require).
    public var channelBinding: String?
    /// The root certificate file libpq was told to trust, if any.
    public var rootCertificate: String?

    public init(inUse: Bool = false, version: String? = nil, cipher: String? = nil,
                sslmode: String? = nil, certificateVerified: Bool = false,
                channelBinding: String? = nil, rootCertificate: String? = nil) {
        self.inUse = inUse
        self.version = version
        self.cipher = cipher
        self.sslmode = sslmode
        self.certificateVerified = certificateVerified
        self.channelBinding = channelBinding
        self.rootCertificate = rootCertificate
    }

    /// One line for a report, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384, sslmode=verify-full, server certificate verified".
    public var summary: String {
        guard inUse else { return "no TLS (sslmode=\(sslmode ?? "unknown"))" }
        let suite = [version, cipher].compactMap { $0 }.joined(separator: " ")
        let check = certificateVerified ? "server certificate verified" : "server certificate NOT verified"
        return "\(suite.isEmpty ? "TLS" : suite), sslmode=\(sslmode ?? "unknown"), \(check)"
    }
}
