/// How hard `PostgresConnection.connect` tries. Only the connection phase is ever retried.
public struct ConnectOptions: Sendable {
    /// Total connection attempts, the first included.
    public var maxAttempts = 5
    /// Seconds before the second attempt; doubles after each failure (with jitter).
    public var baseDelay = 0.25
    /// Upper bound of one wait between attempts, in seconds.
    public var maxDelay = 4.0
    /// Seconds per attempt, added as `connect_timeout` when the URL names none. Neon advises
    /// 10–20 s because a suspended compute takes a moment to wake.
    public var connectTimeout = 15
    /// Sent as `fallback_application_name`, so `pg_stat_activity` shows who is connected unless
    /// the URL names an application itself.
    public var applicationName = "conformance"

    public init() {}
}
