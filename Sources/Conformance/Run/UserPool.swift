import ConformanceCrypto

/// Users are created once per run and shared by every scenario that names them, so a
/// rate-limited production auth server is not hammered. Their emails carry the run id
/// (`TestEmails`); clean-up finds them by that and nothing else.
public actor UserPool {
    public let runID: String
    public let emails: TestEmails
    let provider: any IdentityProvider
    let redactor: Redactor
    /// Where each sign-up is announced before it is sent (nil: a library caller without one).
    public let journal: RunJournal?
    private var identities: [String: Task<Identity, Error>] = [:]
    private var created: [String: Identity] = [:]
    private var attemptedEmails: [String] = []
    // Wall time with at least one creation in flight: creations overlap, so their durations
    // would add up to more than the run spent on them.
    private var signUpSeconds = 0.0
    private var inFlight = 0
    private var busySince = ContinuousClock.now

    public init(emails: TestEmails, provider: any IdentityProvider, redactor: Redactor, journal: RunJournal? = nil) {
        self.journal = journal
        self.runID = emails.runID
        self.emails = emails
        self.provider = provider
        self.redactor = redactor
    }

    public func identity(_ logicalName: String) async throws -> Identity {
        if let task = identities[logicalName] { return try await task.value }
        let email = emails.address(for: logicalName)
        // Written and synced before the request: a run killed during the sign-up still names
        // the user for `conformance cleanup`.
        try journal?.willSignUp(email)
        attemptedEmails.append(email)
        let password = redactor.newPassword()
        let provider = self.provider
        let task = Task { try await provider.create(logicalName: logicalName, email: email, password: password, name: "Conformance \(logicalName)") }
        identities[logicalName] = task
        if inFlight == 0 { busySince = .now }
        inFlight += 1
        defer {
            inFlight -= 1
            if inFlight == 0 { signUpSeconds += Self.seconds(busySince.duration(to: .now)) }
        }
        let identity = try await task.value
        created[logicalName] = identity
        journal?.signedUp(email, id: identity.id)
        return identity
    }

    /// Replaces an identity after a fresh sign-in or token, so later steps use the new token.
    public func update(_ identity: Identity) {
        created[identity.logicalName] = identity
        identities[identity.logicalName] = Task { identity }
    }

    /// Announces a sign-up a check makes itself (a probe user, a second sign-up with a known
    /// address); false when the journal could not be written, and the sign-up must not go out.
    public nonisolated func announce(_ email: String) -> Bool {
        guard let journal else { return true }
        return (try? journal.willSignUp(email)) != nil
    }

    public var createdIdentities: [Identity] { Array(created.values) }

    /// The users created and the wall time spent creating them (sign-up, sign-in, token; while
    /// any creation was in flight): a per-user cost a reader of the run's time wants apart
    /// from the checks' requests.
    public var signUps: SignUpTime { SignUpTime(users: created.count, seconds: signUpSeconds) }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
    public var attempted: [String] { attemptedEmails }
}
