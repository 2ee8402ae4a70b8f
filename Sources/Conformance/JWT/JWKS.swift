import ConformanceCrypto

/// A JSON Web Key Set as the auth server publishes it.
public struct JWKS: Sendable {
    public var keys: [JWK]
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        guard case .array(let items)? = json["keys"] else {
            throw JWT.ParseError(reason: "a JWKS is an object with a \"keys\" array")
        }
        raw = json
        keys = items.compactMap { item in
            guard let o = item.objectValue, let kty = o["kty"]?.stringValue else { return nil }
            func s(_ k: String) -> String? { o[k]?.stringValue }
            return JWK(kty: kty, crv: s("crv"), x: s("x"), y: s("y"), n: s("n"), e: s("e"), d: nil, k: nil,
                       kid: s("kid"), alg: s("alg"))
        }
    }

    public func key(id: String?) -> JWK? {
        if let id { return keys.first { $0.kid == id } }
        return keys.count == 1 ? keys.first : nil
    }

    public var algorithms: [String] { keys.map { $0.alg ?? Self.defaultAlgorithm(for: $0) } }

    static func defaultAlgorithm(for key: JWK) -> String {
        switch (key.kty, key.crv) {
        case ("OKP", _): return "EdDSA"
        case ("EC", "P-521"?): return "ES512"
        case ("EC", _): return "ES256"
        case ("RSA", _): return "RS256"
        default: return key.kty
        }
    }
}
