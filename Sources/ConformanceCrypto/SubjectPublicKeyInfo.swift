/// A JWKS public key in the X.509 SubjectPublicKeyInfo form (DER, or PEM `PUBLIC KEY`).
/// Algorithm-confusion probes key HS256 with exactly these bytes, because a back end that
/// loads its verification key from PEM and lets the token pick the algorithm would use them.
public enum SubjectPublicKeyInfo {
    /// `algorithm` picks how the JWK is read (it must fit the key, as for verification).
    public static func der(for key: JWK, algorithm: JWSAlgorithm) throws -> [UInt8] {
        try OpenSSL.subjectPublicKeyInfo(key.publicKeyMaterial(for: algorithm))
    }

    /// PEM with 64-character lines and a trailing newline, as OpenSSL and Python write it.
    public static func pem(for key: JWK, algorithm: JWSAlgorithm) throws -> String {
        // PEM uses the standard alphabet: base64url with its two differing symbols swapped back.
        let base64 = String(Base64URL.encode(try der(for: key, algorithm: algorithm)).map { symbol -> Character in
            switch symbol {
            case "-": "+"
            case "_": "/"
            default: symbol
            }
        })
        let padded = base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
        var lines = ["-----BEGIN PUBLIC KEY-----"]
        var rest = Substring(padded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
