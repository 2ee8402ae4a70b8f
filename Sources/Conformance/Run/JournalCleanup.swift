import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a run journal (`RunJournal`) says, read back by `conformance cleanup`.
public struct JournalEntry: Sendable {
    public var path: String
    public var header: RunJournal.Header
    /// Every address the run announced before signing it up.
    public var emails: [String] = []
    /// Ids the app answered sign-ups with.
    public var ids: [String] = []
    public var usersTable: UserTable?
    public var cleanupFailure: String?

    /// Reads one journal; nil when its first line is not a journal header. A run killed
    /// mid-write leaves at most a partial last line, which is skipped.
    public static func read(path: String) -> JournalEntry? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var entry: JournalEntry?
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let value = try? JSONParser.parse(Array(line)) else { continue }
            guard var e = entry else {
                guard let header = RunJournal.Header(json: value) else { return nil }
                entry = JournalEntry(path: path, header: header)
                continue
            }
            if let email = value["user"]?.stringValue, !e.emails.contains(email) { e.emails.append(email) }
            if let id = value["id"]?.stringValue, !e.ids.contains(id) { e.ids.append(id) }
            if let t = value["usersTable"], let table = t["table"]?.stringValue {
                e.usersTable = UserTable(schema: t["schema"]?.stringValue ?? "public", table: table,
                                         idColumn: t["id"]?.stringValue ?? "id", emailColumn: t["email"]?.stringValue ?? "email")
            }
            if let reason = value["cleanupFailed"]?.stringValue { e.cleanupFailure = reason }
            entry = e
        }
        return entry
    }

    /// Every journal in `folder`, oldest first (none when the folder does not exist).
    public static func all(in folder: String) -> [JournalEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted()
            .compactMap { read(path: folder + "/" + $0) }
            .sorted { $0.header.started < $1.header.started }
    }

    public var testEmails: TestEmails { TestEmails(runID: header.runID, domain: header.emailDomain) }
}

/// The lock a running run holds on its journal, taken by `cleanup` for the time it works on it:
/// if it can be taken, the run is not running (the kernel drops a dead process's locks), and no
/// second `cleanup` works on the same run at once.
public final class JournalLock: Sendable {
    private let fd: Int32

    /// nil when the journal's run still holds it (or the file cannot be opened).
    public static func take(_ path: String) -> JournalLock? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            return nil
        }
        return JournalLock(fd: fd)
    }

    private init(fd: Int32) { self.fd = fd }

    public func release() { Glibc.close(fd) }
}

/// Deletes the users one journal names, and their rows, through `Cleanup`.
public struct JournalCleanup: Sendable {
    public let database: Database
    public let target: Target

    public init(database: Database, target: Target) {
        self.database = database
        self.target = target
    }

    /// Cleans the journal's run; the journal file is removed when nothing is left behind.
    public func clean(_ entry: JournalEntry) async throws -> Cleanup.Report {
        var users = entry.usersTable
        let noLogin = entry.header.identity == "none"
        if users == nil, !noLogin {
            if case .found(let t, _) = await UserDirectory(target: target, database: database).resolve(emails: entry.emails) { users = t }
        }
        let report = try await Cleanup(database: database, target: target)
            .run(emails: entry.testEmails, knownUserIDs: entry.ids, users: users, idsAreOurs: noLogin)
        if report.leftBehind == nil { try? FileManager.default.removeItem(atPath: entry.path) }
        return report
    }
}
