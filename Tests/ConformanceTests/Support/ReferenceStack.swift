import Foundation
import TestSupport
@testable import Conformance

/// The embedded reference app, as the integration tests use it. `scripts/test` starts one stack
/// for the whole run (`scripts/services run -- swift test` exports REFERENCE_ENV_FILE); a bare
/// `swift test` starts its own the first time a test needs it and stops it at exit.
enum ReferenceStack {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    struct Stack: Sendable {
        var envFile: String
        var values: [String: String]
        var authURL: String { values["BETTER_AUTH_URL"] ?? "" }
        var apiURL: String { values["API_URL"] ?? "" }
        var databaseURL: String { values["DATABASE_URL"] ?? "" }
        var secret: String { values["BETTER_AUTH_SECRET"] ?? "" }

        /// Runs SQL as the cluster's superuser over its Unix socket (trust auth, as
        /// `scripts/services` sets it up): for tests that make roles with fewer privileges.
        @discardableResult
        func superuserSQL(_ sql: String, database: String = "conformance") async throws -> String {
            guard let state = values["REFERENCE_STATE_DIR"], let port = URLComponents(string: databaseURL)?.port else {
                throw Failure(description: "the stack's env file names no REFERENCE_STATE_DIR or database port")
            }
            return try await ChildProcess.run("/usr/bin/env", ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                                               "-h", state + "/pg/run", "-p", String(port), "-U", "postgres",
                                                               "-d", database, "-c", sql])
        }

