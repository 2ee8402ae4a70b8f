import ConformanceHTTP
import Foundation
import Testing

/// Answers built to make a client work without end: thousands of headers, headers that never
/// end, bodies far over the cap, a body that never ends. Each must end with a capped answer
/// (and a flag saying so) or a typed error. The tests judge what was kept, never the clock.
@Suite struct HostileAnswerTests {
    @Test func manyHeadersAreCappedAndFlagged() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/headers?n=1500"))
            request.maxResponseHeaders = 100
            let response = try await client.send(request)
            #expect(response.status == 200)
            #expect(response.headersTruncated)
            #expect(response.headers.count == 100)
            #expect(response.text == "many headers\n")
        }
    }

    @Test func headersUnderTheCapAreKeptWhole() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/headers?n=50")))
            #expect(!response.headersTruncated)
            #expect(response.headers.filter { $0.name.hasPrefix("X-Edge-") }.count == 50)
        }
    }

    /// The default cap applies without any setting.
    @Test func defaultHeaderCountCap() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/headers?n=1000")))
            #expect(response.headersTruncated)
            #expect(response.headers.count == HTTPRequest(method: "GET", url: "").maxResponseHeaders)
        }
    }

    @Test func headersThatNeverEndStopAtTheByteCap() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/endless-headers"))
            request.maxResponseHeaderBytes = 64 << 10
            request.timeout = 60  // the cap, not the timeout, must end it
            let error = await transportError { try await client.send(request) }
            #expect(error?.kind == .responseTooLarge)
            #expect(error?.message.contains("65536 bytes") == true)
        }
    }

    @Test func aBigHeaderBlockOverTheByteCapIsAnError() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/headers?n=200&size=1000"))
            request.maxResponseHeaderBytes = 50_000
            let error = await transportError { try await client.send(request) }
            #expect(error?.kind == .responseTooLarge)
        }
    }

    /// A 50 MB answer keeps exactly the cap, and memory grows by the cap, not by the answer.
    @Test func fiftyMegabyteBodyKeepsTheCapAndBoundedMemory() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/big?size=\(50 << 20)"))
            request.timeout = 120
            let before = peakResidentBytes()
            let response = try await client.send(request)
            let after = peakResidentBytes()
            #expect(response.bodyTruncated)
            #expect(response.body.count == request.maxResponseBytes)
            #expect(response.body.prefix(502).enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
            if let before, let after {
                // Peak RSS of the whole test process: other suites run alongside, so only a
                // generous bound is meaningful; the answer alone would be 50 MB, kept twice 100.
                #expect(after - before < 128 << 20, "peak RSS grew by \(after - before) bytes")
            }
        }
    }

    @Test func endlessChunkedBodyStopsAtTheDefaultCap() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/infinite"))
            request.timeout = 60
            let response = try await client.send(request)
            #expect(response.bodyTruncated)
            #expect(response.body.count == request.maxResponseBytes)
        }
    }

    /// JSON hostile by shape, not size: the transport keeps it whole (it is under the cap);
    /// what the harness does with it is `Exchange`'s business (ConformanceTests).
    @Test(arguments: ["/nested?bytes=\(8 << 20 - 16)", "/longstring?bytes=\(8 << 20 - 16)"])
    func hostileJSONUnderTheCapArrivesWhole(path: String) async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url(path))
            request.timeout = 120
            let response = try await client.send(request)
            #expect(!response.bodyTruncated)
            #expect(response.body.count == 8 << 20 - 16)
        }
    }
}

/// The process's peak resident set (VmHWM), in bytes; nil where /proc is not available.
func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return digits.map { $0 * 1024 }
    }
    return nil
}
