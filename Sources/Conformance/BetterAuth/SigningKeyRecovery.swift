import ConformanceCrypto
import Foundation

/// The auth server's private signing key, as read back from its `jwks` table.
public struct RecoveredSigningKey: Sendable {
    /// The row id, which Better Auth puts in the token header as `kid`.
    public var kid: String
    /// The private JWK (`d` present), its `kid` set.
    public var privateJWK: JWK
    public var algorithm: JWSAlgorithm
}

/// Reads Better Auth's signing key from `jwks."privateKey"` so the harness can mint tokens the
/// auth server could have issued (expired, wrong audience) and learn whether the API checks
/// claims, not only signatures. Storage (shared/reference/better-auth.md, "Private key storage"):
/// a JSON string literal holding hex(nonce24 ‖ ciphertext ‖ tag16), XChaCha20-Poly1305 under
/// SHA-256(secret); `$ba$<version>$<hex>` with versioned secrets; plain JWK JSON when encryption
/// is disabled.
public enum SigningKeyRecovery {
    /// Why the key could not be recovered: a sentence for a skipped case.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// The secrets that may have encrypted the column: `BETTER_AUTH_SECRET` for bare hex, and the
    /// numbered ones of `BETTER_AUTH_SECRETS` (`version:value,...`) for `$ba$<version>$` envelopes.
    public struct Secrets: Sendable {
        public var legacy: String?
        public var versioned: [Int: String]

        public init(legacy: String?, versioned: [Int: String] = [:]) {
            self.legacy = legacy.flatMap { $0.isEmpty ? nil : $0 }
            self.versioned = versioned
        }

