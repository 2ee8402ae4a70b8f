import ConformanceHTTP
import Foundation
import Testing

/// Redirects are followed only when asked, at most 5 hops, and credentials never cross origins.
@Suite struct RedirectTests {
    static let credentials = [
        HTTPHeader("Authorization", "Bearer secret-token"),
        HTTPHeader("Cookie", "session=secret-cookie"),
        HTTPHeader("X-Trace", "kept"),
    ]

    func following(_ url: String, method: String = "GET", body: [UInt8]? = nil,
                   headers: [HTTPHeader] = credentials) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        request.followRedirects = true
        // The timeout covers the whole chain; with every suite running at once each hop waits
        // its turn on a busy machine, and these tests judge where requests go, not how fast.
        request.timeout = 120
        return request
    }

    @Test func redirectsAreNotFollowedByDefault() async throws {
        try await withEdge { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/redirect?to=/echo")))
            #expect(response.status == 302)
            #expect(response.header("Location") == "/echo")
            #expect(response.redirects.isEmpty)
        }
    }

    @Test func sameOriginRedirectKeepsCredentials() async throws {
        try await withEdge { server, client in
            let response = try await client.send(following(server.url("/redirect?to=/echo")))
            #expect(response.status == 200)
            #expect(response.redirects == [server.url("/echo")])
            #expect(response.effectiveURL == server.url("/echo"))
            let echo = try Echo(response)
            #expect(echo.values("Authorization") == ["Bearer secret-token"])
            #expect(echo.values("Cookie") == ["session=secret-cookie"])
        }
    }

    /// 127.0.0.1 and localhost on the same port are different origins.
    @Test func redirectToAnotherHostDropsCredentials() async throws {
        try await withEdge { server, client in
            let target = server.url("/echo", host: "localhost")
            let response = try await client.send(following(server.url("/redirect?to=\(target)")))
            #expect(response.status == 200)
            #expect(response.redirects == [target])
            let echo = try Echo(response)
            #expect(echo.values("Host") == ["localhost:\(server.port)"])
            #expect(echo.values("Authorization").isEmpty)
            #expect(echo.values("Cookie").isEmpty)
            #expect(echo.values("X-Trace") == ["kept"])
        }
    }

    @Test func redirectToAnotherPortDropsCredentials() async throws {
        try await withEdge { server, client in
            let other = try await EdgeServer.start()
            defer { other.stop() }
            let target = other.url("/echo")
            let response = try await client.send(following(server.url("/redirect?to=\(target)&code=307")))
            #expect(response.status == 200)
            let echo = try Echo(response)
            #expect(echo.values("Host") == ["127.0.0.1:\(other.port)"])
            #expect(echo.values("Authorization").isEmpty)
            #expect(echo.values("Cookie").isEmpty)
            #expect(echo.values("X-Trace") == ["kept"])
        }
    }

    /// A → B → A: the chain passed through B, which chose where it ends; still no credentials.
    @Test func credentialsStayDroppedWhenTheChainReturns() async throws {
        try await withEdge { server, client in
            let back = server.url("/echo")
            let via = server.url("/redirect?to=\(back)", host: "localhost")
            let encoded = via.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? via
            let response = try await client.send(following(server.url("/redirect?to=\(encoded)")))
            #expect(response.redirects == [via, back])
            let echo = try Echo(response)
            #expect(echo.values("Host") == ["127.0.0.1:\(server.port)"])
            #expect(echo.values("Authorization").isEmpty)
            #expect(echo.values("Cookie").isEmpty)
        }
    }

    @Test func fiveHopsAreFollowed() async throws {
        try await withEdge { server, client in
            let response = try await client.send(following(server.url("/chain?n=5")))
            #expect(response.status == 200)
            #expect(response.redirects.count == 5)
            #expect(response.text.contains("\"done\": true"))
        }
    }

    @Test func aSixthHopIsTooMany() async throws {
        try await withEdge { server, client in
            let error = await transportError { try await client.send(following(server.url("/chain?n=6"))) }
            #expect(error?.kind == .tooManyRedirects)
        }
    }

    @Test func redirectLoopEndsWithTooManyRedirects() async throws {
        try await withEdge { server, client in
            let before = try await Stats.fetch(client, server)
            let error = await transportError { try await client.send(following(server.url("/loop"))) }
            #expect(error?.kind == .tooManyRedirects)
            let after = try await Stats.fetch(client, server)
            // The first request plus five followed hops, plus the second /stats.
            #expect(after.requests - before.requests == 7)
        }
    }

    @Test func seeOtherTurnsPostIntoBodylessGet() async throws {
        try await withEdge { server, client in
            let response = try await client.send(following(
                server.url("/redirect?to=/echo&code=303"), method: "POST", body: Array("data".utf8),
                headers: [HTTPHeader("Content-Type", "text/plain")]))
            let echo = try Echo(response)
            #expect(echo.method == "GET")
            #expect(echo.bodyLen == 0)
            #expect(echo.values("Content-Type").isEmpty)
        }
    }

    @Test(arguments: [307, 308])
    func temporaryAndPermanentRedirectKeepMethodAndBody(code: Int) async throws {
        try await withEdge { server, client in
            let response = try await client.send(following(
                server.url("/redirect?to=/echo&code=\(code)"), method: "PATCH", body: Array("data".utf8)))
            let echo = try Echo(response)
            #expect(echo.method == "PATCH")
            #expect(echo.body == "data")
        }
    }

    @Test func redirectToANonHTTPSchemeIsRefused() async throws {
        try await withEdge { server, client in
            let error = await transportError {
                try await client.send(following(server.url("/redirect?to=file:///etc/passwd")))
            }
            #expect(error?.kind == .invalidURL)
        }
    }
}
