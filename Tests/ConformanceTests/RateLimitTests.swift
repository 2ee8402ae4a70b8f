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
        let pool = UserPool(emails: TestEmails(runID: "rlimit\(Int.random(in: 1000...9999))"), provider: provider, redactor: Redactor())
        // Five at once: the limit (3 per 10 s) is met however slow the machine is.
        let identities = try await withThrowingTaskGroup(of: Identity.self) { group in
            for n in 1...5 { group.addTask { try await pool.identity("u\(n)") } }
            var all: [Identity] = []
            for try await i in group { all.append(i) }
            return all
        }
        #expect(identities.count == 5)
        #expect(identities.allSatisfy { !$0.id.isEmpty && $0.apiToken != nil })
        #expect(!auth.rateLimitWaits.isEmpty, "five sign-ups in a row must have met the 3-per-10-s limit")
        #expect(auth.rateLimitWaits.allSatisfy { $0 > 0 && $0 <= auth.maxRetryWait })
    }
}