        /// Parses `BETTER_AUTH_SECRETS`; entries that are not `number:value` are ignored.
        public init(legacy: String?, secretsVariable: String?) {
            var map: [Int: String] = [:]
            for entry in (secretsVariable ?? "").split(separator: ",") {
                guard let colon = entry.firstIndex(of: ":"), let v = Int(entry[..<colon].trimmingCharacters(in: .whitespaces)) else { continue }
                let value = String(entry[entry.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { map[v] = value }
            }
            self.init(legacy: legacy, versioned: map)
        }

        public var isEmpty: Bool { legacy == nil && versioned.isEmpty }

        /// Candidates in the order most likely to be right for the given envelope version.
        func candidates(version: Int?) -> [String] {
            var out: [String] = []
            if let version, let s = versioned[version] { out.append(s) }
            if let legacy { out.append(legacy) }
            for (_, s) in versioned.sorted(by: { $0.key > $1.key }) where !out.contains(s) { out.append(s) }
            return out
        }
    }

    /// Reads the `jwks` rows (read-only) and recovers the key named `kid`, else the newest one.
    public static func recover(database: Database?, databaseProblem: String?, tables: AuthTables, secrets: Secrets,
                               kid: String?) async -> Result<RecoveredSigningKey, Failure> {
        guard let database else {
            return .failure(Failure("no database connection to read the jwks table" + (databaseProblem.map { " (\($0))" } ?? "")))
        }
        let rows: [JSONValue]
        do {
            rows = try await database.signingKeys(in: tables)
        } catch {
            return .failure(Failure("the jwks table could not be read: \(error)"))
        }
        return recover(rows: rows, secrets: secrets, kid: kid)
    }

    /// The pure part: picks the row and decodes its private key.
    public static func recover(rows: [JSONValue], secrets: Secrets, kid: String?) -> Result<RecoveredSigningKey, Failure> {
        guard let row = pick(rows, kid: kid), let id = row["id"].map(ResourceClient.idText) else {
            return .failure(Failure("the jwks table holds no signing key"))
        }
        guard let column = row["privateKey"], column != .null else {
            return .failure(Failure("jwks row \(id) has no privateKey"))
        }
        do {
            var jwk = try privateJWK(column: column, secrets: secrets)
            jwk.kid = id
            let published = publicJWK(row["publicKey"])
            if jwk.alg == nil { jwk.alg = published?.alg ?? row["alg"]?.stringValue }
            let algName = jwk.alg ?? JWKS.defaultAlgorithm(for: jwk)
            guard let algorithm = JWSAlgorithm(rawValue: algName), algorithm != .HS256 else {
                return .failure(Failure("jwks row \(id) holds a key for \(algName), which the harness cannot sign with"))
            }
            if jwk.kty == "OKP" {
                // Throws when d and x disagree: such a key would mint tokens its own JWKS refuses.
                _ = try Ed25519KeyPair(privateJWK: jwk)
            }
            if let published, let x = published.x, let mine = jwk.x, x != mine {
                return .failure(Failure("the private key of jwks row \(id) does not belong to its publicKey"))
            }
            return .success(RecoveredSigningKey(kid: id, privateJWK: jwk, algorithm: algorithm))
        } catch let f as Failure {
            return .failure(Failure("jwks row \(id): \(f.reason)"))
        } catch {
            return .failure(Failure("jwks row \(id): the private key is not usable: \(error)"))
        }
    }

    /// The row with the token's kid; without one (or no match) the newest, as a rotation would use it.
    static func pick(_ rows: [JSONValue], kid: String?) -> JSONValue? {
        if let kid, let r = rows.first(where: { $0["id"].map(ResourceClient.idText) == kid }) { return r }
        return rows.max { ($0["createdAt"]?.plainText ?? "") < ($1["createdAt"]?.plainText ?? "") }
    }

    /// Decodes the column, whatever form the driver handed it in: text holding a JSON string
    /// literal (the usual case), an already-parsed string (a json/jsonb column), or a JWK object.
    public static func privateJWK(column: JSONValue, secrets: Secrets) throws -> JWK {
        switch column {
        case .object(let o):
            return try jwk(from: o)
        case .string(let raw):
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("\"") {
                guard case .string(let inner)? = try? JSONParser.parse(text) else { throw Failure("the privateKey is not a valid JSON string") }
                return try privateJWK(column: .string(inner), secrets: secrets)
            }
            if text.hasPrefix("{") {
                guard case .object(let o)? = try? JSONParser.parse(text) else { throw Failure("the privateKey is not valid JWK JSON") }
                return try jwk(from: o)
            }
            return try decrypt(text, secrets: secrets)
        default:
            throw Failure("the privateKey is a JSON \(column.typeName), not a string or an object")
        }
    }

    /// Opens hex(nonce ‖ ciphertext ‖ tag), optionally inside a `$ba$<version>$` envelope.
    static func decrypt(_ text: String, secrets: Secrets) throws -> JWK {
        var hex = text
        var version: Int?
        if text.hasPrefix("$ba$") {
            let rest = text.dropFirst(4)
            guard let sep = rest.firstIndex(of: "$"), let v = Int(rest[..<sep]), v >= 0 else {
                throw Failure("the privateKey has a malformed $ba$ envelope")
            }
            version = v
            hex = String(rest[rest.index(after: sep)...])
        }
        guard !secrets.isEmpty else { throw Failure("the privateKey is encrypted and no BETTER_AUTH_SECRET was given") }
        guard let bytes = Hex.decode(hex) else { throw Failure("the privateKey is neither JWK JSON nor hex") }
        let n = XChaCha20Poly1305.nonceLength
        guard bytes.count >= n + XChaCha20Poly1305.tagLength else { throw Failure("the encrypted privateKey is too short (\(bytes.count) bytes)") }
        let nonce = Array(bytes[..<n]), sealed = Array(bytes[n...])
        for secret in secrets.candidates(version: version) {
            guard let plain = try? XChaCha20Poly1305.open(key: Digest.sha256(Array(secret.utf8)), nonce: nonce, ciphertextAndTag: sealed) else { continue }
            guard case .object(let o)? = try? JSONParser.parse(plain) else { throw Failure("the decrypted privateKey is not JWK JSON") }
            return try jwk(from: o)
        }
        let which = version.map { secrets.versioned[$0] == nil ? "version \($0) is not among the given secrets, and no other secret" : "the secret of version \($0)" }
            ?? "BETTER_AUTH_SECRET"
        throw Failure("\(which) does not decrypt the privateKey (a different secret encrypted it)")
    }

    static func jwk(from o: JSONObject) throws -> JWK {
        func s(_ k: String) -> String? { o[k]?.stringValue }
        guard let kty = s("kty") else { throw Failure("the private JWK has no kty") }
        guard s("d") != nil else { throw Failure("the JWK holds no private part (d)") }
        return JWK(kty: kty, crv: s("crv"), x: s("x"), y: s("y"), n: s("n"), e: s("e"), d: s("d"), kid: s("kid"), alg: s("alg"))
    }

    /// The `publicKey` column as a JWK (text with JSON, or already parsed).
    static func publicJWK(_ v: JSONValue?) -> JWK? {
        var value = v
        if case .string(let text)? = v { value = try? JSONParser.parse(text) }
        guard case .object(let o)? = value, let kty = o["kty"]?.stringValue else { return nil }
        return JWK(kty: kty, crv: o["crv"]?.stringValue, x: o["x"]?.stringValue, y: o["y"]?.stringValue,
                   n: o["n"]?.stringValue, e: o["e"]?.stringValue, kid: o["kid"]?.stringValue, alg: o["alg"]?.stringValue)
    }
}
