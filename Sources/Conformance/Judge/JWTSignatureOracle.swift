/// SC-011's token rules, pure: a user's API token must be Better Auth's (asymmetric, verifying
/// against the auth server's JWKS, for that user), and an HS256 token signed with the shared
/// secret must be refused. The check verifies signatures and sends the probes; these judge.
public enum JWTSignatureOracle {
    public struct Breach: Sendable, Equatable {
        public var oracle: Oracle
        public var message: String
    }

    /// What `JWTVerifier` says when there was no key set to check against.
    static let noJWKS = "no JWKS to verify the signature against"

    /// `problems` is the verifier's list for `user`'s token (empty: it verified); `jwksURL` is
    /// where the key set was looked for when none could be fetched; `apiStatus` what the API
    /// answered the token with (nil when it was not sent), so a failure says whether the API took
    /// a foreign token. Nil when the token is Better Auth's.
    public static func token(problems raw: [String], jwksURL: String?, apiStatus: Int?, user: String) -> Breach? {
        var problems = raw
        if let jwksURL { problems = problems.map { $0 == noJWKS ? "no JWKS could be fetched from \(jwksURL)" : $0 } }
        let symmetric = problems.contains { $0.hasPrefix("algorithm") }
        // A symmetric token cannot verify against public keys; saying why in detail is noise.
        if symmetric { problems.removeAll { $0.hasPrefix("JWKS key") || $0.hasPrefix("the signature does not verify") } }
        guard !problems.isEmpty else { return nil }
        let took = apiStatus.map { (200..<300).contains($0) ? "; the API accepted it (\($0))" : "; the API answered \($0)" } ?? ""
        return Breach(oracle: symmetric ? .symmetricJWT : .unverifiedJWT,
                      message: "\(user)'s token is not a Better Auth JWT: " + problems.joined(separator: "; ") + took)
    }

    /// `resource`'s list answering an HS256 token signed with BETTER_AUTH_SECRET: accepted means
    /// a custom JWT scheme; a refusal must be 401 or 403. Nil when it was refused so.
    public static func secretSigned(status: Int, resource: String) -> Breach? {
        if (200..<300).contains(status) {
            return Breach(oracle: .secretSignedJWTAccepted,
                          message: "\(resource).list accepted an HS256 token signed with BETTER_AUTH_SECRET (\(status)): the API verifies a custom JWT with the shared secret, not Better Auth's JWKS")
        }
        guard status == 401 || status == 403 else {
            return Breach(oracle: .denialStatus, message: "answered \(status); a refused token is 401 or 403")
        }
        return nil
    }
}
