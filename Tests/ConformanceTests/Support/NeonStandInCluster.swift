import Foundation

/// A private PostgreSQL cluster for the SC-012 tests, with no internet: either plain (no TLS, no
/// Neon settings — what the reference app runs on) or a Neon stand-in (Neon's `neon.*` settings as
/// custom placeholders in postgresql.conf, TLS with a throwaway CA whose server certificate also
/// names a Neon-shaped host, so `sslmode=verify-full` passes when that host is reached through
/// libpq's `hostaddr=127.0.0.1`).
///
/// A trimmed copy of Tests/PostgresTests/TestCluster.swift, which this target cannot import (a
/// shared test-support target would remove the copy). It makes no C calls: a watchdog shell stops
/// the server and deletes the folder once the test process is gone.
final class NeonStandInCluster: Sendable {
    /// The endpoint a Neon URL would name; the certificate carries it, DNS does not need to.
    static let neonHost = "ep-conformance-stand-in-123456.us-east-2.aws.neon.tech"
    static let neonSettings = [
        "neon.project_id = 'conformance-stand-in-project'",
        "neon.branch_id = 'br-test-123'",
        "neon.endpoint_id = 'ep-conformance-stand-in-123456'",
        "neon.tenant_id = '00000000000000000000000000000000'",
        "neon.timeline_id = '11111111111111111111111111111111'",
    ]

    let directory: String
    let port: Int
    let user = "conformance"
    let password: String
    let database = "neondb"
    let caCertificate: String?
    private let bin: String

    private init(directory: String, port: Int, password: String, caCertificate: String?, bin: String) {
        self.directory = directory
        self.port = port
        self.password = password
        self.caCertificate = caCertificate
        self.bin = bin
    }

    private static let sharedStandIn = Task { try await start(neon: true) }
    private static let sharedPlain = Task { try await start(neon: false) }
    static func standIn() async throws -> NeonStandInCluster { try await sharedStandIn.value }
    static func plain() async throws -> NeonStandInCluster { try await sharedPlain.value }

    static var toolsAvailable: Bool {
        (try? serverBinDirectory()) != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    /// A URL for the test role. `host` is what libpq verifies and reports; `hostaddr`, when
    /// given, is where it really connects.
    func url(host: String = "127.0.0.1", hostaddr: String? = nil, sslmode: String, rootCertificate: Bool = true) -> String {
        var query = ["sslmode=\(sslmode)"]
        if let hostaddr { query.append("hostaddr=\(hostaddr)") }
        if rootCertificate, sslmode.hasPrefix("verify"), let caCertificate { query.append("sslrootcert=\(caCertificate)") }
        return "postgresql://\(user):\(password)@\(host):\(port)/\(database)?" + query.joined(separator: "&")
    }

    /// The stand-in as a Neon URL names it: the Neon host, verified against the test CA.
    var neonURL: String { url(host: Self.neonHost, hostaddr: "127.0.0.1", sslmode: "verify-full") }

    /// SQL as the superuser over the Unix socket, in the test database (set-up only: the
    /// harness itself never writes).
    @discardableResult
    func psql(_ sql: String) throws -> String {
        try Self.asPostgres(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory + "/socket",
                                            "-p", String(port), "-U", "postgres", "-d", database, "-c", sql], in: directory)
    }

    // MARK: start

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Foundation's `Process` on Linux learns that a child ended when a socket handed to the
    /// child reaches EOF, so any long-lived process that inherits such a socket (a server started
    /// by `pg_ctl`, a watchdog launched while another command runs) makes the wait last forever.
    /// Hence: the server is started directly and never waited for, readiness is polled with
    /// `pg_isready`, and every launch is serialised so no long-lived child inherits a pending one.
    private static let processLock = NSLock()
    private static let startQueue = DispatchQueue(label: "conformance.neon-stand-in.start")
    private static let isRoot = (try? run("/usr/bin/id", ["-u"])) == "0"

    static func start(neon: Bool) async throws -> NeonStandInCluster {
        try await withCheckedThrowingContinuation { continuation in
            startQueue.async { continuation.resume(with: Result { try startBlocking(neon: neon) }) }
        }
    }

