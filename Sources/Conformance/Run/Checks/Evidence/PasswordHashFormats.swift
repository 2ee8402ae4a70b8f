import ConformanceCrypto
import Foundation

/// Password-hash formats told apart by their shape alone (shared/reference/better-auth.md): Better
/// Auth's own scrypt `<salt>:<key>`, and the formats a home-made auth path leaves behind (bcrypt,
/// argon2, pbkdf2, sha-crypt...). Each pattern is written in the subset of regular-expression
/// syntax that PostgreSQL's `~` and Foundation's `NSRegularExpression` read alike, so the database
/// scan and the unit tests judge a value by the very same text.
public enum PasswordHashFormats {
    public struct Format: Sendable, Hashable {
        /// What a judge reads: "bcrypt", "argon2", "Django pbkdf2"...
        public var name: String
        public var pattern: String
    }

    /// Better Auth's email/password hash: 32 hex characters of salt, `:`, 128 hex characters of key.
    public static let betterAuthScrypt = Format(name: "Better Auth scrypt", pattern: "^[0-9a-f]{32}:[0-9a-f]{128}$")

    /// Formats that are not Better Auth's. Order matters for `classify`: more specific shapes
    /// (Django's `bcrypt_sha256$`) come before the ones they contain.
    public static let foreign: [Format] = [
        Format(name: "bcrypt", pattern: #"^\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}$"#),
        Format(name: "argon2", pattern: #"^\$argon2(id|i|d)\$(v=[0-9]+\$)?m=[0-9]+,t=[0-9]+,p=[0-9]+\$"#),
        Format(name: "passlib pbkdf2", pattern: #"^\$pbkdf2(-sha(1|256|512))?\$[0-9]+\$"#),
        Format(name: "passlib scrypt", pattern: #"^\$scrypt\$ln=[0-9]+,r=[0-9]+,p=[0-9]+\$"#),
        Format(name: "Django pbkdf2", pattern: #"^pbkdf2_sha(1|256)\$[0-9]+\$[^$]+\$[^$]+$"#),
        Format(name: "Django bcrypt", pattern: #"^bcrypt(_sha256)?\$\$2[abxy]?\$[0-9]{2}\$"#),
        Format(name: "Django argon2", pattern: #"^argon2\$argon2(id|i|d)\$"#),
        Format(name: "Django scrypt", pattern: #"^scrypt\$[0-9]+\$[^$]+\$[0-9]+\$[0-9]+\$[^$]+$"#),
        Format(name: "Werkzeug hash", pattern: #"^(pbkdf2:sha(1|256|512)(:[0-9]+)?|scrypt:[0-9]+:[0-9]+:[0-9]+)\$[^$]+\$[0-9a-f]+$"#),
        Format(name: "sha-crypt", pattern: #"^\$[56]\$(rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}([./A-Za-z0-9]{43})?$"#),
        Format(name: "md5-crypt", pattern: #"^\$1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}$"#),
    ]

    /// The format a stored value has, Better Auth's included; nil when it looks like no hash.
    public static func classify(_ value: String) -> Format? {
        ([betterAuthScrypt] + foreign).first { matches($0, value) }
    }

    public static func matches(_ format: Format, _ value: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: format.pattern) else { return false }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return regex.firstMatch(in: value, options: [], range: range) != nil
    }
}

/// Recomputes a Better Auth password hash. A match with the password the harness chose proves
/// that Better Auth itself (or code that copies it bit for bit) hashed it: the shape alone could
/// be imitated, the key cannot without the password.
public enum BetterAuthScrypt {
    public static let n: UInt64 = 16384, r: UInt64 = 16, p: UInt64 = 1, keyLength = 64

    public enum Verdict: Sendable, Equatable {
        case matches
        case differs
        /// Not `<32 hex>:<128 hex>`; the format it has instead, when known.
        case notBetterAuthFormat(String?)
    }

    /// `.matches` when `stored` has Better Auth's format (nothing is derived), else why not.
    public static func format(of stored: String) -> Verdict {
        guard PasswordHashFormats.matches(PasswordHashFormats.betterAuthScrypt, stored) else {
            return .notBetterAuthFormat(PasswordHashFormats.classify(stored)?.name)
        }
        let parts = stored.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, Hex.decode(String(parts[1])) != nil else { return .notBetterAuthFormat(nil) }
        return .matches
    }

    public static func check(password: String, stored: String) throws -> Verdict {
        if case .notBetterAuthFormat(let format) = format(of: stored) { return .notBetterAuthFormat(format) }
        let parts = stored.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let expected = Hex.decode(String(parts[1])) else { return .notBetterAuthFormat(nil) }
        // Better Auth passes the salt's hex text (not its bytes) to scrypt, and NFKC-normalises the password.
        let salt = Array(parts[0].utf8)
        let normalised = password.precomposedStringWithCompatibilityMapping
        let key = try Scrypt.derive(password: Array(normalised.utf8), salt: salt, n: n, r: r, p: p, length: keyLength)
        return ConstantTime.equal(key, expected) ? .matches : .differs
    }

    /// A hash made the way Better Auth makes one, for tests and fixtures.
    public static func hash(password: String, salt: [UInt8] = SecureRandom.bytes(16)) throws -> String {
        let saltText = Hex.encode(salt)
        let key = try Scrypt.derive(password: Array(password.precomposedStringWithCompatibilityMapping.utf8), salt: Array(saltText.utf8),
                                    n: n, r: r, p: p, length: keyLength)
        return saltText + ":" + Hex.encode(key)
    }
}
