/// The JSON Web Key members this module understands (RFC 7517/7518/8037), as base64url strings
/// exactly as they appear in a JWKS. Parsing the JSON itself is the caller's job; keeping the
/// members as strings lets a JWKS entry round-trip without this module re-encoding anything.
public struct JWK: Sendable, Hashable {
    /// Key type: `OKP` (Ed25519), `EC`, `RSA`, or `oct` (HMAC secret).
    public var kty: String
    /// Curve for `OKP` and `EC`: `Ed25519`, `P-256`, `P-521`.
    public var crv: String?
    /// Public point (`OKP`: the raw public key; `EC`: the x coordinate).
    public var x: String?
    /// EC y coordinate.
    public var y: String?
    /// RSA modulus.
    public var n: String?
    /// RSA public exponent.
    public var e: String?
    /// Private part: `OKP` seed, EC scalar, or RSA private exponent.
    public var d: String?
    /// Symmetric key bytes for `oct`.
    public var k: String?
    public var kid: String?
    public var alg: String?

    public init(
        kty: String, crv: String? = nil, x: String? = nil, y: String? = nil,
        n: String? = nil, e: String? = nil, d: String? = nil, k: String? = nil,
        kid: String? = nil, alg: String? = nil
    ) {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.y = y
        self.n = n
        self.e = e
        self.d = d
        self.k = k
        self.kid = kid
        self.alg = alg
    }

    /// The same key without its private members — what a JWKS may publish.
    public var publicOnly: JWK {
        var copy = self
        copy.d = nil
        copy.k = nil
        return copy
    }
}
