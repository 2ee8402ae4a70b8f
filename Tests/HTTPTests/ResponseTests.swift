import ConformanceHTTP
import Testing

/// Look-ups on a response, without any network.
@Suite struct ResponseTests {
    let response = HTTPResponse(
        status: 200,
        headers: [HTTPHeader("Set-Cookie", "a=1"), HTTPHeader("content-type", "text/plain"),
                  HTTPHeader("set-cookie", "b=2")],
        body: [0x68, 0x69, 0xFF],
        effectiveURL: "http://example.test/")

    @Test func headerIsCaseInsensitiveAndFirst() {
        #expect(response.header("SET-COOKIE") == "a=1")
        #expect(response.header("Content-Type") == "text/plain")
        #expect(response.header("Set-Cooki") == nil)
        #expect(response.header("Set-Cookies") == nil)
    }

    @Test func headersNamedKeepsOrder() {
        #expect(response.headers(named: "Set-Cookie") == ["a=1", "b=2"])
        #expect(response.headers(named: "missing").isEmpty)
    }

    @Test func textIsLossyUTF8() {
        #expect(response.text == "hi\u{FFFD}")
    }

    @Test func originSeparatesSchemeHostAndPort() throws {
        let a = try #require(HTTPOrigin(url: "http://127.0.0.1/x"))
        #expect(a == HTTPOrigin(scheme: "http", host: "127.0.0.1", port: 80))
        #expect(HTTPOrigin(url: "HTTP://LocalHost:8000/") == HTTPOrigin(scheme: "http", host: "localhost", port: 8000))
        #expect(HTTPOrigin(url: "https://h/") != HTTPOrigin(url: "http://h:443/"))
        #expect(HTTPOrigin(url: "not a url") == nil)
    }
}
