/// The JWS `alg` values the harness verifies or forges. The raw values are the exact header
/// strings, so `JWSAlgorithm(rawValue: header.alg)` is the parse.
public enum JWSAlgorithm: String, Sendable, CaseIterable {
    case EdDSA, ES256, ES512, RS256, PS256, HS256
}