        /// `superuserSQL` for a synchronous caller (a progress callback): psql is quick.
        func superuserSQLBlocking(_ sql: String, database: String = "conformance") throws {
            guard let state = values["REFERENCE_STATE_DIR"], let port = URLComponents(string: databaseURL)?.port else {
                throw Failure(description: "the stack's env file names no REFERENCE_STATE_DIR or database port")
            }
            try ChildProcess.run("/usr/bin/env", ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                                  "-h", state + "/pg/run", "-p", String(port), "-U", "postgres", "-d", database, "-c", sql])
        }

        /// Stops the stack's PostgreSQL (`fast`: sessions are cut), as a dying database would.
        func stopDatabase() async throws { try await pgCtl(["-m", "fast", "-w", "stop"]) }

        /// Starts it again on the same port with the options it was first started with.
        func startDatabase() async throws {
            guard let state = values["REFERENCE_STATE_DIR"] else { throw Failure(description: "no REFERENCE_STATE_DIR") }
            // postmaster.opts: the binary, then its quoted arguments; "-D dir" comes from pg_ctl.
            let opts = try String(contentsOfFile: state + "/pg/data/postmaster.opts", encoding: .utf8)
            var tokens = opts.split(separator: " ").map(String.init).dropFirst()
            if let d = tokens.firstIndex(of: "\"-D\""), tokens.index(after: d) < tokens.endIndex {
                tokens.removeSubrange(d...tokens.index(after: d))
            }
            try await pgCtl(["-w", "-t", "30", "-l", state + "/pg/postgres.log", "-o",
                             tokens.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines), "start"])
        }

        private func pgCtl(_ arguments: [String]) async throws {
            guard let state = values["REFERENCE_STATE_DIR"] else { throw Failure(description: "no REFERENCE_STATE_DIR") }
            var argv = [try TestCluster.serverBinDirectory() + "/pg_ctl", "-D", state + "/pg/data"] + arguments
            if geteuid() == 0 { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
            try await ChildProcess.run(argv[0], Array(argv.dropFirst()), in: state + "/pg", outputFolder: NSTemporaryDirectory())
        }

        /// The database URL with another role's name and password.
        func databaseURL(user: String, password: String) -> String {
            guard var c = URLComponents(string: databaseURL) else { return databaseURL }
            c.user = user
            c.password = password
            return c.string ?? databaseURL
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    private static let started = Locked<Task<Stack, Error>?>(nil)
    private static let isolatedStack = Locked<Task<Stack, Error>?>(nil)
    /// Env files of the stacks this process started itself, stopped at exit.
    private static let owned = Locked<[String]>([])

    /// Stops the stacks this process started itself (best effort, at exit).
    static func stopOwned() {
        for envFile in owned.current { _ = try? run(["scripts/services", "down", "--env-file", envFile]) }
    }

    /// The stack `scripts/test` started (REFERENCE_ENV_FILE), else one of this process's own.
    static func shared() async throws -> Stack {
        try await lazily(started, name: "tests", given: ProcessInfo.processInfo.environment["REFERENCE_ENV_FILE"])
    }

    /// A second stack shared by the tests whose apps leave data another test would see in the
    /// shared database (an own users table with bcrypt hashes, which SC-011's hash scan reads):
    /// started the first time it is asked for, stopped at exit.
    static func isolated() async throws -> Stack { try await lazily(isolatedStack, name: "isolated", given: nil) }

    /// The first caller starts the stack; the others wait for the same start without holding a
    /// thread. A failed start is forgotten, so the next caller tries again.
    private static func lazily(_ cell: Locked<Task<Stack, Error>?>, name: String, given: String?) async throws -> Stack {
        let task = cell.withLock { current -> Task<Stack, Error> in
            if let current { return current }
            let task = Task { try await start(name: name, given: given) }
            current = task
            return task
        }
        do {
            return try await task.value
        } catch {
            cell.withLock { current in current = nil }
            throw error
        }
    }

    private static func start(name: String, given: String?) async throws -> Stack {
        let envFile: String
        if let given, FileManager.default.fileExists(atPath: given) {
            envFile = given
        } else {
            envFile = NSTemporaryDirectory() + "conformance-\(name)-\(getpid()).env"
            try await run(["scripts/services", "up", "--env-file", envFile])
            let first = owned.withLock { list -> Bool in list.append(envFile); return list.count == 1 }
            if first { atexit { ReferenceStack.stopOwned() } }
        }
        return Stack(envFile: envFile, values: try DotEnv.load(path: envFile))
    }

    /// One more API on the shared database and auth server, with faults or another shape.
    /// A whole stack of its own, for faults that leave tables behind in the shared database
    /// (a home-made `users` table with bcrypt hashes) or write to another database.
    final class PrivateStack: Sendable {
        let stack: Stack

        /// `shape` is one of the reference app's shapes (`scripts/services --help` lists them).
        init(faults: [String], shape: String = "official", environment extra: [String: String] = [:]) async throws {
            let envFile = NSTemporaryDirectory() + "conformance-private-\(UUID().uuidString).env"
            var environment = ProcessInfo.processInfo.environment
            for (k, v) in extra { environment[k] = v }
            try await ReferenceStack.run(["scripts/services", "up", "--env-file", envFile, "--faults", faults.joined(separator: ","),
                                    "--shape", shape],
                                   environment: environment)
            stack = Stack(envFile: envFile, values: try DotEnv.load(path: envFile))
        }

        func stop() { _ = try? ReferenceStack.run(["scripts/services", "down", "--env-file", stack.envFile]) }
    }

    final class ExtraAPI: Sendable {
        let url: String
        let outFile: String

        init(faults: [String], shape: String = "official", on given: Stack? = nil) async throws {
            let stack: Stack
            if let given { stack = given } else { stack = try await ReferenceStack.shared() }
            outFile = NSTemporaryDirectory() + "conformance-api-\(UUID().uuidString).env"
            try await ReferenceStack.run(["scripts/services", "api", "--env-file", stack.envFile, "--out", outFile,
                                    "--faults", faults.joined(separator: ","), "--shape", shape])
            guard let u = try DotEnv.load(path: outFile)["API_URL"] else { throw Failure(description: "no API_URL in \(outFile)") }
            url = u
        }

        func stop() { _ = try? ReferenceStack.run(["scripts/services", "api-down", "--out", outFile]) }
    }

    /// The base URL of a loopback server that prints "port N" to `log` once it listens (Python's
    /// http.server and the test fixtures do); the server is stopped if it never does.
    static func baseURL(announcedIn log: String, by pid: pid_t) async throws -> String {
        // Up to a minute: a Python start on a loaded machine takes seconds, not milliseconds.
        for _ in 0..<1200 {
            try await Task.sleep(nanoseconds: 50_000_000)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: "port ") {
                let port = text[r.upperBound...].prefix { $0.isNumber }
                if !port.isEmpty { return "http://127.0.0.1:\(port)" }
            }
        }
        kill(pid, SIGTERM)
        throw Failure(description: "the server writing \(log) did not start")
    }

    /// Runs `args` (looked up in PATH by `/usr/bin/env`) in the package root and returns its exit
    /// status and combined output. `scripts/services` exiting non-zero throws; other commands'
    /// statuses are for the caller to judge. `ChildProcess`, not Foundation's `Process`:
    /// `scripts/services up` leaves servers running, and `Process` would wait for them too.
    @discardableResult
    static func run(_ args: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let (status, out) = try ChildProcess.runUnchecked("/usr/bin/env", args, environment: environment, in: root)
        if status != 0, args.first == "scripts/services" {
            throw Failure(description: "\(args.joined(separator: " ")) exited \(status): \(out)")
        }
        return (status, out)
    }

    /// `run`, off the cooperative pool: harness runs and `scripts/services` take seconds to
    /// minutes, and a synchronous wait would hold one of the pool's few threads all that time.
    @discardableResult
    static func run(_ args: [String], environment: [String: String]? = nil) async throws -> (status: Int32, output: String) {
        // Runs of the harness that talk to the stacks queue at the live gate; scripts and
        // commands that send nothing (validate, plan, --help) do not.
        let talks = args.first == Harness.binary() && ["run", "judge", "doctor", "cleanup"].contains(args.dropFirst().first ?? "")
            && !args.contains("--dry-run")
        guard talks else { return try await ChildProcess.offPool { try run(args, environment: environment) } }
        return try await LiveGate.run { try await ChildProcess.offPool { try run(args, environment: environment) } }
    }
}
