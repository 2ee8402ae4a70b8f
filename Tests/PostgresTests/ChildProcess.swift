import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands for `TestCluster` with `posix_spawn`, not Foundation's `Process`.
///
/// `Process` on Linux learns that a child ended when a socket it hands to the child reaches
/// EOF; `pg_ctl start` leaves the server running with that socket inherited, so waiting for
/// `pg_ctl` would last as long as the server. Here the child gets only stdin (/dev/null) and one
/// output file; every other descriptor is closed, and the exit is read with `waitpid`.
enum ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `path` to completion (in `directory`, if given) and returns its combined output;
    /// throws with that output when it exits non-zero.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], in directory: String? = nil,
                    outputFolder: String? = nil) throws -> String {
        let outputPath = (outputFolder ?? NSTemporaryDirectory()) + "/.command-output-" + UUID().uuidString
        defer { unlink(outputPath) }
        // `env -C` changes directory in the child: posix_spawn has no portable chdir action.
        let argv = directory.map { ["/usr/bin/env", "-C", $0, path] } ?? [path]
        let pid = try spawn(argv + arguments, output: outputPath)
        let status = wait(for: pid)
        let output = ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 else {
            throw Failure(description: "\(([path] + arguments).joined(separator: " ")) exited with \(status): \(output)")
        }
        return output
    }

    /// Starts `argv` without waiting; output is discarded. Reap it with `wait(for:)`.
    static func start(_ argv: [String]) throws -> pid_t {
        try spawn(argv, output: "/dev/null")
    }

    /// Waits for `pid` and returns its exit status (128 + signal when killed).
    @discardableResult
    static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func spawn(_ argv: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
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
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard result == 0 else {
            throw Failure(description: "cannot start \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }
    }
}
