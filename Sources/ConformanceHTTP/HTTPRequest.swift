/// What to send. Headers go out exactly as given, in order: the driver adds only what HTTP
/// framing needs (`Host`, `Content-Length`) and the client's `User-Agent` unless one is given.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    /// `nil` sends no body. For POST, PUT and PATCH `nil` is sent as an empty body with
    /// `Content-Length: 0`, because HTTP/1.1 servers may refuse such requests without a length.
    public var body: [UInt8]?
    /// Seconds for the whole exchange, redirects included.
    public var timeout: Double = 30
    /// Seconds to establish each connection (TCP + TLS).
    public var connectTimeout: Double = 10
    /// When true: at most 5 hops, and `Authorization`/`Cookie` are dropped for good on the
    /// first hop to another origin (scheme + host + port), so credentials never leave the
    /// origin they were meant for.
    public var followRedirects: Bool = false
    /// Body bytes beyond this are discarded (the transfer stops) and `bodyTruncated` is set:
    /// a hostile or broken server must not be able to exhaust memory.
    public var maxResponseBytes: Int = 8 << 20
    /// Header lines of the final response kept; later ones are dropped (not parsed, not stored)
    /// and `headersTruncated` is set. A server sending thousands of headers must not make every
    /// look-up, redaction and report of the exchange pay for them.
    public var maxResponseHeaders: Int = 256
    /// Bytes of header lines (all blocks, 1xx interim ones included) after which the transfer
    /// is stopped with a `.responseTooLarge` error: headers that never end would otherwise run
    /// until the timeout, and curl buffers each line whole.
    public var maxResponseHeaderBytes: Int = 256 << 10

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
