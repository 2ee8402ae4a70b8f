import ConformanceHTTP
import Foundation
import Testing

/// Exchanges that produce no response end in a typed error, never a crash or a hang.
@Suite struct FailureTests {
    @Test func closedPortIsConnectionRefused() async throws {
        let port = try await EdgeServer.freePort()
        let client = try HTTPClient()
        defer { client.shutdown() }
        let error = await transportError {
            try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.curlCode == 7)
        #expect(error?.url == "http://127.0.0.1:\(port)/")
    }

    /// The server sends headers, then one byte every half second: the whole-exchange timeout
    /// must fire even though data keeps trickling in.
    @Test func slowBodyHitsTheTimeout() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/slow?bytes=20&delay=0.5"))
            request.timeout = 1
            let clock = ContinuousClock()
            let started = clock.now
            let error = await transportError { try await client.send(request) }
            let elapsed = seconds(started.duration(to: clock.now))
            #expect(error?.kind == .timeout)
            #expect(error?.curlCode == 28)
            // The body alone takes 10 s: had the timeout not fired, the request would have ended
            // with the whole body and no error. (No upper time bound: a loaded machine is slow.)
            #expect(elapsed >= 0.9)
        }
    }

    @Test func oversizedBodyIsTruncatedAtTheCap() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/big?size=100000"))
            request.maxResponseBytes = 1000
            let response = try await client.send(request)
            #expect(response.status == 200)
            #expect(response.bodyTruncated)
            #expect(response.body.count == 1000)
            #expect(response.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
        }
    }

    @Test func bodyExactlyAtTheCapIsNotTruncated() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/big?size=1000"))
            request.maxResponseBytes = 1000
            let response = try await client.send(request)
            #expect(!response.bodyTruncated)
            #expect(response.body.count == 1000)
        }
    }

    /// A body that never ends is cut off at the cap instead of filling memory until timeout.
    @Test func endlessBodyStopsAtTheCap() async throws {
        try await withEdge { server, client in
            var request = HTTPRequest(method: "GET", url: server.url("/infinite"))
            request.maxResponseBytes = 1 << 20
            // Generous: without the cap the request could only end by this timeout, as an error.
            request.timeout = 120
            let response = try await client.send(request)
            #expect(response.bodyTruncated)
            #expect(response.body.count == 1 << 20)
        }
    }

    @Test(arguments: ["not a url", "ftp://127.0.0.1/file", "file:///etc/passwd", "http://[::1"])
    func unusableURLsAreInvalidURL(url: String) async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", url: url)) }
        #expect(error?.kind == .invalidURL)
    }

    @Test func unknownHostIsDNS() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPRequest(method: "GET", url: "http://no-such-host.invalid/")
        request.timeout = 15
        let error = await transportError { try await client.send(request) }
        #expect(error?.kind == .dns)
    }

    @Test func descriptionMasksURLCredentials() {
        let error = HTTPTransportError(kind: .other, curlCode: 0, message: "boom",
                                       url: "https://admin:hunter2@db.example/x")
        #expect(!error.description.contains("hunter2"))
        #expect(error.description.contains("db.example/x"))
    }
}

/// TLS is verified unless switched off, against the system store or a given CA file.
@Suite struct TLSTests {
    @Test func selfSignedCertificateIsRefusedByDefault() async throws {
        try await withEdge(tls: true) { server, client in
            let error = await transportError {
                try await client.send(HTTPRequest(method: "GET", url: server.url("/echo")))
            }
            #expect(error?.kind == .tls)
        }
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func givenCAFileIsTrusted(host: String) async throws {
        let server = try await EdgeServer.start(tls: true)
        defer { server.stop() }
        var options = HTTPClientOptions()
        let certificate = try #require(server.certificate as String?)
        options.caFile = certificate
        let client = try HTTPClient(options: options)
        defer { client.shutdown() }
        let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/echo", host: host)))
        #expect(response.status == 200)
        #expect(response.effectiveURL.hasPrefix("https://"))
    }

    @Test func verificationCanBeSwitchedOff() async throws {
        var options = HTTPClientOptions()
        options.verifyTLS = false
        try await withEdge(tls: true, options: options) { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/echo")))
            #expect(response.status == 200)
        }
    }

    @Test func unreadableCAFileIsRefusedUpFront() {
        var options = HTTPClientOptions()
        options.caFile = "/nonexistent/ca.pem"
        #expect(throws: HTTPTransportError.self) { _ = try HTTPClient(options: options) }
    }
}
