import ConformanceHTTP

/// Everything a run shares: the target, the drivers, the users, the redactor and the oracles'
/// memory. Built once by `Runner`; steps and checks read it, never the environment or flags.
public final class RunContext: Sendable {
    public let runID: String
    public let target: Target
    public let options: RunOptions
    public let redactor: Redactor
    public let http: any APISession
    public let identities: any IdentityProvider
    public let betterAuth: BetterAuthProvider?
    public let pool: UserPool
    /// Where the app keeps its users (Better Auth's table, an app's own, or unknown).
    public let users: UserDirectory
    public let database: Database?
    public let databaseProblem: String?
    public let resources: ResourceClient
    public let markers: Markers
    public let ledger: Ledger
    public let environment: [String: String]
    public let notes = Locked<[String]>([])

    init(runID: String, target: Target, options: RunOptions, redactor: Redactor, http: any APISession,
         identities: any IdentityProvider, betterAuth: BetterAuthProvider?, database: Database?, databaseProblem: String?,
         environment: [String: String], journal: RunJournal? = nil) {
        self.runID = runID
        self.target = target
        self.options = options
        self.redactor = redactor
        self.http = http
        self.identities = identities
        self.betterAuth = betterAuth
        self.pool = UserPool(emails: TestEmails(runID: runID, domain: target.users.emailDomain), provider: identities, redactor: redactor,
                             journal: journal)
        self.users = UserDirectory(target: target, database: database)
        self.database = database
        self.databaseProblem = databaseProblem
        self.resources = ResourceClient(session: http, target: target)
        self.markers = Markers(runID: runID)
        self.ledger = Ledger()
        self.environment = environment
    }

    /// The API's OpenAPI document, fetched once per run whoever asks first (nil when the target
    /// says there is none); every check that reads it shares the same answer.
    public func openAPIExchange() async -> Exchange? {
        guard let path = target.openAPIPath else { return nil }
        let task = openAPI.withLock { cached -> Task<Exchange, Never> in
            if let cached { return cached }
            let url = Target.join(target.apiURL, path)
            let http = self.http
            let fetch = Task { await http.send("GET", url) }
            cached = fetch
            return fetch
        }
        return await task.value
    }
    private let openAPI = Locked<Task<Exchange, Never>?>(nil)

    public func note(_ text: String) { notes.withLock { $0.append(text) } }

    public func resource(_ name: String) -> Resource? { target.resources[name] }

    /// `c`, or an error when a dependency broke while it was observed (`DependencyFailure`):
    /// the database is asked whether it still answers only when the case saw a server failure.
    public func unlessDependencyFailed(_ c: CaseResult) async -> CaseResult {
        guard DependencyFailure.sawFailedAnswer(c) else { return c }
        var down = false
        if let database {
            do { _ = try await database.read("SELECT 1") } catch { down = !(error is CancellationError) && !Task.isCancelled }
        }
        return DependencyFailure.judge(c, authBaseURL: target.identity.isBetterAuth ? target.authBaseURL : nil, databaseDown: down)
    }

    /// The users table, recognised by the run's own sign-ups when the target does not name it.
    public func userTable() async -> UserDirectory.Answer {
        await users.resolve(emails: await pool.attempted)
    }
}

/// Options the command line builds once; the runner never reads flags itself.
public struct RunOptions: Sendable {
    public var jobs = 4
    public var keep = false
    public var verbose = false
    public var reportsDirectory = "reports"
    /// Seconds an identity route may answer nothing but 429 before its requests give up
    /// (`--rate-limit-patience`; see `PacedSession`).
    public var rateLimitPatience = PacedSession.defaultPatience
    /// What each criterion demands, from the pack's `pack.json`, carried into the results.
    public var criteria: [String: CriterionInfo] = [:]
    /// Where the run's journal goes (`RunJournal`); nil: no journal (a library caller's choice —
    /// the command line always keeps one, in `<reports>/.runs`).
    public var journalFolder: String?
    /// The target file the run was given, recorded in the journal for `conformance cleanup`.
    public var targetFile: String?
    public init() {}
}
