import ConformanceCrypto
import Foundation
import Testing
@testable import Conformance

/// Every JWT the auth server hands out is checked against its JWKS; a bad one is a sentence in the
/// report (a finding), never a crash.
@Suite struct JWTVerifierTests {
    let key: Ed25519KeyPair
    let jwks: JWKS

    init() throws {
        var k = try Ed25519KeyPair.generate()
        k.kid = "k1"
        key = k
        let pub = k.publicJWK
        jwks = try JWKS(json: ["keys": [["kty": .string(pub.kty), "crv": .string(pub.crv ?? ""), "x": .string(pub.x ?? ""), "kid": "k1", "alg": "EdDSA"]]])
    }

    func token(alg: String = "EdDSA", kid: String = "k1", sub: String = "u1", exp: Double? = Date().timeIntervalSince1970 + 900) throws -> String {
        var claims = JSONObject([("sub", .string(sub)), ("iat", .number(Date().timeIntervalSince1970))])
        if let exp { claims["exp"] = .number(exp) }
        let header = JSONObject([("alg", .string(alg)), ("kid", .string(kid))])
        return try JWT.make(header: header, claims: claims) { input in
            alg == "HS256" ? Digest.hmacSHA256(key: Array("secret".utf8), data: input) : try key.sign(input)
        }
    }

    @Test func aGoodTokenHasNoProblem() throws {
        #expect(JWTVerifier.problems(token: try token(), jwks: jwks, expectedSubject: "u1").isEmpty)
    }

    @Test func eachFlawIsNamed() throws {
        #expect(JWTVerifier.problems(token: try token(sub: "u2"), jwks: jwks, expectedSubject: "u1").contains { $0.contains("sub is u2") })
        #expect(JWTVerifier.problems(token: try token(kid: "nope"), jwks: jwks, expectedSubject: "u1").contains { $0.contains("not in the JWKS") })
        #expect(JWTVerifier.problems(token: try token(exp: Date().timeIntervalSince1970 - 60), jwks: jwks, expectedSubject: "u1").contains { $0.contains("exp is in the past") })
        #expect(JWTVerifier.problems(token: try token(exp: nil), jwks: jwks, expectedSubject: "u1").contains { $0.contains("never expires") })
        #expect(JWTVerifier.problems(token: try token(alg: "HS256"), jwks: jwks, expectedSubject: "u1").contains { $0.contains("HS256") })
        var tampered = try token()
        tampered.removeLast(3)
        tampered += "AAA"
        #expect(JWTVerifier.problems(token: tampered, jwks: jwks, expectedSubject: "u1").contains { $0.contains("signature") })
        #expect(JWTVerifier.problems(token: "not a jwt", jwks: jwks, expectedSubject: "u1").first?.contains("not a JWT") == true)
        #expect(JWTVerifier.problems(token: try token(), jwks: nil, expectedSubject: "u1").contains { $0.contains("no JWKS") })
    }
}
