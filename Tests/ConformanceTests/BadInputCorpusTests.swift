import Foundation
import Testing
import TestSupport
@testable import Conformance

/// Issue 10, item 6: a corpus of bad scenario and target files (`Corpus/`), each a mistake real
/// users make or a hostile input. Every one must make the command line exit 2 with a message that
/// names the file and the JSON pointer (or, for a file that is not JSON, the line and column) —
/// in `validate` and in `run` — and none may reach the network or the database: the URLs point
/// at loopback listeners of the test's own, which must see no connection.
@Suite struct BadInputCorpusTests {
    static let corpus = ReferenceStack.root + "/Tests/ConformanceTests/Corpus"

    /// One bad input: a file or a folder, and what its message must hold.
    struct Entry: Sendable {
        enum Kind: Sendable { case scenario, target }
        var kind: Kind
        var path: String
        var at: String
        var says: String?
        var isFolder: Bool
    }

    /// `expected.json`: for each entry of `scenarios/` and `targets/`, the pointer or position the
    /// message names (`at`) and, optionally, words it must contain (`says`).
    static func committedEntries() throws -> [Entry] {
        let manifest = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/expected.json"))), options: .userFile)
        guard case .object(let entries) = manifest else { throw ReferenceStack.Failure(description: "expected.json is not an object") }
        return try entries.pairs.map { name, value in
            guard let at = value["at"]?.stringValue else { throw ReferenceStack.Failure(description: "expected.json: \(name) has no \"at\"") }
            let path = corpus + "/" + name
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            return Entry(kind: name.hasPrefix("targets/") ? .target : .scenario, path: path, at: at,
                         says: value["says"]?.stringValue, isFolder: isDirectory.boolValue)
        }
    }

    /// What git cannot hold, or should not: symbolic link loops, a dangling link, an empty folder.
    static func madeEntries(in dir: String) throws -> [Entry] {
        let fm = FileManager.default
        func folder(_ name: String) throws -> String {
            let path = dir + "/" + name
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }
        func loop(in folder: String) throws -> String {
            try fm.createSymbolicLink(atPath: folder + "/loop-a.json", withDestinationPath: "loop-b.json")
            try fm.createSymbolicLink(atPath: folder + "/loop-b.json", withDestinationPath: "loop-a.json")
            return folder + "/loop-a.json"
        }
        let looped = try loop(in: try folder("symlink-loop"))
        let loopFolder = try folder("folder-with-symlink-loop")
        _ = try loop(in: loopFolder)
        let dangling = dir + "/dangling-symlink.json"
        try fm.createSymbolicLink(atPath: dangling, withDestinationPath: "renamed-since.json")
        let empty = try folder("empty-folder")
        let loop = "symbolic link loop"
        return [
            Entry(kind: .scenario, path: looped, at: "-", says: loop, isFolder: false),
            Entry(kind: .scenario, path: loopFolder, at: "-", says: loop, isFolder: true),
            Entry(kind: .scenario, path: dangling, at: "-", says: "symbolic link to \"renamed-since.json\", which does not exist", isFolder: false),
            Entry(kind: .scenario, path: empty, at: "-", says: "no scenario", isFolder: true),
            Entry(kind: .scenario, path: dir + "/no-such-file.json", at: "-", says: "no such file", isFolder: false),
            Entry(kind: .target, path: looped, at: "-", says: loop, isFolder: false),
            Entry(kind: .target, path: empty, at: "-", says: "is a folder", isFolder: false),
        ]
    }

    struct Outcome: Sendable {
        var label: String
        var status: Int32
        var output: String
        var problem: String?
    }

