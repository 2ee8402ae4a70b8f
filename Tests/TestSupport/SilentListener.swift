import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that takes connections and never says a word: what a hung server, a
/// stuck proxy or a black-holing load balancer looks like to a client. The kernel completes
/// the handshake for connections waiting in the backlog, so nothing needs to `accept` them;
/// whatever the client sends is never read.
public final class SilentListener: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestCluster.Failure(description: "socket() failed") }
        guard let bound = bindToFreeLoopbackPort(fd), listen(fd, 64) == 0 else {
            close(fd)
            throw TestCluster.Failure(description: "cannot listen on 127.0.0.1")
        }
        descriptor = fd
        port = bound
    }

    /// Stops listening; connections still waiting are reset.
    public func stop() {
        close(descriptor)
    }
}
