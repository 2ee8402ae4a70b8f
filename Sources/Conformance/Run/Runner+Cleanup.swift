import ConformancePostgres
import Foundation

/// The run's promise to leave nothing behind: a clean-up role that can keep it, checked before
/// the first sign-up; a journal that outlives the process; the clean-up itself at the end.
extension Runner {
    /// The connection the clean-up deletes through: a second role when the target gives one
    /// (`--cleanup-database-url`), else the run's own. Unless `--keep`, a run whose clean-up
    /// role could not delete its users refuses before creating any.
    func connectCleanup(database: Database?) async throws -> Database? {
        guard let database else { return nil }
        var cleanup = database
        if let url = target.cleanupDatabaseURL {
            redactor.add(DatabaseURL.password(of: url))
            do {
                cleanup = try await Database.connect(url: url)
            } catch let e as PostgresError {
                database.close()
                throw Refusal(description: "refusing to run: the clean-up database URL could not be reached (\(e.description)); nothing was created")
            }
            guard cleanup.location == database.location else {
                cleanup.close()
                throw Refusal(description: "refusing to run: the clean-up database URL points at \(cleanup.location), the database URL at \(database.location); they must be the same database; nothing was created")
            }
        }
        guard !options.keep else { return cleanup }
        let problem: String?
        do {
            problem = try await cleanup.cleanupProblem(target: target, users: target.declaredUserTable)
        } catch {
            problem = "its privileges could not be read (\(error))"
        }
        if let problem {
            if cleanup !== database { cleanup.close() }
            let role = target.cleanupDatabaseURL == nil ? "the database URL's role" : "the clean-up role"
            throw Refusal(description: "refusing to run: \(role) could not remove the run's users — \(problem). "
                + "Give --cleanup-database-url with a role that may DELETE them (README, \"Least privilege\"), "
                + "or --keep to leave the users in place on purpose; nothing was created")
        }
        return cleanup
    }

    /// The journal, before any user exists; a run that cannot write it does not start.
    func beginJournal(runID: String, started: Date, database: Database?) throws -> RunJournal? {
        guard let folder = options.journalFolder else { return nil }
        let identity: String
        switch target.identity {
        case .betterAuth: identity = "better-auth"
        case .custom: identity = "custom"
        case .none: identity = "none"
        }
        let header = RunJournal.Header(runID: runID, pid: getpid(), started: started, database: database?.location,
                                       emailDomain: target.users.emailDomain, identity: identity,
                                       targetFile: options.targetFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                       authURL: RunJournal.withoutUserinfo(target.authURL), apiURL: RunJournal.withoutUserinfo(target.apiURL),
                                       kept: options.keep)
        do {
            return try RunJournal.begin(folder: folder, header: header)
        } catch {
            throw Refusal(description: "refusing to run: \(error) (the journal names the run's users for `conformance cleanup`); nothing was created")
        }
    }

    /// Deletes the run's users and their rows; returns what was left behind, if anything, with
    /// the command that finishes the job.
    func cleanUp(context: RunContext, database: Database?, journal: RunJournal?) async -> String? {
        let runID = context.runID
        let emails = context.pool.emails
        let finish = "conformance cleanup --run \(runID)" + (options.reportsDirectory == "reports" ? "" : " --reports \(options.reportsDirectory)")
        if options.keep {
            journal?.close()
            context.note("--keep: the users of run \(runID) (\(emails.shown)) and their rows were left in place; `\(finish)` removes them")
            return nil
        }
        guard let db = database else {
            guard await !context.pool.attempted.isEmpty else {
                journal?.finished()
                return nil
            }
            journal?.cleanupFailed("no database")
            journal?.close()
            let why = target.databaseURL == nil ? "no database URL was given" : "the database could not be reached"
            context.note("clean-up could not run (\(why)): the users of run \(runID) are \(emails.shown); `\(finish) --database-url …` removes them")
            return nil
        }
        let ids = await context.pool.createdIdentities.map(\.id)
        do {
            // After Ctrl-C this task is cancelled, and cancelled queries do not run: the
            // clean-up gets a task of its own, which inherits no cancellation.
            let cleanup = Cleanup(database: db, target: target)
            let idsAreOurs = !target.identity.hasLogin
            let (report, users) = try await Task { () async throws -> (Cleanup.Report, UserDirectory.Answer) in
                let users = await context.userTable()
                var table: UserTable?
                if case .found(let t, _) = users {
                    table = t
                    journal?.usersTable(t)
                }
                return (try await cleanup.run(emails: emails, knownUserIDs: ids, users: table, idsAreOurs: idsAreOurs), users)
            }.value
            let rows = report.rows.sorted { $0.key < $1.key }.map { "\($0.value) from \($0.key)" }.joined(separator: ", ")
            var from = ""
            if case .found(let t, _) = users, !target.identity.isBetterAuth { from = " from \(t.display)" }
            context.note("clean-up: deleted \(report.users) user(s) of run \(runID)\(from)\(rows.isEmpty ? "" : " and rows: \(rows)")")
            if let left = report.leftBehind {
                context.note("clean-up: \(left)")
                journal?.cleanupFailed(left)
                journal?.close()
                return "\(left); `\(finish)` finishes the job"
            }
            journal?.finished()
            return nil
        } catch {
            let reason = "\(error)"
            context.note("clean-up failed: \(reason); the users of run \(runID) are \(emails.shown); `\(finish)` finishes the job")
            journal?.cleanupFailed(reason)
            journal?.close()
            return "clean-up failed (\(reason)); `\(finish)` finishes the job"
        }
    }
}
