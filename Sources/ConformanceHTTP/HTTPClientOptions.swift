import Foundation

/// Settings shared by every request of one client.
public struct HTTPClientOptions: Sendable {
    /// PEM file of CA certificates to trust instead of the system store (e.g. a private CA).
    public var caFile: String? = nil
    /// Off only for a deliberately insecure target; on by default because the harness handles
    /// credentials.
    public var verifyTLS: Bool = true
    /// Cap on simultaneous connections to one host; further requests wait for a free one.
    public var maxConnectionsPerHost: Int = 64
    /// Sent unless a request carries its own `User-Agent`; empty sends none.
    public var userAgent: String = "conformance/0.1"
    /// Event-loop threads, each a curl multi handle of its own: one per core (at most 8), so
    /// a load phase is not held to one core's worth of HTTP processing.
    public var eventLoops: Int = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    public init() {}
}
