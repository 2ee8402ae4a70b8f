import ConformanceHTTP
import Foundation
import Testing

/// Against the embedded reference app, when `scripts/test` has started it and exported its
/// URLs (`BETTER_AUTH_URL`, `API_URL`); skipped otherwise.
@Suite struct ReferenceAppTests {
    static let env = ProcessInfo.processInfo.environment

    @Test(.enabled(if: env["BETTER_AUTH_URL"] != nil, "BETTER_AUTH_URL not set"))
    func authServerAnswersOk() async throws {
        let base = try #require(Self.env["BETTER_AUTH_URL"])
        let client = try HTTPClient()
        defer { client.shutdown() }
        let response = try await client.send(HTTPRequest(method: "GET", url: base + "/api/auth/ok"))
        #expect(response.status == 200)
        #expect(response.text.contains("ok"))
    }

    @Test(.enabled(if: env["API_URL"] != nil, "API_URL not set"))
    func apiPublishesOpenAPIAndRefusesAnonymousTasks() async throws {
        let base = try #require(Self.env["API_URL"])
        let client = try HTTPClient()
        defer { client.shutdown() }
        let spec = try await client.send(HTTPRequest(method: "GET", url: base + "/openapi.json"))
        #expect(spec.status == 200)
        #expect(spec.text.contains("\"paths\""))
        let anonymous = try await client.send(HTTPRequest(method: "GET", url: base + "/api/someone/tasks"))
        #expect(anonymous.status == 401)
    }
}