    /// The message names the file (a folder: a file in it, or the folder) and the pointer or position.
    static func problem(_ entry: Entry, status: Int32, output: String) -> String? {
        if status != 2 { return "exit status \(status), expected 2" }
        let lines = output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error: ") }
        let named = lines.filter { line in
            entry.isFolder ? line.hasPrefix("error: \(entry.path)") && line.contains(": \(entry.at): ")
                           : line.hasPrefix("error: \(entry.path): \(entry.at): ")
        }
        if named.isEmpty { return "no error line names \(entry.path) at \(entry.at)" }
        if let says = entry.says, !named.contains(where: { $0.contains(says) }) { return "the message does not say \"\(says)\"" }
        if output.contains("Fatal error") || output.contains("conformance run r") { return "it crashed or started a run" }
        return nil
    }

    @Test func everyBadInputExitsTwoNamingTheFileAndTheSpotAndSendsNothing() async throws {
        let fm = FileManager.default
        let work = NSTemporaryDirectory() + "conformance-corpus-\(UUID().uuidString)"
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: work) }
        let envFile = work + "/empty.env"
        try "".write(toFile: envFile, atomically: true, encoding: .utf8)
        let reports = work + "/reports"

        let committed = try Self.committedEntries()
        // Every entry of the corpus folders is in the manifest, and the other way round.
        var onDisk = Set<String>()
        for sub in ["scenarios", "targets"] {
            for name in try fm.contentsOfDirectory(atPath: Self.corpus + "/" + sub) { onDisk.insert(Self.corpus + "/" + sub + "/" + name) }
        }
        #expect(onDisk == Set(committed.map(\.path)), "the corpus folders and expected.json disagree")
        #expect(onDisk.count >= 60, "the corpus has \(onDisk.count) entries; a missing folder must fail this test")
        let entries = committed + (try Self.madeEntries(in: work + "/made"))

        let http = try LoopbackTrap(), database = try LoopbackTrap()
        defer { http.stop(); database.stop() }
        let urls = ["--auth-url", http.httpURL, "--api-url", http.httpURL,
                    "--database-url", "postgresql://u:p@127.0.0.1:\(database.port)/db?connect_timeout=2",
                    "--env-file", envFile, "--reports", reports]
        // Nothing from the parent: no DATABASE_URL, BETTER_AUTH_*, API_URL or .env of a developer's.
        let environment = ["PATH": "/usr/bin:/bin", "HOME": work, "CI": "true", "LANG": "C.UTF-8"]
        let pack = Harness.packPath

        var jobs: [(label: String, entry: Entry, arguments: [String])] = []
        for e in entries {
            let name = e.path.replacingOccurrences(of: Self.corpus + "/", with: "").replacingOccurrences(of: work + "/", with: "")
            switch e.kind {
            case .scenario:
                jobs.append(("validate \(name)", e, ["validate", e.path]))
                jobs.append(("run \(name)", e, ["run"] + urls + [e.path]))
            case .target:
                jobs.append(("validate --target \(name)", e, ["validate", "--target", e.path, pack]))
                jobs.append(("run --target \(name)", e, ["run", "--target", e.path] + urls + [pack]))
            }
        }

        let binary = Harness.binary()
        var outcomes: [Outcome] = []
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var next = 0
            func add() {
                guard next < jobs.count else { return }
                let job = jobs[next]
                next += 1
                group.addTask {
                    let (status, output) = try await ChildProcess.runUnchecked(binary, job.arguments, environment: environment, in: work)
                    return Outcome(label: job.label, status: status, output: output, problem: Self.problem(job.entry, status: status, output: output))
                }
            }
            for _ in 0..<4 { add() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                add()
            }
        }

        #expect(outcomes.count == jobs.count)
        #expect(outcomes.count >= 120)
        for o in outcomes.sorted(by: { $0.label < $1.label }) {
            #expect(o.problem == nil, "\(o.label): \(o.problem ?? "")\n\(o.output)")
        }
        #expect(http.connections == 0, "a bad input reached the auth or API URL")
        #expect(database.connections == 0, "a bad input reached the database URL")
        #expect(!fm.fileExists(atPath: reports), "a bad input wrote reports")
    }
}
