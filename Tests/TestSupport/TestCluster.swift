import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private, throwaway PostgreSQL cluster for tests: its own temp folder, a free port on
/// 127.0.0.1 only, its own Unix-socket folder, SCRAM password auth over TCP, optional TLS with
/// a throwaway CA, and extra `postgresql.conf` lines (e.g. `neon.branch_id = 'br-test'` for a
/// Neon stand-in).
///
/// `initdb` and `postgres` refuse to run as root, so as root the folder is handed to the
/// `postgres` user and every server binary runs through `runuser -u postgres --`.
///
/// Clean-up: `stop()` stops the server and deletes the folder. Clusters still running when the
/// test process exits are stopped by an `atexit` hook, and a small watchdog process does the same
/// if the test process dies without exiting normally.
public final class TestCluster: Sendable {
    public struct Options: Sendable {
        /// Start with `ssl = on` and a server certificate (SAN IP:127.0.0.1, DNS:localhost and
        /// `certificateHosts`) signed by a fresh CA at `caCertificate`.
        public var tls: Bool
        /// More DNS names for the server certificate's SAN, e.g. a Neon-shaped endpoint host that
        /// a test reaches through libpq's `hostaddr=127.0.0.1`, so `verify-full` passes for it.
        public var certificateHosts: [String]
        /// Lines appended to `postgresql.conf` (they win over the defaults written before them).
        public var extraSettings: [String]
        /// The login role tests connect as (not a superuser).
        public var user: String
        /// Its password; by default full of URL-hostile characters on purpose, so every test
        /// also proves that passwords are encoded and masked correctly.
        public var password: String
        /// A database owned by `user`.
        public var database: String

        /// `password: nil` picks a fresh URL-hostile one.
        public init(tls: Bool = false, certificateHosts: [String] = [], extraSettings: [String] = [],
                    user: String = "conformance", password: String? = nil, database: String = "conformance") {
            self.tls = tls
            self.certificateHosts = certificateHosts
            self.extraSettings = extraSettings
            self.user = user
            self.password = password ?? "pw:@/?#%'& é-" + UUID().uuidString.prefix(8)
            self.database = database
        }
    }

    /// Root of everything the cluster owns (deleted by `stop()`).
    public let directory: String
    public let dataDirectory: String
    public let socketDirectory: String
    public let port: Int
    public let user: String
    public let password: String
    public let database: String
    /// The bootstrap superuser; reachable over TCP with `superuserPassword`, or with `psql(_:)`.
    public let superuser = "postgres"
    public let superuserPassword: String
    /// PEM file of the CA that signed the server certificate (TLS clusters only).
    public let caCertificate: String?
    public let serverLog: String
    private let binDirectory: String

    private init(directory: String, port: Int, options: Options, superuserPassword: String,
                 caCertificate: String?, binDirectory: String) {
        self.directory = directory
        self.dataDirectory = directory + "/data"
        self.socketDirectory = directory + "/socket"
        self.serverLog = directory + "/server.log"
        self.port = port
        self.user = options.user
        self.password = options.password
        self.database = options.database
        self.superuserPassword = superuserPassword
        self.caCertificate = caCertificate
        self.binDirectory = binDirectory
    }

    // MARK: - Shared clusters

    private static let sharedPlain = Task { try await TestCluster.start(Options()) }
    private static let sharedTLS = Task { try await TestCluster.start(Options(tls: true)) }

    /// The plain (no TLS) cluster shared by every test of this run, started on first use.
    public static func shared() async throws -> TestCluster { try await sharedPlain.value }
    /// A TLS cluster shared by every TLS test of this run, started on first use.
    public static func sharedWithTLS() async throws -> TestCluster { try await sharedTLS.value }

    // MARK: - URLs

