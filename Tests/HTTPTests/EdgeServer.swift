import ConformanceHTTP
import Foundation
import Testing

/// A running `edge_server.py` (see that file for its endpoints). The server also exits on its
/// own when our end of its stdin closes, so a crashed test run leaves nothing behind.
final class EdgeServer: @unchecked Sendable {
    let port: Int
    /// PEM certificate the server presents, when started with TLS.
    let certificate: String?
    private let process: Process
    private let stdin: Pipe
    private let directory: URL?

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("edge_server.py").path

    private init(port: Int, certificate: String?, process: Process, stdin: Pipe, directory: URL?) {
        self.port = port
        self.certificate = certificate
        self.process = process
        self.stdin = stdin
        self.directory = directory
    }

    static func start(tls: Bool = false) async throws -> EdgeServer {
        var arguments = ["python3", Self.script]
        var directory: URL? = nil
        if tls {
            let dir = FileManager.default.temporaryDirectory
                .appendingPathComponent("edge-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            arguments += ["--tls", dir.path]
            directory = dir
        }
        let (process, stdin, line) = try await launch(arguments)
        let fields = line.split(separator: " ").map(String.init)
        guard let first = fields.first, let port = Int(first) else {
            process.terminate()
            throw EdgeServerError.badStartLine(line)
        }
        return EdgeServer(port: port, certificate: fields.count > 1 ? fields[1] : nil,
                          process: process, stdin: stdin, directory: directory)
    }

    /// A port nothing listens on (it was bound and released a moment ago).
    static func freePort() async throws -> Int {
        let (process, _, line) = try await launch(["python3", script, "--free-port"])
        process.waitUntilExit()
        guard let port = Int(line) else { throw EdgeServerError.badStartLine(line) }
        return port
    }

    private static func launch(_ arguments: [String]) async throws -> (Process, Pipe, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // The server prints one line once it is listening. Read it on a thread of its own:
        // blocking a cooperative thread would stall the tests running in parallel.
        let reader = stdout.fileHandleForReading
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while !bytes.contains(0x0A) {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        return (process, stdin, line)
    }

    func url(_ path: String, host: String = "127.0.0.1") -> String {
        "\(certificate == nil ? "http" : "https")://\(host):\(port)\(path)"
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}

enum EdgeServerError: Error {
    case badStartLine(String)
}

/// Runs `body` with a fresh server and client, and stops both afterwards whatever happens.
func withEdge<T>(tls: Bool = false, options: HTTPClientOptions = .init(),
                 _ body: (EdgeServer, HTTPClient) async throws -> T) async throws -> T {
    let server = try await EdgeServer.start(tls: tls)
    defer { server.stop() }
    let client = try HTTPClient(options: options)
    defer { client.shutdown() }
    return try await body(server, client)
}

/// What `/echo` reports about the request it received.
struct Echo: Decodable {
    let method: String
    let path: String
    let headers: [[String]]
    let body: String
    let bodyLen: Int
    let clientPort: Int
    let connection: Int
    let requestOnConnection: Int

    init(_ response: HTTPResponse) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        self = try decoder.decode(Echo.self, from: Data(response.body))
    }

    /// Values the server received under this name (case-insensitive), in order.
    func values(_ name: String) -> [String] {
        headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
    }

    var names: [String] { headers.compactMap { $0.first } }
}

struct Stats: Decodable {
    let connections: Int
    let requests: Int

    static func fetch(_ client: HTTPClient, _ server: EdgeServer) async throws -> Stats {
        let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/stats")))
        return try JSONDecoder().decode(Stats.self, from: Data(response.body))
    }
}

/// The error a failing call threw, for assertions on its fields.
func transportError(_ body: () async throws -> HTTPResponse) async -> HTTPTransportError? {
    do {
        let response = try await body()
        Issue.record("expected a transport error, got status \(response.status)")
        return nil
    } catch let error as HTTPTransportError {
        return error
    } catch {
        Issue.record("expected HTTPTransportError, got \(error)")
        return nil
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
