import ConformanceCrypto

/// Algorithm confusion: the JWKS public key fed to HMAC as a verifier may hold it. Which form the
/// back end loaded is unknown, so each common one keys a probe of its own.
extension TokenForge {
    /// The forms a verifier may hold the JWKS public key in when it feeds it to HMAC: whichever
    /// the code loaded is the one an algorithm-confusion token must be keyed with.
    public enum KeyEncoding: String, Sendable, CaseIterable {
        /// SubjectPublicKeyInfo PEM as OpenSSL and Python write it, ending in a newline.
        case pem = "PEM"
        /// The same without the final newline (read from an environment variable, stripped).
        case pemWithoutNewline = "PEM without final newline"
        /// SubjectPublicKeyInfo DER.
        case der = "DER"
        /// The key itself: Ed25519's 32 bytes, an EC point uncompressed (04 ‖ x ‖ y).
        case raw = "raw key bytes"
        /// The JWKS entry's JSON text exactly as published.
        case jwkJSON = "JWK JSON"

        public var probeName: String { "HS256 keyed with the JWKS key (\(rawValue))" }
    }

    /// The bytes of `key` in `encoding`. `algorithm` is the genuine token's (it says how the JWK
    /// is read); `publishedJSON` the JWKS entry's text.
    static func keyBytes(_ key: JWK, _ encoding: KeyEncoding, algorithm: String?, publishedJSON: String?) -> Result<[UInt8], ForgeError> {
        guard let alg = JWSAlgorithm(rawValue: algorithm ?? key.alg ?? "") ?? key.alg.flatMap(JWSAlgorithm.init(rawValue:)) else {
            return .failure(ForgeError("the token's algorithm \(algorithm ?? "(none)") is not one the harness reads keys for"))
        }
        do {
            switch encoding {
            case .pem: return .success(Array(try SubjectPublicKeyInfo.pem(for: key, algorithm: alg).utf8))
            case .pemWithoutNewline:
                var pem = try SubjectPublicKeyInfo.pem(for: key, algorithm: alg)
                while pem.hasSuffix("\n") { pem.removeLast() }
                return .success(Array(pem.utf8))
            case .der: return .success(try SubjectPublicKeyInfo.der(for: key, algorithm: alg))
            case .raw:
                switch key.kty {
                case "OKP":
                    guard let x = key.x.flatMap(Base64URL.decode) else { return .failure(ForgeError("the JWKS key has no x member")) }
                    return .success(x)
                case "EC":
                    guard let x = key.x.flatMap(Base64URL.decode), let y = key.y.flatMap(Base64URL.decode) else {
                        return .failure(ForgeError("the EC key lacks x or y"))
                    }
                    return .success([0x04] + x + y)
                default:
                    return .failure(ForgeError("a \(key.kty) key has no raw form apart from its DER (probed as DER)"))
                }
            case .jwkJSON:
                guard let publishedJSON else { return .failure(ForgeError("the JWKS entry could not be found in the published text")) }
                return .success(Array(publishedJSON.utf8))
            }
        } catch {
            return .failure(ForgeError("the key cannot be written as \(encoding.rawValue): \(error)"))
        }
    }

    /// HS256 over the genuine claims, keeping the genuine header's other members (a `kid` makes a
    /// by-kid verifier pick the JWKS key it then misuses).
    func hs256(_ g: JWT, name: String, key: [UInt8], summary: String) -> Probe {
        var header = g.header
        header["alg"] = .string(JWSAlgorithm.HS256.rawValue)
        let token = JWT.make(header: header, claims: g.claims) { JWSSignature.signHS256(signingInput: $0, secret: key) }
        return Probe(name: name, kind: .forgedToken, summary: summary, payload: .send(.bearer(token)))
    }

    func wrongIssuer(_ g: JWT) -> Probe { wrongClaim(g, "iss", name: "wrong iss") }

    func wrongAudience(_ g: JWT) -> Probe { wrongClaim(g, "aud", name: "wrong aud") }

    /// The genuine claims with `claim` pointing elsewhere, validly signed. When the app's own
    /// tokens do not carry the claim, the probe adds it, and says so: the app never promised to
    /// check a claim it does not issue.
    func wrongClaim(_ g: JWT, _ claim: String, name: String) -> Probe {
        var claims = g.claims
        let issued = claims[claim] != nil
        claims[claim] = .string(Self.impostorOrigin)
        var probe = validlySigned(g, claims: claims, name: name, what: "tokens with a wrong \(claim)",
                                  summary: "genuine claims with \(claim) \(Self.impostorOrigin)\(issued ? "" : " (added: the genuine token has no \(claim))"), validly signed")
        if !issued { probe.claimNotIssued = claim }
        return probe
    }

    /// Issued two hours ago, expired one hour ago: far beyond any clock-skew leeway.
    func expired(_ g: JWT) -> Probe {
        var claims = g.claims
        let now = material.now.timeIntervalSince1970.rounded(.down)
        claims["iat"] = .number(now - 7200)
        claims["exp"] = .number(now - 3600)
        return validlySigned(g, claims: claims, name: "expired", what: "expired tokens",
                             summary: "genuine claims with iat 2 h and exp 1 h in the past, validly signed")
    }

    /// The exact text of the JWKS entry with `kid`: every balanced `{...}` in the document is a
    /// candidate, and the one that parses to a key with that kid wins. Strings are skipped so a
    /// brace inside a value cannot unbalance the scan.
    static func publishedKeyJSON(in document: String, kid: String?) -> String? {
        let bytes = Array(document.utf8)
        var starts: [Int] = []
        var inString = false, escaped = false
        var candidates: [ArraySlice<UInt8>] = []
        for (i, b) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): starts.append(i)
            case UInt8(ascii: "}"):
                if let s = starts.popLast(), !starts.isEmpty { candidates.append(bytes[s...i]) }
            default: break
            }
        }
        for c in candidates {
            guard case .object(let o)? = try? JSONParser.parse(Array(c)), o["kty"] != nil else { continue }
            if kid == nil || o["kid"]?.stringValue == kid { return String(decoding: c, as: UTF8.self) }
        }
        return nil
    }

    /// Fallback when the published text is unknown: the entry written compactly, members in order.
    static func reserializedKeyJSON(_ jwks: JWKS, kid: String?) -> String? {
        guard let items = jwks.raw["keys"]?.arrayValue else { return nil }
        let entry = items.first { kid == nil || $0["kid"]?.stringValue == kid }
        return entry.map(JSONWriter.compact)
    }
}
