/// What came back. A non-2xx status is a response, not an error: judging it is the caller's job.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Every header line of the final response, in order, including repeated names.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    public var bodyTruncated: Bool
    /// More header lines came than `HTTPRequest.maxResponseHeaders`; only the first are kept.
    public var headersTruncated: Bool
    public var effectiveURL: String
    public var timings: HTTPTimings
    /// The URLs followed, in order (absolute), when the request asked for redirects.
    public var redirects: [String]

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], bodyTruncated: Bool = false,
                headersTruncated: Bool = false, effectiveURL: String, timings: HTTPTimings = HTTPTimings(connect: 0, firstByte: 0, total: 0),
                redirects: [String] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.headersTruncated = headersTruncated
        self.effectiveURL = effectiveURL
        self.timings = timings
        self.redirects = redirects
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.hasName(name) }?.value
    }

    /// Every header with this name, in order (e.g. all `Set-Cookie` lines).
    public func headers(named name: String) -> [String] {
        headers.compactMap { $0.hasName(name) ? $0.value : nil }
    }

    /// The body decoded as UTF-8; invalid sequences become U+FFFD rather than failing, because
    /// apps under test may return anything.
    public var text: String {
        String(decoding: body, as: UTF8.self)
    }
}