    private static func startBlocking(neon: Bool) throws -> NeonStandInCluster {
        let bin = try serverBinDirectory()
        let directory = NSTemporaryDirectory() + "conformance-neon-" + UUID().uuidString.prefix(8)
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/socket", withIntermediateDirectories: true)
        // The postgres user must be able to enter the folder.
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        try startWatchdog(directory: directory, bin: bin)
        let ca = neon ? try makeCertificates(in: directory + "/tls") : nil
        if isRoot { try run("/bin/chown", ["-R", "postgres:postgres", directory]) }
        try asPostgres(bin + "/initdb", ["-D", directory + "/data", "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                                         "-E", "UTF8", "--locale=C", "--no-sync"], in: directory)
        try "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
            .write(toFile: directory + "/data/pg_hba.conf", atomically: true, encoding: .utf8)
        var settings = ["listen_addresses = '127.0.0.1'", "unix_socket_directories = '\(directory)/socket'", "max_connections = 20",
                        "fsync = off", "synchronous_commit = off"]
        if neon {
            settings += ["ssl = on", "ssl_cert_file = '\(directory)/tls/server.crt'", "ssl_key_file = '\(directory)/tls/server.key'"]
            settings += neonSettings
        }
        var last: Error = Failure(description: "no port tried")
        // A random high port; a taken one makes the server exit, and another is tried.
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let conf = directory + "/data/postgresql.conf"
            let base = try String(contentsOfFile: conf, encoding: .utf8).components(separatedBy: "\n# conformance\n")[0]
            try (base + "\n# conformance\n" + (settings + ["port = \(port)"]).joined(separator: "\n") + "\n")
                .write(toFile: conf, atomically: false, encoding: .utf8)
            let server = try launch(isRoot ? "/usr/sbin/runuser" : bin + "/postgres",
                                    (isRoot ? ["-u", "postgres", "--", bin + "/postgres"] : []) + ["-D", directory + "/data"],
                                    in: directory, log: directory + "/server.log")
            guard waitUntilReady(bin: bin, socket: directory + "/socket", port: port, server: server) else {
                server.terminate()
                last = Failure(description: "the server did not start on port \(port):\n"
                               + ((try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""))
                continue
            }
            let password = "neon" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let cluster = NeonStandInCluster(directory: directory, port: port, password: password, caCertificate: ca, bin: bin)
            try asPostgres(bin + "/psql", ["-X", "-q", "-h", directory + "/socket", "-p", String(port), "-U", "postgres", "-d", "postgres",
                                           "-c", "CREATE ROLE conformance LOGIN PASSWORD '\(password)'",
                                           "-c", "CREATE DATABASE neondb OWNER conformance"], in: directory)
            return cluster
        }
        throw last
    }

    /// Polls `pg_isready` for up to 30 s while the server process is alive.
    private static func waitUntilReady(bin: String, socket: String, port: Int, server: Process) -> Bool {
        for _ in 0..<300 {
            if (try? run(bin + "/pg_isready", ["-q", "-h", socket, "-p", String(port)])) != nil { return true }
            if !server.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// A throwaway CA and a server certificate for localhost, 127.0.0.1 and the Neon-shaped host.
    private static func makeCertificates(in folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run("/usr/bin/openssl", ["req", "-x509"] + ec + ["-keyout", folder + "/ca.key", "-out", folder + "/ca.crt", "-days", "2",
                                                            "-subj", "/CN=conformance Neon stand-in CA",
                                                            "-addext", "basicConstraints=critical,CA:TRUE",
                                                            "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try run("/usr/bin/openssl", ["req", "-new"] + ec + ["-keyout", folder + "/server.key", "-out", folder + "/server.csr",
                                                           "-subj", "/CN=\(neonHost)"])
        try """
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = DNS:localhost, IP:127.0.0.1, DNS:\(neonHost)

            """.write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
        try run("/usr/bin/openssl", ["x509", "-req", "-in", folder + "/server.csr", "-CA", folder + "/ca.crt", "-CAkey", folder + "/ca.key",
                                     "-CAcreateserial", "-days", "2", "-extfile", folder + "/server.ext", "-out", folder + "/server.crt"])
        // The server refuses a private key that others can read.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder + "/server.key")
        return folder + "/ca.crt"
    }

    /// Outlives the test process by a second at most: then stops the server and deletes the folder.
    private static func startWatchdog(directory: String, bin: String) throws {
        let script = """
            trap '' INT HUP TERM
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            if [ -f "$2/data/postmaster.pid" ]; then kill -INT "$(head -n 1 "$2/data/postmaster.pid")" 2>/dev/null; sleep 1; fi
            rm -rf "$2"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "watchdog", String(ProcessInfo.processInfo.processIdentifier), directory]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try processLock.withLock { try process.run() }
    }

    /// Starts a process that is never waited for (the server), its output appended to `log`.
    private static func launch(_ path: String, _ arguments: [String], in directory: String, log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try processLock.withLock { try process.run() }
        try? handle.close()
        return process
    }

    private static func serverBinDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for v in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") { return "\(root)/\(v)/bin" }
        throw Failure(description: "no PostgreSQL server binaries under \(root)")
    }

    /// initdb and postgres refuse to run as root: as root, run them as `postgres`.
    @discardableResult
    private static func asPostgres(_ path: String, _ arguments: [String], in directory: String) throws -> String {
        if isRoot { return try run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments, in: directory) }
        return try run(path, arguments, in: directory)
    }

    /// Runs a short command to completion; its output goes to a file.
    @discardableResult
    private static func run(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let out = NSTemporaryDirectory() + "conformance-neon-out-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: out, contents: nil) else { throw Failure(description: "cannot create \(out)") }
        defer { try? FileManager.default.removeItem(atPath: out) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? NSTemporaryDirectory())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try processLock.withLock {
            try process.run()
            process.waitUntilExit()
        }
        try? handle.close()
        let text = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(([path] + arguments).joined(separator: " ")) exited with \(process.terminationStatus): \(text)")
        }
        return text
    }
}
