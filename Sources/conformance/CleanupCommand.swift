import ArgumentParser
import Conformance
import ConformancePostgres
import Foundation

/// Finishes what a run could not: deletes the users its journal names (and their rows) for
/// runs that are no longer running — killed, cut off from the database, or kept with `--keep`.
struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete the users (and their rows) of runs that did not clean up after themselves (exit 0 done, 2 something left).")

    @OptionGroup var target: TargetOptions

    @Option(name: .customLong("reports"), help: "The reports folder the runs wrote to; their journals are in <reports>/.runs.")
    var reports: String = "reports"

    @Option(name: .customLong("run"), help: "Only this run (repeatable); a run kept with --keep is cleaned only when named.")
    var runs: [String] = []

    @Flag(name: .customLong("dry-run"), help: "List what would be deleted; delete nothing.")
    var dryRun = false

    func run() async throws {
        let folder = RunJournal.folder(reports: reports)
        var entries = JournalEntry.all(in: folder)
        if !runs.isEmpty {
            let missing = runs.filter { id in !entries.contains { $0.header.runID == id } }
            guard missing.isEmpty else {
                throw failInput(LoadError(file: folder, location: "--run", message: "no journal for run \(missing.joined(separator: ", ")) here"))
            }
            entries = entries.filter { runs.contains($0.header.runID) }
        }
        guard !entries.isEmpty else {
            say("nothing to clean up: no run journals in \(folder)")
            return
        }
        let redactor = Redactor()
        var failed = 0
        var connections: [String: Database] = [:]
        defer { connections.values.forEach { $0.close() } }
        for entry in entries {
            let id = entry.header.runID
            guard let lock = JournalLock.take(entry.path) else {
                say("run \(id): still running (pid \(entry.header.pid)); skipped")
                continue
            }
            defer { lock.release() }
            if entry.header.kept, !runs.contains(id) {
                say("run \(id): kept with --keep; name it (--run \(id)) to delete its users")
                continue
            }
            let users = "\(entry.emails.count) announced user(s) (\(entry.testEmails.shown))"
            if dryRun {
                say("run \(id): would delete \(users) and their rows" + (entry.header.database.map { " in \($0)" } ?? ""))
                continue
            }
            do {
                let t = try loadTarget(for: entry)
                guard let url = t.cleanupDatabaseURL ?? t.databaseURL else {
                    throw CleanupProblem("no database URL: give --database-url (or --cleanup-database-url), or set DATABASE_URL")
                }
                redactor.add(DatabaseURL.password(of: url))
                let database: Database
                if let open = connections[url] {
                    database = open
                } else {
                    database = try await Database.connect(url: url)
                    connections[url] = database
                }
                if let expected = entry.header.database, expected != database.location {
                    throw CleanupProblem("the run worked on \(expected), this URL points at \(database.location); give that database's URL")
                }
                let report = try await JournalCleanup(database: database, target: t).clean(entry)
                let rows = report.rows.sorted { $0.key < $1.key }.map { "\($0.value) from \($0.key)" }.joined(separator: ", ")
                say("run \(id): deleted \(report.users) user(s)" + (rows.isEmpty ? "" : " and rows: \(rows)"))
                if let left = report.leftBehind {
                    failed += 1
                    say(redactor.redact("run \(id): \(left)"))
                }
            } catch let e as ExitCode {
                throw e
            } catch {
                failed += 1
                writeErr(redactor.redact("error: run \(id): \(error)\n"))
            }
        }
        if failed > 0 { throw ExitCode(2) }
    }

    /// The run's target: what is given now, else what the journal recorded (its target file and
    /// URLs — nothing is sent to them; the clean-up needs the resource tables and users table).
    func loadTarget(for entry: JournalEntry) throws -> Target {
        let env = try target.environment()
        var o = TargetLoader.Overrides()
        o.authURL = target.authURL ?? entry.header.authURL
        o.apiURL = target.apiURL ?? entry.header.apiURL
        o.databaseURL = target.databaseURL
        o.cleanupDatabaseURL = target.cleanupDatabaseURL
        var file = target.targetFile
        if file == nil, let recorded = entry.header.targetFile, FileManager.default.fileExists(atPath: recorded) { file = recorded }
        return try TargetLoader(environment: env).load(file: file, overrides: o)
    }
}

struct CleanupProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
