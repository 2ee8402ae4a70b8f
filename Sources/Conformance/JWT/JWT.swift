import ConformanceCrypto

/// A compact JWS split into its parts. Parsing never verifies; `JWTVerifier` does.
public struct JWT: Sendable {
    public var header: JSONObject
    public var claims: JSONObject
    public var signingInput: [UInt8]
    public var signature: [UInt8]
    public var compact: String

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    public init(compact: String) throws {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw ParseError(reason: "a JWT has three dot-separated parts, found \(parts.count)") }
        guard let h = Base64URL.decode(String(parts[0])), let p = Base64URL.decode(String(parts[1])),
              let s = Base64URL.decode(String(parts[2])) else { throw ParseError(reason: "a part is not base64url") }
        guard case .object(let header) = try? JSONParser.parse(h) else { throw ParseError(reason: "the header is not a JSON object") }
        guard case .object(let claims) = try? JSONParser.parse(p) else { throw ParseError(reason: "the payload is not a JSON object") }
        self.header = header
        self.claims = claims
        self.signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        self.signature = s
        self.compact = compact
    }

    public var algorithm: String? { header["alg"]?.stringValue }
    public var keyID: String? { header["kid"]?.stringValue }
    public var subject: String? { claims["sub"]?.stringValue }
    public var issuedAt: Double? { claims["iat"]?.numberValue }
    public var expiresAt: Double? { claims["exp"]?.numberValue }
    public var issuer: String? { claims["iss"]?.stringValue }
    public var audience: [String] {
        switch claims["aud"] {
        case .string(let s)?: return [s]
        case .array(let a)?: return a.compactMap(\.stringValue)
        default: return []
        }
    }

    /// Builds and signs a token; used to forge the probes of the credential attacks.
    public static func make(header: JSONObject, claims: JSONObject, sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let input = Base64URL.encode(Array(JSONWriter.compact(.object(header)).utf8)) + "." +
            Base64URL.encode(Array(JSONWriter.compact(.object(claims)).utf8))
        let sig = try sign(Array(input.utf8))
        return input + "." + Base64URL.encode(sig)
    }
}
