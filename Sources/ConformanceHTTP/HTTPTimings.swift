/// Phase durations of one exchange, in seconds from the start of the transfer, as libcurl
/// measures them (CURLINFO_CONNECT_TIME, CURLINFO_STARTTRANSFER_TIME, CURLINFO_TOTAL_TIME).
/// `connect` is 0 when a kept-alive connection was reused. When redirects were followed these
/// are the timings of the last hop.
public struct HTTPTimings: Sendable, Hashable {
    public var connect: Double
    public var firstByte: Double
    public var total: Double

    public init(connect: Double, firstByte: Double, total: Double) {
        self.connect = connect
        self.firstByte = firstByte
        self.total = total
    }
}