    /// A URL for the test role (or any role) over TCP; `query` holds libpq parameters such as
    /// `sslmode`. The password is percent-encoded.
    public func url(user: String? = nil, password: String? = nil, database: String? = nil,
             host: String = "127.0.0.1", query: [String: String] = ["sslmode": "disable"]) -> String {
        let name = Self.encode(user ?? self.user)
        let secret = Self.encode(password ?? self.password)
        let queryText = query.sorted { $0.key < $1.key }
            .map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }
            .joined(separator: "&")
        return "postgresql://\(name):\(secret)@\(host):\(port)/\(Self.encode(database ?? self.database))"
            + (queryText.isEmpty ? "" : "?" + queryText)
    }

    /// The password as it appears in `url()`.
    public var encodedPassword: String { Self.encode(password) }

    /// The test role's URL with the given sslmode (and, for verify modes, the cluster's CA).
    public func url(sslmode: String) -> String {
        var query = ["sslmode": sslmode]
        if let caCertificate, sslmode.hasPrefix("verify") { query["sslrootcert"] = caCertificate }
        return url(query: query)
    }

    /// The superuser's URL, for tests that need to create roles or read server internals.
    public var superuserURL: String {
        url(user: superuser, password: superuserPassword, database: "postgres")
    }

    /// Runs SQL as the superuser through `psql` over the Unix socket (independent of the driver
    /// under test) and returns its unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.runServerBinary(binDirectory + "/psql",
                                 ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory,
                                  "-p", String(port), "-U", superuser, "-d", database, "-c", sql],
                                 in: directory)
    }

    /// Stops the server but keeps its data and port, like a Neon compute scaled to zero:
    /// open connections are terminated (57P01) and new ones are refused until `resume()`.
    public func suspend() async throws {
        _ = try await Self.offPool { [self] in
            try Self.runServerBinary(binDirectory + "/pg_ctl",
                                     ["-D", dataDirectory, "-m", "fast", "-w", "-s", "stop"], in: directory)
        }
    }

    /// Starts a suspended server again on the same port.
    public func resume() async throws {
        _ = try await Self.offPool { [self] in
            try Self.runServerBinary(binDirectory + "/pg_ctl",
                                     ["-D", dataDirectory, "-l", serverLog, "-w", "-t", "30", "-s", "start"],
                                     in: directory)
        }
    }

    /// Runs blocking work (child processes) on a thread of its own, not the cooperative pool.
    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await ChildProcess.offPool(work)
    }

    /// Stops the server and deletes the folder. Idempotent.
    public func stop() {
        let (found, watchdog) = Registry.shared.remove(directory)
        if found { Self.stop(directory: directory, watchdog: watchdog) }
    }

    // MARK: - Start

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates and starts a cluster. Blocking work runs off the cooperative pool.
    public static func start(_ options: Options = Options()) async throws -> TestCluster {
        try await offPool { try startBlocking(options) }
    }

    private static func startBlocking(_ options: Options) throws -> TestCluster {
        let bin = try serverBinDirectory()
        let directory = try makeTemporaryDirectory()
        // Watch from the first moment, so a test process killed during initdb leaves nothing.
        Registry.shared.add(directory, watchdog: try? startWatchdog(directory: directory))
        do {
            return try create(in: directory, bin: bin, options: options)
        } catch {
            let (_, watchdog) = Registry.shared.remove(directory)
            stop(directory: directory, watchdog: watchdog)
            throw error
        }
    }

    private static func create(in directory: String, bin: String, options: Options) throws -> TestCluster {
        let files = FileManager.default
        let data = directory + "/data", socket = directory + "/socket", log = directory + "/server.log"
        try files.createDirectory(atPath: socket, withIntermediateDirectories: true)
        let superuserPassword = "su-" + UUID().uuidString
        let passwordFile = directory + "/superuser.pw"
        try (superuserPassword + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)

        var caCertificate: String?
        if options.tls {
            caCertificate = try makeCertificates(in: directory + "/tls", hosts: options.certificateHosts)
        }
        if runsAsRoot {
            try run("/bin/chown", ["-R", "postgres:postgres", directory], in: directory)
        }

        try runServerBinary(bin + "/initdb",
                            ["-D", data, "-U", "postgres", "--pwfile=" + passwordFile,
                             "--auth-local=trust", "--auth-host=scram-sha-256",
                             "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                            in: directory)
        try? files.removeItem(atPath: passwordFile)

        // Local (socket) access is trusted for `psql` set-up; TCP needs a SCRAM password, like
        // a real deployment.
        try """
            local all all trust
            host all all 127.0.0.1/32 scram-sha-256

            """.write(toFile: data + "/pg_hba.conf", atomically: true, encoding: .utf8)

        var settings = [
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = '\(socket)'",
            "max_connections = 50",
            "fsync = off",                      // throwaway data: speed over durability
            "synchronous_commit = off",
            "full_page_writes = off",
            "password_encryption = 'scram-sha-256'",
        ]
        if options.tls {
            settings += [
                "ssl = on",
                "ssl_cert_file = '\(directory)/tls/server.crt'",
                "ssl_key_file = '\(directory)/tls/server.key'",
            ]
        }
        settings += options.extraSettings

        // A free port can be taken by someone else before the server binds it; try a few.
        var lastError: Error = Failure(description: "no attempt made")
        for _ in 0..<3 {
            let port = try freePort()
            let conf = (settings + ["port = \(port)"]).joined(separator: "\n") + "\n"
            try append(conf, to: data + "/postgresql.conf")
            do {
                try runServerBinary(bin + "/pg_ctl", ["-D", data, "-l", log, "-w", "-t", "30", "-s", "start"],
                                    in: directory)
            } catch {
                lastError = Failure(description: "\(error)\n--- server log ---\n"
                                    + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
                continue
            }
            let cluster = TestCluster(directory: directory, port: port, options: options,
                                      superuserPassword: superuserPassword, caCertificate: caCertificate,
                                      binDirectory: bin)
            try cluster.psql("CREATE ROLE \(quoteIdentifier(options.user)) LOGIN PASSWORD \(quoteLiteral(options.password))")
            try cluster.psql("CREATE DATABASE \(quoteIdentifier(options.database)) OWNER \(quoteIdentifier(options.user))")
            return cluster
        }
        throw lastError
    }

    // MARK: - TLS material

    /// A throwaway CA and a server certificate for 127.0.0.1 / localhost (and `hosts`), made
    /// with the `openssl` command. Returns the CA certificate's path.
    private static func makeCertificates(in folder: String, hosts: [String]) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let openssl = "/usr/bin/openssl"
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(openssl, ["req", "-x509"] + curve + [
            "-keyout", folder + "/ca.key", "-out", folder + "/ca.crt", "-days", "2",
            "-subj", "/CN=conformance test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: folder)
        try run(openssl, ["req", "-new"] + curve + [
            "-keyout", folder + "/server.key", "-out", folder + "/server.csr", "-subj", "/CN=localhost"], in: folder)
        try """
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = \((["IP:127.0.0.1", "DNS:localhost"] + hosts.map { "DNS:" + $0 }).joined(separator: ", "))

            """.write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
        try run(openssl, ["x509", "-req", "-in", folder + "/server.csr", "-CA", folder + "/ca.crt",
                          "-CAkey", folder + "/ca.key", "-CAcreateserial", "-days", "2",
                          "-extfile", folder + "/server.ext", "-out", folder + "/server.crt"], in: folder)
        // The server refuses a private key others can read.
        chmod(folder + "/server.key", 0o600)
        return folder + "/ca.crt"
    }

    /// A CA unrelated to any cluster, to prove that verification really checks the issuer.
    public static func makeUnrelatedCA(in folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                     "-nodes", "-keyout", folder + "/other.key", "-out", folder + "/other.crt",
                                     "-days", "2", "-subj", "/CN=unrelated CA"], in: folder)
        return folder + "/other.crt"
    }

    public static var opensslAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    /// Whether PostgreSQL server binaries are installed (or named by `CONFORMANCE_PG_BIN`), so
    /// suites can be disabled with a reason instead of failing on machines without them.
    public static var serverAvailable: Bool {
        (try? serverBinDirectory()) != nil
    }

    // MARK: - Stopping

    /// Stops the server by signalling its postmaster (SIGINT: fast shutdown) and deletes the
    /// folder. Uses no child process, so it also works from an `atexit` hook.
    fileprivate static func stopServer(directory: String) {
        let pidFile = directory + "/data/postmaster.pid"
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
           let first = text.split(separator: "\n").first, let pid = Int32(first), pid > 0 {
            kill(pid, SIGINT)
            for _ in 0..<200 where kill(pid, 0) == 0 {
                usleep(25_000)
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a process that outlives a crashed test run just long enough to stop the server and
    /// delete the folder. It ignores the terminal's SIGINT so Ctrl-C cannot orphan the server.
    private static func startWatchdog(directory: String) throws -> Int32 {
        let script = """
            trap '' INT HUP TERM
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            if [ -f "$2/data/postmaster.pid" ]; then
              pid=$(head -n 1 "$2/data/postmaster.pid")
              kill -INT "$pid" 2>/dev/null
              i=0
              while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
            fi
            rm -rf "$2"
            """
        return try ChildProcess.start(["/bin/sh", "-c", script, "watchdog", String(getpid()), directory])
    }

    /// Clusters still running (with their watchdogs), stopped by the `atexit` hook.
    private final class Registry: @unchecked Sendable {
        // @unchecked: `clusters` is only touched under `lock`.
        static let shared = Registry()
        private let lock = NSLock()
        private var clusters: [String: Int32?] = [:]
        private var hookInstalled = false

        func add(_ directory: String, watchdog: Int32?) {
            let install = lock.withLock {
                clusters[directory] = watchdog
                defer { hookInstalled = true }
                return !hookInstalled
            }
            if install {
                atexit { TestCluster.Registry.shared.stopAll() }
            }
        }

        /// Forgets `directory`; returns whether it was registered and its watchdog.
        func remove(_ directory: String) -> (found: Bool, watchdog: Int32?) {
            lock.withLock {
                guard let watchdog = clusters.removeValue(forKey: directory) else { return (false, nil) }
                return (true, watchdog)
            }
        }

        func stopAll() {
            let all = lock.withLock {
                defer { clusters.removeAll() }
                return clusters
            }
            for (directory, watchdog) in all {
                TestCluster.stop(directory: directory, watchdog: watchdog)
            }
        }
    }

    /// Stops the server, deletes the folder, then ends and reaps the watchdog (no orphan left).
    fileprivate static func stop(directory: String, watchdog: Int32?) {
        stopServer(directory: directory)
        if let watchdog {
            kill(watchdog, SIGKILL)
            ChildProcess.wait(for: watchdog)
        }
    }

    // MARK: - Helpers

    private static var runsAsRoot: Bool { geteuid() == 0 }

    /// The newest installed server's binaries (Debian keeps them off PATH), or
    /// `CONFORMANCE_PG_BIN`.
    public static func serverBinDirectory() throws -> String {
        if let custom = ProcessInfo.processInfo.environment["CONFORMANCE_PG_BIN"], !custom.isEmpty {
            return custom
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        for version in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw Failure(description: "no PostgreSQL server binaries under \(root) (install `postgresql`, or set CONFORMANCE_PG_BIN)")
    }

    private static func makeTemporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/conformance-pg-XXXXXX").utf8CString)
        guard let result = mkdtemp(&template) else {
            throw Failure(description: "mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        // Resolve symlinks (e.g. /tmp on some systems) so paths in the server's config are real.
        return URL(fileURLWithPath: String(cString: result)).resolvingSymlinksInPath().path
    }

    private static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(socketFD) }
        guard let port = bindToFreeLoopbackPort(socketFD) else { throw Failure(description: "bind() or getsockname() failed") }
        return port
    }

    /// A port on 127.0.0.1 with nothing listening, for connection-failure tests.
    public static func closedPort() throws -> Int { try freePort() }

    private static func append(_ text: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure(description: "cannot open \(path)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Runs a server binary as `postgres` when we are root (initdb/postgres refuse root).
    /// The working directory is the cluster's: runuser keeps it, and the postgres user may not
    /// be allowed into ours.
    @discardableResult
    private static func runServerBinary(_ path: String, _ arguments: [String], in directory: String) throws -> String {
        if runsAsRoot {
            return try run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments, in: directory)
        }
        return try run(path, arguments, in: directory)
    }

    /// Output files go into `directory` (the cluster's), so a crash leaves none elsewhere.
    @discardableResult
    private static func run(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        try ChildProcess.run(path, arguments, in: directory, outputFolder: directory)
    }

    private static func encode(_ text: String) -> String {
        // ASCII only: `alphanumerics` would leave letters like "é" unencoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func quoteLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
