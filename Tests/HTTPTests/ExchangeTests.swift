import ConformanceHTTP
import Foundation
import Testing

/// What goes out on the wire and what comes back, for ordinary exchanges.
@Suite struct ExchangeTests {
    @Test func getReturnsStatusHeadersBodyAndEffectiveURL() async throws {
        try await withEdge { server, client in
            let url = server.url("/echo?q=1")
            let response = try await client.send(HTTPRequest(method: "GET", url: url))
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.effectiveURL == url)
            #expect(response.redirects.isEmpty)
            #expect(!response.bodyTruncated)
            let echo = try Echo(response)
            #expect(echo.method == "GET")
            #expect(echo.path == "/echo?q=1")
            #expect(response.text.contains("\"method\": \"GET\""))
        }
    }

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// Every method, with and without a body: the server sees that method and exactly our
    /// headers — nothing curl would add on its own (Accept, Expect, a form Content-Type).
    @Test(arguments: methods, [false, true])
    func methodAndHeadersGoOutExactlyAsGiven(method: String, withBody: Bool) async throws {
        try await withEdge { server, client in
            let body: [UInt8]? = withBody ? Array("payload-\(method)".utf8) : nil
            let request = HTTPRequest(method: method, url: server.url("/echo"), headers: [
                HTTPHeader("X-First", "1"),
                HTTPHeader("x-MiXeD-case", "Value With  Spaces"),
                HTTPHeader("X-First", "2"),
            ], body: body)
            let echo = try Echo(try await client.send(request))
            #expect(echo.method == method)
            #expect(echo.body == (withBody ? "payload-\(method)" : ""))
            #expect(echo.values("X-First") == ["1", "2"])
            #expect(echo.names.contains("x-MiXeD-case"))
            #expect(echo.values("x-mixed-case") == ["Value With  Spaces"])
            #expect(echo.values("Accept").isEmpty)
            #expect(echo.values("Expect").isEmpty)
            #expect(echo.values("Content-Type").isEmpty)
            #expect(echo.values("User-Agent") == ["conformance/0.1"])
            if withBody || ["POST", "PUT", "PATCH"].contains(method) {
                #expect(echo.values("Content-Length") == ["\(body?.count ?? 0)"])
            }
        }
    }

    @Test func givenContentTypeAcceptAndUserAgentAreSentOnceAsGiven() async throws {
        try await withEdge { server, client in
            let request = HTTPRequest(method: "POST", url: server.url("/echo"), headers: [
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("User-Agent", "custom-agent"),
                HTTPHeader("X-Empty", ""),
            ], body: Array(#"{"title":"milk"}"#.utf8))
            let echo = try Echo(try await client.send(request))
            #expect(echo.values("Content-Type") == ["application/json"])
            #expect(echo.values("Accept") == ["application/json"])
            #expect(echo.values("User-Agent") == ["custom-agent"])
            #expect(echo.values("X-Empty") == [""])
            #expect(echo.body == #"{"title":"milk"}"#)
        }
    }

    /// curl would add `Expect: 100-continue` to bodies above 1 MiB and wait for the server.
    @Test func largeBodyIsSentWithoutExpectContinue() async throws {
        try await withEdge { server, client in
            let body = [UInt8](repeating: UInt8(ascii: "z"), count: 1_500_000)
            let echo = try Echo(try await client.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: body)))
            #expect(echo.bodyLen == body.count)
            #expect(echo.values("Expect").isEmpty)
        }
    }

    @Test func binaryBodiesRoundTripByteForByte() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/big?size=3000000")))
            #expect(response.status == 200)
            #expect(!response.bodyTruncated)
            #expect(response.body.count == 3_000_000)
            #expect(response.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
        }
    }

    @Test func headReturnsHeadersWithoutBody() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "HEAD", url: server.url("/big?size=1234")))
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "1234")
            #expect(response.body.isEmpty)
        }
    }

    /// Curl handles are reused without a reset: nothing of one exchange (method, body, headers,
    /// user agent, no-body) may leak into the next on the same handle.
    @Test func aReusedHandleCarriesNothingOfTheLastExchange() async throws {
        var options = HTTPClientOptions()
        options.eventLoops = 1  // one loop, so one pooled handle serves every request in turn
        try await withEdge(options: options) { server, client in
            func plainGet() async throws -> Echo {
                try Echo(try await client.send(HTTPRequest(method: "GET", url: server.url("/echo"))))
            }
            func expectPlain(_ echo: Echo, after what: String) {
                #expect(echo.method == "GET" && echo.bodyLen == 0, "after \(what): \(echo.method), \(echo.bodyLen) bytes")
                #expect(echo.values("X-Extra").isEmpty && echo.values("Content-Type").isEmpty, "after \(what): \(echo.headers)")
                #expect(echo.values("User-Agent") == ["conformance/0.1"], "after \(what): \(echo.values("User-Agent"))")
            }
            let head = try await client.send(HTTPRequest(method: "HEAD", url: server.url("/big?size=10")))
            #expect(head.body.isEmpty)
            let afterHead = try await client.send(HTTPRequest(method: "GET", url: server.url("/big?size=10")))
            #expect(afterHead.body.count == 10, "a GET after a HEAD has its body")

            let sent: [(String, [UInt8]?)] = [("POST", Array("{\"a\":1}".utf8)), ("PUT", Array("x".utf8)), ("PATCH", nil), ("DELETE", nil), ("POST", [])]
            for (method, body) in sent {
                let echo = try Echo(try await client.send(HTTPRequest(method: method, url: server.url("/echo"),
                                                                      headers: [HTTPHeader("X-Extra", "1"), HTTPHeader("Content-Type", "application/json"),
                                                                                HTTPHeader("User-Agent", "probe/9")],
                                                                      body: body)))
                #expect(echo.method == method && echo.bodyLen == (body?.count ?? 0), "\(method): \(echo.method), \(echo.bodyLen)")
                #expect(echo.values("User-Agent") == ["probe/9"])
                expectPlain(try await plainGet(), after: method)
            }
        }
    }

    /// Several `Set-Cookie` lines survive in order; nothing is stored and replayed.
    @Test func severalSetCookieHeadersAndNoCookieJar() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/cookies")))
            #expect(response.headers(named: "set-cookie") == [
                "a=1; Path=/; HttpOnly", "b=2; Path=/; Secure", "c=3; Max-Age=60",
            ])
            #expect(response.header("SET-COOKIE") == "a=1; Path=/; HttpOnly")
            #expect(response.headers.map(\.name).filter { $0 == "Set-Cookie" || $0 == "X-Between" }
                    == ["Set-Cookie", "X-Between", "Set-Cookie", "Set-Cookie"])
            let echo = try Echo(try await client.send(HTTPRequest(method: "GET", url: server.url("/echo"))))
            #expect(echo.values("Cookie").isEmpty)
        }
    }

    @Test(arguments: [204, 401, 404, 500])
    func errorStatusesAreResponsesNotErrors(code: Int) async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/status?code=\(code)")))
            #expect(response.status == code)
        }
    }

    @Test func timingsAreOrderedAndMeasureTheWait() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/delay?ms=300")))
            let t = response.timings
            #expect(t.connect >= 0)
            #expect(t.connect <= t.firstByte)
            #expect(t.firstByte <= t.total)
            #expect(t.firstByte >= 0.29)
            #expect(t.total < 5)
        }
    }

    /// Probes put `..` in id positions; the path must reach the server as written.
    @Test func pathIsSentAsWritten() async throws {
        try await withEdge { server, client in
            let echo = try Echo(try await client.send(HTTPRequest(method: "GET", url: server.url("/echo/../../stats/./x"))))
            #expect(echo.path == "/echo/../../stats/./x")
        }
    }

    /// The server drops the connection while a large body is still being written. With
    /// signals off in libcurl, a SIGPIPE here would kill the whole process; instead the request
    /// fails with an error and the client keeps working.
    @Test(arguments: [false, true])
    func peerClosingMidUploadIsAnErrorNotACrash(tls: Bool) async throws {
        var options = HTTPClientOptions()
        options.verifyTLS = false
        try await withEdge(tls: tls, options: options) { server, client in
            let body = [UInt8](repeating: 0x41, count: 16 << 20)
            do {
                let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/close"), body: body))
                Issue.record("expected a transport error, got status \(response.status)")
            } catch let error as HTTPTransportError {
                #expect(error.kind == .other)
                #expect(error.curlCode != 0)
            }
            let after = try await client.send(HTTPRequest(method: "GET", url: server.url("/echo")))
            #expect(after.status == 200)
        }
    }

    /// A CR/LF in a header value would smuggle extra header lines; it is refused before
    /// anything is sent.
    @Test func headerInjectionIsRefusedBeforeSending() async throws {
        try await withEdge { server, client in
            let before = try await Stats.fetch(client, server)
            let error = await transportError {
                try await client.send(HTTPRequest(method: "GET", url: server.url("/echo"), headers: [
                    HTTPHeader("X-Evil", "a\r\nAuthorization: Bearer stolen"),
                ]))
            }
            #expect(error?.kind == .other)
            let after = try await Stats.fetch(client, server)
            #expect(after.requests == before.requests + 1)
        }
    }
}
