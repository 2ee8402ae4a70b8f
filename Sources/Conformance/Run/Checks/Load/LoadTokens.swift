import Foundation

/// Tokens that outlive the load phase: Better Auth's JWTs last 15 minutes by default, and users
/// are created when their scenario starts, so a long run could otherwise see a wave of 401s
/// mid-phase and report the harness's stale token as the app's error.
struct LoadTokens: Sendable {
    let context: RunContext

    func fresh(_ users: [Identity], lasting seconds: Double) async -> [Identity] {
        var out: [Identity] = []
        for user in users {
            guard let token = user.apiToken, let exp = (try? JWT(compact: token))?.expiresAt,
                  exp < Date().timeIntervalSince1970 + seconds else { out.append(user); continue }
            let (_, updated) = await context.identities.refreshToken(user)
            if updated.apiToken != nil, updated.apiToken != user.apiToken {
                await context.pool.update(updated)
                out.append(updated)
            } else {
                out.append(user)
            }
        }
        return out
    }
}
