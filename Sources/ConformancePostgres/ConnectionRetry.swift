/// When and how long to wait before trying to connect again.
///
/// Neon suspends idle computes and wakes them on the next connection, which can take a few
/// seconds and surfaces as refused connections or timeouts; retrying the connection phase with
/// backoff rides that out. Queries are never retried: a repeated assertion could hide a flaky
/// result or apply a write twice.
enum ConnectionRetry {
    /// Seconds to wait after failed attempt number `attempt` (1-based): exponential backoff capped
    /// at `maxDelay`, with "equal jitter" (half fixed, half random) so that many harness runs
    /// waking the same compute do not retry in lockstep, yet never retry immediately.
    /// `random` is in 0...1 (a parameter so tests can pin it).
    static func delay(afterAttempt attempt: Int, options: ConnectOptions, random: Double) -> Double {
        let exponent = Double(max(0, attempt - 1))
        let ceiling = min(max(0, options.maxDelay), max(0, options.baseDelay) * pow2(exponent))
        let unit = min(1, max(0, random))
        return ceiling / 2 + ceiling / 2 * unit
    }

    private static func pow2(_ exponent: Double) -> Double {
        // Cap the exponent so a large maxAttempts cannot overflow to infinity.
        var result = 1.0
        for _ in 0..<Int(min(exponent, 60)) { result *= 2 }
        return result
    }

    /// Failures that another attempt cannot fix (wrong password, unknown database, certificate
    /// mismatch, bad parameter): retrying them only delays a clear answer, and repeating a wrong
    /// password can get an account locked.
    static func isPermanent(message: String, needsPassword: Bool) -> Bool {
        if needsPassword { return true }
        let text = message.lowercased()
        return permanentMarkers.contains { text.contains($0) }
    }

    private static let permanentMarkers = [
        "password authentication failed",
        "authentication failed",
        "no password supplied",
        "password is too long",
        "does not exist",                    // database or role
        "no pg_hba.conf entry",
        "permission denied",
        "certificate verify failed",
        "server certificate",                // "... does not match host name"
        "root certificate",
        "does not support ssl",
        "ssl is not enabled",
        "channel binding",
        "invalid connection option",
        "invalid sslmode",
        "invalid integer value",
        "invalid port number",
        "endpoint id is not specified",      // Neon: SNI missing; needs options=endpoint%3D...
        "unsupported startup parameter",     // PgBouncer rejecting options=-c...
        "unknown endpoint",
        "could not be found",
    ]
}
