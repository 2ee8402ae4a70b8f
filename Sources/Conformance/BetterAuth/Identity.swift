/// A user this run created, with what it needs to act as that user. Every secret in it is
/// registered with the redactor the moment it is learnt.
public struct Identity: Sendable {
    public var logicalName: String
    public var id: String
    public var email: String
    public var name: String
    public var password: String
    /// The `Cookie` header value that carries the session, as the server set it.
    public var cookie: String?
    public var sessionToken: String?
    /// The bearer the API expects (a JWT from the JWT plugin, or the session token).
    public var apiToken: String?
    /// The sign-up's exchange; nil for an app without login, where the harness picked the id.
    public var signUp: Exchange?
    /// The id as the app's JSON gave it (a number for integer ids), for expectations and bodies.
    public var idValue: JSONValue?
    public var tokenExchange: Exchange?
    /// Problems found with what the auth server issued (a JWT that does not verify...).
    public var tokenProblems: [String] = []

}

/// Why a user could not be created or signed in: the exchange is the evidence.
public struct IdentityError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var exchange: Exchange?
    /// True when the service could not be reached at all (an infrastructure error, not a finding).
    public var unreachable: Bool
    public var description: String { message }
}
