import ConformanceHTTP
import Foundation
import Testing
@testable import Conformance

/// Better Auth in production allows 3 sign-ups per 10 s and answers 429 with `X-Retry-After`.
/// The harness must wait as told, report the waits, and still create every user.
@Suite(.serialized) struct RateLimitTests {
    @Test func signUpsWaitOutTheRateLimit() async throws {
        let own = try ReferenceStack.PrivateStack(faults: [], environment: ["BETTER_AUTH_ENV": "production"])
        defer { own.stop() }
        let target = try Harness.target(stack: own.stack)
        let client = try HTTPClient(options: HTTPClientOptions())
        defer { client.shutdown() }
        let auth = BetterAuthClient(session: HTTPSession(client: client, timeout: 30), baseURL: target.authBaseURL)
        let provider = BetterAuthProvider(client: auth, tokenSource: .jwtEndpoint, redactor: Redactor())
        let pool = UserPool(runID: "rlimit\(Int.random(in: 1000...9999))", provider: provider)
        for n in 1...5 {
            let identity = try await pool.identity("u\(n)")
            #expect(!identity.id.isEmpty)
            #expect(identity.apiToken != nil)
        }
        #expect(!auth.rateLimitWaits.isEmpty, "five sign-ups in a row must have met the 3-per-10-s limit")
        #expect(auth.rateLimitWaits.allSatisfy { $0 > 0 && $0 <= auth.maxRetryWait })
    }
}
