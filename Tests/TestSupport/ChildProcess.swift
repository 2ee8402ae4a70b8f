import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands for tests with `posix_spawn`, not Foundation's `Process`.
///
/// `Process` on Linux learns that a child ended when a socket it hands to the child reaches
/// EOF; `pg_ctl start` (and `scripts/services up`) leave a server running with that socket
/// inherited, so waiting for the command would last as long as the server. Here the child gets
/// only stdin (/dev/null) and one output file; every other descriptor is closed, and the exit is
/// read with `waitpid`.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `path` to completion (in `directory`, if given) and returns its combined output,
    /// trimmed; throws with that output when it exits non-zero.
    @discardableResult
    public static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                           in directory: String? = nil, outputFolder: String? = nil) throws -> String {
        let result = try runUnchecked(path, arguments, environment: environment, in: directory, outputFolder: outputFolder)
        let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0 else {
            throw Failure(description: "\(([path] + arguments).joined(separator: " ")) exited with \(result.status): \(output)")
        }
        return output
    }

    /// Runs `path` to completion and returns its exit status and combined stdout + stderr,
    /// without judging the status: for tests that check a command's exit code. Throws only when
    /// the command cannot be started. `environment` replaces ours when given (nil: inherit).
    /// `path` must be a path, not a name looked up in PATH (run `/usr/bin/env` for that).
    public static func runUnchecked(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                                    in directory: String? = nil,
                                    outputFolder: String? = nil) throws -> (status: Int32, output: String) {
        let outputPath = (outputFolder ?? NSTemporaryDirectory()) + "/.command-output-" + UUID().uuidString
        // The output goes to a file rather than a pipe: a daemon the command leaves behind may
        // hold the descriptor for ever, and a pipe would never reach EOF.
        defer { unlink(outputPath) }
        let pid = try start([path] + arguments, environment: environment, output: outputPath, in: directory)
        let status = wait(for: pid)
        // Lossy decoding: a test still sees the rest of the output if a command prints invalid UTF-8.
        let output = FileManager.default.contents(atPath: outputPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (status, output)
    }

    /// `run`, off the cooperative pool: async tests must not hold one of its few threads (two on
    /// a 2-core machine) for the length of a command, or every other suite in the process stalls.
    @discardableResult
    public static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                           in directory: String? = nil, outputFolder: String? = nil) async throws -> String {
        try await offPool { try run(path, arguments, environment: environment, in: directory, outputFolder: outputFolder) }
    }

    /// `runUnchecked`, off the cooperative pool (see the async `run`).
    public static func runUnchecked(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                                    in directory: String? = nil,
                                    outputFolder: String? = nil) async throws -> (status: Int32, output: String) {
        try await offPool {
            try runUnchecked(path, arguments, environment: environment, in: directory, outputFolder: outputFolder)
        }
    }

    /// `wait(for:)`, off the cooperative pool.
    @discardableResult
    public static func wait(for pid: pid_t) async -> Int32 {
        (try? await offPool { wait(for: pid) }) ?? -1
    }

    /// Runs blocking work on a thread of its own and resumes the caller when it is done. A
    /// dedicated thread rather than a Dispatch queue: on Linux the global queues and the Swift
    /// concurrency pool draw on the same few threads.
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Starts `argv` without waiting; stdout and stderr go to the file `output` (created or
    /// truncated). Reap it with `wait(for:)`; signal it with `kill(pid, …)`.
    public static func start(_ argv: [String], environment: [String: String]? = nil, output: String = "/dev/null",
                             in directory: String? = nil) throws -> pid_t {
        // `env -C` changes directory in the child: posix_spawn has no portable chdir action.
        let command = directory.map { ["/usr/bin/env", "-C", $0] + argv } ?? argv
        return try spawn(command, environment: environment, output: output)
    }

    /// Waits for `pid` and returns its exit status (128 + signal when killed).
    @discardableResult
    public static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func spawn(_ argv: [String], environment: [String: String]?, output: String) throws -> pid_t {
        guard let executable = argv.first else { throw Failure(description: "no command given") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Every other open descriptor is closed in the child, so no daemon it leaves behind
        // holds one of ours. (`posix_spawn_file_actions_addclosefrom_np` would also cover
        // descriptors opened after this listing, but the Glibc module does not export it.)
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        // Dispatch threads block some signals; the child (and the server it may start) must
        // get the default mask and handlers so that SIGINT/SIGTERM can stop it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result: Int32
        if let environment {
            let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { cEnvironment.forEach { free($0) } }
            result = posix_spawn(&pid, executable, &actions, &attributes, cArguments, cEnvironment)
        } else {
            result = posix_spawn(&pid, executable, &actions, &attributes, cArguments, environ)
        }
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }
    }
}
