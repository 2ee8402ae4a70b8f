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
    /// Seconds one statement may take before the driver gives up on the server, closes the
    /// connection and throws a `.connection` error with `timedOut` set. libpq has no query
    /// timeout, and `statement_timeout` is enforced by the server, which is no help when the
    /// server (or the network to it) stops answering.
    public var queryTimeout = 60.0
    /// Sent as `fallback_application_name`, so `pg_stat_activity` shows who is connected unless
    /// the URL names an application itself.
    public var applicationName = "conformance"

    /// Called after each failed attempt that will be retried, with its number (1-based) and
    /// why it failed (password masked): lets a caller show "waking the compute…" — and lets a
    /// test act at a known point of the connection phase.
    public var onRetry: (@Sendable (_ attempt: Int, _ reason: String) -> Void)?

    public init() {}
}
