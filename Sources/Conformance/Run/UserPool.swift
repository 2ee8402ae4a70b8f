import ConformanceCrypto

/// Users are created once per run and shared by every scenario that names them, so a
/// rate-limited production auth server is not hammered. Their emails carry the run id on a
/// reserved test domain; clean-up finds them by that domain and nothing else.
public actor UserPool {
    public let runID: String
    let provider: any IdentityProvider
    let redactor: Redactor
    private var identities: [String: Task<Identity, Error>] = [:]
    private var created: [String: Identity] = [:]
    private var attemptedEmails: [String] = []

    public init(runID: String, provider: any IdentityProvider, redactor: Redactor) {
        self.runID = runID
        self.provider = provider
        self.redactor = redactor
    }

    /// `@<run id>.conformance.test`: `.test` is reserved (RFC 2606), so no real mailbox is ever hit.
    public static func emailDomain(runID: String) -> String { "\(runID).conformance.test" }

    public func identity(_ logicalName: String) async throws -> Identity {
        if let task = identities[logicalName] { return try await task.value }
        let email = "\(logicalName.lowercased())-\(SecureRandom.alphanumeric(6).lowercased())@\(Self.emailDomain(runID: runID))"
        attemptedEmails.append(email)
        let password = redactor.newPassword()
        let provider = self.provider
        let task = Task { try await provider.create(logicalName: logicalName, email: email, password: password, name: "Conformance \(logicalName)") }
        identities[logicalName] = task
        let identity = try await task.value
        created[logicalName] = identity
        return identity
    }

    /// Replaces an identity after a fresh sign-in or token, so later steps use the new token.
    public func update(_ identity: Identity) {
        created[identity.logicalName] = identity
        identities[identity.logicalName] = Task { identity }
    }

    public var createdIdentities: [Identity] { Array(created.values) }
    public var emails: [String] { attemptedEmails }
}
