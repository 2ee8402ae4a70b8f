import ConformanceCrypto
import ConformanceHTTP
import ConformancePostgres
import Foundation

/// Load → plan → run → judge → report: this type does the "run" part for a whole pack. It builds
/// the drivers once, runs independent scenarios in parallel, and always cleans up what it created.
public struct Runner: Sendable {
    public let target: Target
    public let options: RunOptions
    public let environment: [String: String]
    public let redactor: Redactor

    public init(target: Target, options: RunOptions, environment: [String: String], redactor: Redactor) {
        self.target = target
        self.options = options
        self.environment = environment
        self.redactor = redactor
    }

    /// A refusal to start: nothing has been created (exit status 2).
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func newRunID() -> String { "r" + SecureRandom.alphanumeric(9).lowercased() }

    public func run(_ scenarios: [Scenario], runID: String = Runner.newRunID(), progress: @escaping @Sendable (RunEvent) -> Void) async throws -> RunResult {
        let started = Date()
        redactor.addAuthSecrets(environment, secret: target.secret)
        redactor.add(target.databaseURL.flatMap(DatabaseURL.password(of:)))

        var httpOptions = HTTPClientOptions()
        httpOptions.caFile = target.caFile
        let client = try HTTPClient(options: httpOptions)
        defer { client.shutdown() }
        let http = HTTPSession(client: client, timeout: target.requestTimeout)

        // The database first: a branch guard must refuse before any user is created.
        var database: Database?
        var databaseProblem: String?
        if let url = target.databaseURL {
            do {
                let db = try await Database.connect(url: url)
                database = db
                if let expected = target.neonBranch {
                    let actual = try await db.neonBranchID()
                    if actual != expected {
                        db.close()
                        throw Refusal(description: "refusing to run: the database's neon.branch_id is \(actual ?? "not set (not Neon)"), but --neon-branch asks for \(expected); nothing was created")
                    }
                }
            } catch let e as PostgresError {
                databaseProblem = "the database could not be reached: \(e.description)"
            }
            if database == nil, let expected = target.neonBranch {
                // The branch guard fails closed: without a connection it cannot tell.
                throw Refusal(description: "refusing to run: --neon-branch \(expected) was asked for, but the database could not be reached to check it (\(databaseProblem ?? "no connection")); nothing was created")
            }
        } else if let expected = target.neonBranch {
            throw Refusal(description: "refusing to run: --neon-branch \(expected) was asked for, but no database URL was given to check it; nothing was created")
        } else {
            databaseProblem = "no database URL was given (--database-url or DATABASE_URL); database checks are skipped"
        }
        defer { database?.close() }

        let cleanupDatabase = try await connectCleanup(database: database)
        defer { if cleanupDatabase !== database { cleanupDatabase?.close() } }
        let journal = try beginJournal(runID: runID, started: started, database: database)

        // Every identity request of the run, whichever scenario or job makes it, queues here:
        // a rate-limited auth server is paced once for the run, not by each caller on its own.
        let paced = PacedSession(base: http, patience: options.rateLimitPatience)
        let betterAuth: BetterAuthProvider?
        let identities: any IdentityProvider
        switch target.identity {
        case .betterAuth:
            let p = BetterAuthProvider(client: BetterAuthClient(session: paced, baseURL: target.authBaseURL), tokenSource: target.tokenSource,
                                       redactor: redactor)
            betterAuth = p
            identities = p
        case .custom(let config):
            betterAuth = BetterAuthProvider(client: BetterAuthClient(session: paced, baseURL: target.authBaseURL), tokenSource: target.tokenSource,
                                            redactor: redactor)
            identities = CustomIdentityProvider(session: paced, config: config, redactor: redactor)
        case .none:
            betterAuth = nil
            identities = NoLoginProvider()
        }
        let context = RunContext(runID: runID, target: target, options: options, redactor: redactor, http: http,
                                 identities: identities, betterAuth: betterAuth, database: database, databaseProblem: databaseProblem,
                                 environment: environment, journal: journal)
        if let p = databaseProblem { context.note(p) }

        // A load phase measures latency: it runs alone, after everything else, so that other
        // scenarios' traffic does not inflate its figures.
        let exclusive = scenarios.filter(\.runsAlone)
        var suites = await runScenarios(scenarios.filter { !$0.runsAlone }, context: context, progress: progress)
        for scenario in exclusive where !Task.isCancelled {
            suites += await runScenarios([scenario], context: context, progress: progress)
        }
        if Task.isCancelled {
            context.note("the run was interrupted: \(suites.count) of \(scenarios.count) scenario(s) ran, some of them only in part")
        }
        suites.sort { a, b in
            (scenarios.firstIndex { $0.id == a.scenarioID } ?? 0) < (scenarios.firstIndex { $0.id == b.scenarioID } ?? 0)
        }

        let cleanupProblem = await cleanUp(context: context, database: cleanupDatabase, journal: journal)
        let waits = paced.waits
        if let line = RateLimitWait.summary(waits) { context.note(line) }
        if database?.connection.connectAttempts ?? 1 > 1 {
            context.note("the database connection took \(database?.connection.connectAttempts ?? 0) attempts (compute waking up?)")
        }

        var result = RunResult(runID: runID, startedAt: started, seconds: Date().timeIntervalSince(started),
                               target: describe(database: database), suites: suites, notes: context.notes.current)
        result.criteria = options.criteria
        result.rateLimitWaits = waits
        result.signUps = await context.pool.signUps
        result.cleanupProblem = cleanupProblem
        return result
    }

