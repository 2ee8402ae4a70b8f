import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Conformance

/// A TCP listener on 127.0.0.1 that accepts every connection, closes it at once and counts it:
/// the address a test gives a command to prove that the command sent nothing anywhere.
final class LoopbackTrap: Sendable {
    let port: UInt16
    private let socketFD: Int32
    private let accepted = Locked(0)

    struct Failure: Error, CustomStringConvertible { var description: String }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var actualLength = length
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) } }
        port = UInt16(bigEndian: actual.sin_port)
        socketFD = fd
        let counter = accepted
        let thread = Thread {
            while true {
                let connection = accept(fd, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    return   // the socket was shut down
                }
                counter.withLock { $0 += 1 }
                close(connection)
            }
        }
        thread.start()
    }

    /// Connections accepted so far.
    var connections: Int { accepted.current }

    var httpURL: String { "http://127.0.0.1:\(port)" }

    func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }
}
