import Testing
@testable import Conformance

/// Hashes as the libraries that make them write them, with the format each must be classified as.
/// `NeonStandInTests` runs the same samples through PostgreSQL's `~` to prove both engines agree.
enum PasswordHashSamples {
    static let foreign: [(value: String, format: String)] = [
        // Python bcrypt 5.0 (the reference app's custom-auth fault), and the OpenBSD test vector.
        ("$2b$04$bERhCHoyo5HgDvnLHCFBOu1OFOz1v4vasJMNuigPVE7kSJnctpmZm", "bcrypt"),
        ("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "bcrypt"),
        ("$2y$12$QjSH496pcT5CEbzjD/vtVeH03tfHKFy36d4J0Ltp3lRtee9HDxY3K", "bcrypt"),
        // argon2-cffi / passlib.
        ("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "argon2"),
        ("$argon2i$v=19$m=512,t=2,p=2$aFJadHJSZGJkNTQ$Ifh4Zq6cmAvB3jGC", "argon2"),
        ("$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ$1t8iyB2A.WF/Z5JZv.lfCIhXXN33N23OSgQYThBYRfk", "passlib pbkdf2"),
        ("$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", "passlib scrypt"),
        // Django's hashers.
        ("pbkdf2_sha256$600000$yWqnqEVl9sPNwJOoaHvGIw$t0U7M7v3KkHPBwVmEzLQ6rh3E3DqUVx6vQ37vTqcz7Y=", "Django pbkdf2"),
        ("bcrypt_sha256$$2b$12$CRDs8tLDSXe4bxrAW9DyG.0zVDdQUG2PuIp3qT5ULbOUFx6B2iZwq", "Django bcrypt"),
        ("argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$SxzrB7y3rHwxmS6dnj5Oig", "Django argon2"),
        ("scrypt$16384$kaBH4YT8ygDIJsWwb3hbFc$8$1$Vpa6d0RPMQ2dmw/Gr4P6xI0cIy1MkU8aMvmHoQ1o8+Q=", "Django scrypt"),
        // Werkzeug (Flask) generate_password_hash.
        ("pbkdf2:sha256:600000$Yvc6xPrm$2a1d7ae9e8e4f9c3b76bfb7e4bfb4b6e1e98e7f6ba2c7d4c5b0e0f1a2b3c4d5e", "Werkzeug hash"),
        ("scrypt:32768:8:1$dGhFeXJnTm5aS3c$0f3f2d1c5b8a9e7d6c4b3a29180706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a49382716050", "Werkzeug hash"),
        // glibc crypt(3) test vectors.
        ("$5$rounds=5000$usesomesillystri$KqJWpanXZHKq2BOB43TSaYhEWsQ1Lr5QNyPCDH/Tp.6", "sha-crypt"),
        ("$6$rounds=5000$usesomesillystri$D4IrlXatmP7rx3P3InaxBeoomnAihCKRVQP22JZ6EY47Wc6BkroIuUUBOov1i.S5KPgErtP/EN5mcO.ChWQW21", "sha-crypt"),
        ("$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1", "md5-crypt"),
    ]

    /// Made by the Python port's `better_auth.crypto.hash_password`; the password needs NFKC
    /// (a ligature, the Ångström sign and a circled digit all change under it).
    static let betterAuthPassword = "\u{FB01}ne \u{212B}ngstr\u{F6}m \u{2460}"
    static let betterAuthHash = "48bc643802a16e47d5298755073421ad:71df2db3ca903620d7e56077adea2bccbdda758cc28dec1cca89d4d1b4201bee3a8830c8779c02b9124a0eec35e8961bc9bb632b83c90ed7cd95571d2d10dc09"

    /// Text that must not be taken for a hash: ordinary values, markers, near misses.
    static let notHashes = [
        "milk", "", "cfr1234abcdkimn3", "550e8400-e29b-41d4-a716-446655440000",
        "$2b$12$tooShort", "2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
        "costs $5$ and $6$ at the shop", "pbkdf2_sha256 is a hasher name", "argon2 rocks",
        "a $argon2id$ mention in prose", "https://example.com/$1$/x",
        // Better Auth's shape with upper-case hex: Better Auth never writes that.
        "48BC643802A16E47D5298755073421AD:71DF2DB3CA903620D7E56077ADEA2BCCBDDA758CC28DEC1CCA89D4D1B4201BEE3A8830C8779C02B9124A0EEC35E8961BC9BB632B83C90ED7CD95571D2D10DC09",
    ]
}

@Suite("password-hash formats")
struct PasswordHashFormatsTests {
    @Test(arguments: PasswordHashSamples.foreign.indices)
    func foreignFormatsAreRecognised(_ i: Int) {
        let sample = PasswordHashSamples.foreign[i]
        #expect(PasswordHashFormats.classify(sample.value)?.name == sample.format, "\(sample.value)")
        #expect(!PasswordHashFormats.matches(PasswordHashFormats.betterAuthScrypt, sample.value))
    }

    @Test func everyForeignFormatHasASample() {
        let covered = Set(PasswordHashSamples.foreign.map(\.format))
        #expect(Set(PasswordHashFormats.foreign.map(\.name)) == covered)
    }

    @Test func ordinaryTextIsNoHash() {
        for text in PasswordHashSamples.notHashes {
            #expect(PasswordHashFormats.classify(text) == nil, "\(text)")
        }
    }

    @Test func betterAuthHashIsBetterAuthsFormat() {
        #expect(PasswordHashFormats.classify(PasswordHashSamples.betterAuthHash) == PasswordHashFormats.betterAuthScrypt)
    }

    @Test func portHashVerifiesWithNFKC() throws {
        #expect(try BetterAuthScrypt.check(password: PasswordHashSamples.betterAuthPassword, stored: PasswordHashSamples.betterAuthHash) == .matches)
        // Already normalised: the same key, since Better Auth normalises before hashing.
        #expect(try BetterAuthScrypt.check(password: "fine \u{C5}ngstr\u{F6}m 1", stored: PasswordHashSamples.betterAuthHash) == .matches)
        #expect(try BetterAuthScrypt.check(password: "fine Angstrom 1", stored: PasswordHashSamples.betterAuthHash) == .differs)
    }

    @Test func ownHashRoundTripsAndRefusesAnotherPassword() throws {
        let stored = try BetterAuthScrypt.hash(password: "Cf-correct horse")
        #expect(PasswordHashFormats.matches(PasswordHashFormats.betterAuthScrypt, stored))
        #expect(try BetterAuthScrypt.check(password: "Cf-correct horse", stored: stored) == .matches)
        #expect(try BetterAuthScrypt.check(password: "Cf-correct horsf", stored: stored) == .differs)
    }

    @Test func otherFormatsAreNamedNotVerified() throws {
        #expect(try BetterAuthScrypt.check(password: "hunter2hunter2", stored: PasswordHashSamples.foreign[0].value) == .notBetterAuthFormat("bcrypt"))
        #expect(try BetterAuthScrypt.check(password: "x", stored: "plain text password") == .notBetterAuthFormat(nil))
    }

    @Test func customAuthRoutePatterns() {
        let p = AuthRouteOracle.patterns
        for path in ["/auth/login", "/auth/signup", "/api/auth/register", "/api/v1/token", "/Login", "/refresh/", "/api/users/login", "/jwt"] {
            #expect(AuthRouteOracle.matches(path, patterns: p), "\(path)")
        }
        for path in ["/api/{user_id}/tasks", "/api/tasks/{id}/complete", "/health", "/api/logins/{id}", "/tokenizer", "/api/auth/sign-in/email"] {
            #expect(!AuthRouteOracle.matches(path, patterns: p), "\(path)")
        }
        #expect(AuthRouteOracle.matches("/api/v2/session/new", patterns: ["/session/*"]))
    }

    @Test func betterAuthsOwnTokenRouteIsSparedOnlyOnItsOrigin() {
        var target = Target(authURL: "http://127.0.0.1:3000", apiURL: "http://127.0.0.1:3000", databaseURL: nil)
        let token = OpenAPI.Route(method: "GET", path: "/api/auth/token", parameters: [], requiresAuth: nil)
        let login = OpenAPI.Route(method: "POST", path: "/api/auth/login", parameters: [], requiresAuth: nil)
        #expect(AuthRouteOracle.isBetterAuthMount(path: token.path, sameOrigin: CustomAuthRoutes.sameOrigin(target), authBasePath: target.authBasePath))
        #expect(!AuthRouteOracle.isBetterAuthMount(path: login.path, sameOrigin: CustomAuthRoutes.sameOrigin(target), authBasePath: target.authBasePath))
        target.apiURL = "http://127.0.0.1:8000"
        #expect(!AuthRouteOracle.isBetterAuthMount(path: token.path, sameOrigin: CustomAuthRoutes.sameOrigin(target), authBasePath: target.authBasePath))
    }
}