    /// A shard dealt no scenario: an ordinary run with nothing to do — no user, no database, no
    /// journal — whose reports are valid and empty, and say which part of the selection it was.
    public func emptyRun(runID: String) -> RunResult {
        var result = RunResult(runID: runID, startedAt: Date(), seconds: 0, target: describe(database: nil), suites: [],
                               notes: ["this shard was dealt no scenario of the selection: nothing ran"])
        result.criteria = options.criteria
        return result
    }

    func runScenarios(_ scenarios: [Scenario], context: RunContext, progress: @escaping @Sendable (RunEvent) -> Void) async -> [SuiteResult] {
        let runner = ScenarioRunner(context: context)
        let jobs = max(1, options.jobs)
        var results: [Int: SuiteResult] = [:]
        await withTaskGroup(of: (Int, SuiteResult).self) { group in
            var next = 0
            func launch() {
                guard next < scenarios.count else { return }
                let index = next
                let scenario = scenarios[index]
                next += 1
                group.addTask {
                    progress(.scenarioStarted(id: scenario.id, criterion: scenario.criterion))
                    let suite = await PacedSession.$scenario.withValue(scenario.id) {
                        await runner.run(scenario) { c in progress(.caseFinished(scenarioID: scenario.id, c)) }
                    }
                    progress(.scenarioFinished(suite))
                    return (index, suite)
                }
            }
            for _ in 0..<min(jobs, scenarios.count) { launch() }
            for await (i, suite) in group {
                results[i] = suite
                if !Task.isCancelled { launch() }
            }
        }
        return scenarios.indices.compactMap { results[$0] }
    }

    func describe(database: Database?) -> [(String, String)] {
        var out: [(String, String)] = [
            ("auth", target.authBaseURL),
            ("api", target.apiURL),
            ("identity", target.identity.isBetterAuth ? "Better Auth (\(target.tokenSource.rawValue))" : "custom routes"),
        ]
        if let url = target.databaseURL { out.append(("database", DatabaseURL.redacted(url))) }
        if let db = database {
            out.append(("database server", db.connection.serverVersion))
            out.append(("database TLS", db.connection.tls.inUse ? "\(db.connection.tls.version ?? "TLS") (sslmode \(db.connection.tls.sslmode ?? "?"))" : "not in use"))
        }
        return out.map { ($0.0, $0.1) }
    }
}

extension Scenario {
    /// Scenarios whose figures other traffic would distort.
    var runsAlone: Bool {
        steps.contains { if case .check(let c) = $0.kind { return c.check.runsAlone }; return false }
    }
}
