/// Scheme + host + port: the unit credentials are scoped to. 127.0.0.1 and localhost are
/// different origins, as are two ports on one host and http vs https.
public struct HTTPOrigin: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `nil` when the URL cannot be parsed (libcurl's URL parser decides).
    public init?(url: String) {
        guard let origin = CurlURL.origin(url) else { return nil }
        self = origin
    }

    public var description: String { "\(scheme)://\(host):\(port)" }
}
