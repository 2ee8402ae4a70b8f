import ConformanceHTTP
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run's promise to clean up, kept on disk: before the first sign-up the run writes who it is
/// and which database it works on; before each sign-up, the user's email; after it, the id the
/// app gave. Every line is fsynced before the request it announces goes out, so a run killed at
/// any instant (SIGKILL, a lost CI runner) leaves a journal naming every user it may have made,
/// and `conformance cleanup` can finish the job. The file holds no secret: no password, no
/// token, no database URL — only where the database is (host, port, name).
///
/// The run holds an exclusive `flock` on its journal for as long as it lives; the kernel drops
/// it when the process dies however it dies, which is how `cleanup` tells a running run from a
/// dead one without trusting pids.
public final class RunJournal: Sendable {
    public struct Header: Sendable, Equatable {
        public var runID: String
        public var pid: Int32
        public var started: Date
        /// `host:port/database` of the app's database (no user, no password), nil without one.
        public var database: String?
        public var emailDomain: String
        /// `better-auth`, `custom` or `none`: an app without login gets ids the harness chose.
        public var identity: String
        /// The target file the run was given (absolute), and the URLs it ran against, so that
        /// `cleanup` can rebuild the target without being told again.
        public var targetFile: String?
        public var authURL: String
        public var apiURL: String
        /// `--keep`: the users were left on purpose; `cleanup` deletes them only when named.
        public var kept: Bool = false
    }

    public let path: String
    public let header: Header
    private let handle: Locked<FileHandle?>

    /// The folder a reports directory keeps its journals in.
    public static func folder(reports: String) -> String { reports + "/.runs" }

    /// Creates the run's journal and takes its lock; throws when the folder cannot be written
    /// (the run must not create users it could not promise to remove).
    public static func begin(folder: String, header: Header) throws -> RunJournal {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + header.runID + ".jsonl"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw JournalError(path: path, message: "cannot create the run journal")
        }
        guard flock(handle.fileDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw JournalError(path: path, message: "cannot lock the run journal")
        }
        let journal = RunJournal(path: path, header: header, handle: handle)
        try journal.append(header.json)
        syncFolder(folder)
        return journal
    }

    private init(path: String, header: Header, handle: FileHandle) {
        self.path = path
        self.header = header
        self.handle = Locked(handle)
    }

    /// Before a sign-up with `email` is sent.
    public func willSignUp(_ email: String) throws { try append(["user": .string(email)]) }

    /// After the app answered a sign-up with an id (rows may hang off it even if the user row goes).
    public func signedUp(_ email: String, id: String) { try? append(["user": .string(email), "id": .string(id)]) }

    /// The users table, once the run knows it (an app's own table, found from the sign-ups).
    public func usersTable(_ table: UserTable) {
        try? append(["usersTable": ["schema": .string(table.schema), "table": .string(table.table),
                                    "id": .string(table.idColumn), "email": .string(table.emailColumn)]])
    }

    /// The clean-up did not finish: the journal stays, with the reason, for `cleanup`.
    public func cleanupFailed(_ reason: String) { try? append(["cleanupFailed": .string(reason)]) }

    /// Everything the journal promised is done: the file goes, and the lock with it.
    public func finished() {
        close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Leaves the journal on disk (kept users, a failed clean-up) and releases the lock.
    public func close() {
        handle.withLock { h in
            try? h?.close()
            h = nil
        }
    }

    private func append(_ object: JSONValue) throws {
        try handle.withLock { h in
            guard let h else { throw JournalError(path: path, message: "the run journal is closed") }
            do {
                try h.seekToEnd()
                try h.write(contentsOf: Data((JSONWriter.compact(object) + "\n").utf8))
                try h.synchronize()
            } catch {
                throw JournalError(path: path, message: "cannot write the run journal: \(error.localizedDescription)")
            }
        }
    }

    /// The new file's name is durable only once its folder is synced too.
    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
    }
}

extension RunJournal {
    /// `url` without `user:password@`: the journal holds no secret.
    public static func withoutUserinfo(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// The answer of a sign-up that was never sent because the journal could not announce it:
    /// an error for the check, never a finding.
    static func unannounced(_ email: String) -> Exchange {
        let why = "the sign-up was not sent: the run journal could not be written"
        return Exchange(request: HTTPRequest(method: "POST", url: "about:journal"), response: nil,
                        transportError: HTTPTransportError(kind: .other, message: why, url: "about:journal"), seconds: 0)
    }
}

public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

extension RunJournal.Header {
    var json: JSONValue {
        var o = JSONObject()
        o["run"] = .string(runID)
        o["pid"] = .number(Double(pid))
        o["started"] = .string(ISO8601DateFormatter().string(from: started))
        o["database"] = database.map(JSONValue.string) ?? .null
        o["emailDomain"] = .string(emailDomain)
        o["identity"] = .string(identity)
        o["targetFile"] = targetFile.map(JSONValue.string) ?? .null
        o["authURL"] = .string(authURL)
        o["apiURL"] = .string(apiURL)
        o["kept"] = .bool(kept)
        return .object(o)
    }

    init?(json: JSONValue) {
        guard let run = json["run"]?.stringValue, let domain = json["emailDomain"]?.stringValue,
              let identity = json["identity"]?.stringValue, let auth = json["authURL"]?.stringValue,
              let api = json["apiURL"]?.stringValue else { return nil }
        runID = run
        pid = Int32(json["pid"]?.numberValue ?? 0)
        started = json["started"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date(timeIntervalSince1970: 0)
        database = json["database"]?.stringValue
        emailDomain = domain
        self.identity = identity
        targetFile = json["targetFile"]?.stringValue
        authURL = auth
        apiURL = api
        kept = json["kept"] == .bool(true)
    }
}
