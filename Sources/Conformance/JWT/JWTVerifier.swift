import ConformanceCrypto
import Foundation

/// Checks a token the auth server issued: an asymmetric algorithm, a key from the JWKS, a valid
/// signature, the expected subject, and an expiry in the future. Each problem is a sentence for
/// the report, never a crash.
public enum JWTVerifier {
    static let asymmetric: Set<String> = ["EdDSA", "ES256", "ES512", "RS256", "PS256"]

    public static func problems(token: String, jwks: JWKS?, expectedSubject: String?, now: Date = Date()) -> [String] {
        let jwt: JWT
        do { jwt = try JWT(compact: token) } catch { return ["the token is not a JWT: \(error)"] }
        var out: [String] = []
        let alg = jwt.algorithm ?? "(none)"
        if !asymmetric.contains(alg) { out.append("algorithm \(alg) is not one of Better Auth's asymmetric algorithms") }
        if let jwks {
            if let key = jwks.key(id: jwt.keyID), let a = JWSAlgorithm(rawValue: alg) {
                do {
                    if try !JWSSignature.verify(algorithm: a, signingInput: jwt.signingInput, signature: jwt.signature, key: key) {
                        out.append("the signature does not verify against JWKS key \(key.kid ?? "(no kid)")")
                    }
                } catch { out.append("JWKS key \(key.kid ?? "(no kid)") cannot verify it: \(error)") }
            } else if jwt.keyID != nil {
                out.append("key id \(jwt.keyID ?? "") is not in the JWKS")
            }
        } else {
            out.append("no JWKS to verify the signature against")
        }
        if let expectedSubject, jwt.subject != expectedSubject {
            out.append("sub is \(jwt.subject ?? "missing"), expected the user's id \(expectedSubject)")
        }
        if let exp = jwt.expiresAt {
            if exp <= now.timeIntervalSince1970 { out.append("exp is in the past") }
        } else {
            out.append("the token has no exp claim: it never expires")
        }
        return out
    }
}
