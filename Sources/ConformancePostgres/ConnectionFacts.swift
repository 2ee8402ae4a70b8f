/// What a connection turned out to be, read once right after connecting so that the public
/// properties of `PostgresConnection` never need a trip to the libpq queue.
struct ConnectionFacts: Sendable {
    var host: String
    var port: String
    var database: String
    var user: String
    var serverVersion: String
    var backendPID: Int32
    var tls: TLSInfo
    /// Every connection parameter in effect, as libpq reports it, without the password.
    var parameters: [String: String]
}
