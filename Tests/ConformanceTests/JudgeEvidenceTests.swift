import ConformanceCrypto
import Foundation
import Testing
@testable import Conformance

/// The evidence oracles (Better Auth's protocol, its accounts and schema, other password hashes,
/// home-made auth routes, Neon) on hand-built observations: no server, no database. Each rule is
/// fed an observation that breaks it, one that keeps it, and the edges where it must not fire.
@Suite struct JudgeEvidenceTests {
    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    /// A compact JWS with the given header; the signature is never checked by the shape oracle.
    static func jwt(_ header: String) -> String {
        [header, #"{"sub":"u1"}"#].map { Base64URL.encode(Array($0.utf8)) }.joined(separator: ".") + "." + Base64URL.encode([1, 2, 3])
    }

    // MARK: Better Auth's wire protocol

    @Test func livenessWantsOkTrueAndBlamesSilenceOnlyOnACustomIdentity() throws {
        func judge(_ error: String? = nil, status: Int? = 200, body: String? = #"{"ok":true}"#, custom: Bool = false) throws -> EvidenceVerdict? {
            BetterAuthShapeOracle.liveness(transportError: error, status: status, json: try body.map(Self.json), custom: custom,
                                           baseURL: "http://auth.test/api/auth", okURL: "http://auth.test/api/auth/ok")
        }
        #expect(try judge() == .passed())
        #expect(try judge(status: 404)?.oracle == .notBetterAuth)
        #expect(try judge(body: #"{"ok":"true"}"#)?.oracle == .notBetterAuth, "a string is not Better Auth's boolean")
        #expect(try judge(body: nil)?.oracle == .notBetterAuth)
        #expect(try judge("connection refused", status: nil, body: nil) == nil, "the run's error when Better Auth is the identity")
        let silent = try judge("connection refused", status: nil, body: nil, custom: true)
        #expect(silent?.oracle == .notBetterAuth)
        #expect(silent?.message?.contains("nothing answers at http://auth.test/api/auth (connection refused)") == true)
    }

    static let signUpBody = #"{"token":"tok","user":{"id":"u1","email":"ba-probe-x@run.test","emailVerified":false,"createdAt":"2025-01-01T00:00:00Z"}}"#

    @Test func signUpMustAnswerBetterAuthsShape() throws {
        func judge(_ status: Int = 200, body: String = Self.signUpBody, cookies: [String] = ["better-auth.session_token"]) throws -> EvidenceVerdict {
            BetterAuthShapeOracle.signUp(status: status, json: try Self.json(body), cookieNames: cookies, email: "BA-Probe-X@run.test")
        }
        guard case .passed(let note?) = try judge() else { Issue.record("Better Auth's own answer must pass"); return }
        #expect(note.title == "checked" && note.text.contains("cookie better-auth.session_token"))
        let refused = try judge(422, body: #"{"code":"PASSWORD_TOO_SHORT"}"#)
        #expect(refused == .failed(.notBetterAuth, "sign-up answered 422 PASSWORD_TOO_SHORT, Better Auth answers 200"))
        let kept = try judge(body: Self.signUpBody.replacingOccurrences(of: "ba-probe-x", with: "BA-Probe-X"))
        #expect(kept.oracle == .notBetterAuth && kept.message?.contains("(lower-cased)") == true, "Better Auth lower-cases emails")
        let noFlag = try judge(body: Self.signUpBody.replacingOccurrences(of: "false", with: "\"no\""))
        #expect(noFlag.message?.contains("no boolean user.emailVerified") == true)
        let noCookie = try judge(cookies: ["sid"])
        #expect(noCookie.message?.contains("no *.session_token cookie was set") == true)
        #expect(try judge(body: #"{"user":{"id":"u1","email":"ba-probe-x@run.test","emailVerified":true,"createdAt":1}}"#).oracle == .notBetterAuth,
                "no token member at all")
        #expect(try judge(body: #"{"token":"t","user":{"id":"","email":"ba-probe-x@run.test","emailVerified":true,"createdAt":1}}"#)
                    .message?.contains("user.id is not a non-empty string") == true)
        // Tolerated: auto sign-in off (token null, no cookie) and a custom cookie prefix.
        guard case .passed(let off?) = try judge(body: Self.signUpBody.replacingOccurrences(of: #""tok""#, with: "null"), cookies: []) else {
            Issue.record("token null is Better Auth with auto sign-in off"); return
        }
        #expect(off.text.contains("auto sign-in is off"))
        guard case .passed(let prefixed?) = try judge(cookies: ["myapp.session_token"]) else { Issue.record("a custom prefix is tolerated"); return }
        #expect(prefixed.text.contains("a custom cookie prefix"))
    }

    @Test func aWrongPasswordMustBeRefusedAsBetterAuthDoes() throws {
        func judge(_ status: Int?, _ body: String?) throws -> EvidenceVerdict {
            BetterAuthShapeOracle.wrongPassword(status: status, json: try body.map(Self.json))
        }
        #expect(try judge(401, #"{"code":"INVALID_EMAIL_OR_PASSWORD"}"#) == .passed())
        for status in [200, 204] {
            #expect(try judge(status, "{}").oracle == .wrongPasswordAccepted, "\(status)")
        }
        #expect(try judge(401, #"{"code":"UNAUTHORIZED"}"#)
                    == .failed(.notBetterAuth, "a wrong password answered 401 UNAUTHORIZED; Better Auth answers 401 INVALID_EMAIL_OR_PASSWORD"))
        #expect(try judge(401, nil).oracle == .notBetterAuth, "a bare 401 is not Better Auth's")
        #expect(try judge(400, #"{"code":"INVALID_EMAIL_OR_PASSWORD"}"#).oracle == .notBetterAuth)
    }

    @Test func getSessionMustReturnTheSessionOfTheSameUser() throws {
        func judge(_ body: String, status: Int = 200, expected: String? = "u1") throws -> EvidenceVerdict {
            BetterAuthShapeOracle.session(status: status, json: try Self.json(body), expectedUserID: expected)
        }
        let good = #"{"session":{"userId":"u1","token":"t"},"user":{"id":"u1"}}"#
        #expect(try judge(good) == .passed())
        #expect(try judge(good, status: 401).message?.contains("answered 401") == true)
        #expect(try judge(#"{"user":{"id":"u1"}}"#).message?.contains("no \"session\" object") == true)
        #expect(try judge("null").oracle == .notBetterAuth, "no session: Better Auth answers null")
        #expect(try judge(#"{"session":{"userId":"u2"},"user":{"id":"u2"}}"#).message?.contains("the signed-up user is u1") == true)
        #expect(try judge(#"{"session":{"userId":"u2"},"user":{"id":"u1"}}"#).message?.contains("session.userId u2 differs") == true)
        // Edge: without the id sign-up answered, only the answer's own consistency can be judged.
        #expect(try judge(#"{"session":{"userId":"u2"},"user":{"id":"u2"}}"#, expected: nil) == .passed())
    }

    @Test func theTokenRouteMustAnswerAnAsymmetricJWT() throws {
        func judge(_ status: Int = 200, token: String?, sessionTokens: Bool = false) throws -> EvidenceVerdict {
            let body = token.map { #"{"token":"\#($0)"}"# } ?? "{}"
            return BetterAuthShapeOracle.token(status: status, json: try Self.json(body), sessionTokens: sessionTokens)
        }
        #expect(try judge(token: Self.jwt(#"{"alg":"EdDSA","kid":"k1"}"#)) == .passed(.init("token", "alg EdDSA, kid k1")))
        #expect(try judge(token: Self.jwt(#"{"alg":"RS256"}"#)).isPassed)
        #expect(try judge(token: Self.jwt(#"{"alg":"HS256"}"#)).oracle == .symmetricJWT)
        #expect(try judge(token: Self.jwt(#"{"alg":"none"}"#)).oracle == .symmetricJWT, "an unsigned token is not asymmetric")
        #expect(try judge(token: Self.jwt(#"{"typ":"JWT"}"#)).message?.contains("signed with (none)") == true)
        #expect(try judge(token: "opaque-session-token") == .failed(.notBetterAuth, "\"token\" is not a compact JWT"))
        #expect(try judge(token: nil).oracle == .notBetterAuth)
        #expect(try judge(404, token: nil).oracle == .notBetterAuth, "the JWT plugin is needed when the API takes JWTs")
        guard case .skipped = try judge(404, token: nil, sessionTokens: true) else { Issue.record("no plugin needed for session tokens"); return }
        #expect(try judge(500, token: nil, sessionTokens: true).oracle == .notBetterAuth, "only a missing route is tolerated")
    }

    @Test func theKeySetMustPublishAsymmetricPublicKeysOnly() throws {
        func judge(_ body: String, status: Int = 200, sessionTokens: Bool = false) throws -> EvidenceVerdict {
            BetterAuthShapeOracle.jwks(status: status, json: try Self.json(body), sessionTokens: sessionTokens)
        }
        let okp = #"{"kty":"OKP","crv":"Ed25519","x":"abc","kid":"k1"}"#
        #expect(try judge(#"{"keys":[\#(okp)]}"#) == .passed(.init("keys", "1 key(s): EdDSA")))
        #expect(try judge(#"{"keys":[]}"#) == .failed(.notBetterAuth, "the key set is empty"))
        #expect(try judge(#"{"keys":[{"alg":"EdDSA"}]}"#).message == "the key set is empty", "a key without kty is no key")
        #expect(try judge(#"{"jwks":[]}"#).oracle == .notBetterAuth)
        #expect(try judge(#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#).oracle == .symmetricJWT, "an oct key is a shared secret")
        #expect(try judge(#"{"keys":[{"kty":"RSA","n":"x","e":"AQAB","alg":"HS256"}]}"#).oracle == .symmetricJWT)
        let withD = #"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"abc","d":"secret"}]}"#
        #expect(try judge(withD) == .failed(.privateKeyPublished, "a key in the JWKS carries private material (\"d\" or \"k\")"))
        #expect(try judge(#"{"keys":[\#(okp),{"kty":"EC","crv":"P-256","x":"a","y":"b","k":"z"}]}"#).oracle == .privateKeyPublished)
        #expect(try judge("{}", status: 404).oracle == .notBetterAuth)
        guard case .skipped = try judge("{}", status: 404, sessionTokens: true) else { Issue.record("no plugin needed for session tokens"); return }
    }

    @Test func aDuplicateSignUpIsRefusedOrAnsweredWithAUserThatIsNeverStored() throws {
        func judge(_ status: Int, _ body: String, subject: String? = "u1") throws -> BetterAuthShapeOracle.Duplicate {
            BetterAuthShapeOracle.duplicate(status: status, json: try Self.json(body), subjectID: subject)
        }
        #expect(try judge(422, #"{"code":"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"}"#) == .judged(.passed()))
        #expect(try judge(422, #"{"code":"USER_ALREADY_EXISTS"}"#) == .judged(.passed()), "before 1.4")
        guard case .judged(let other) = try judge(422, #"{"code":"VALIDATION_ERROR"}"#) else { Issue.record("judged by itself"); return }
        #expect(other.oracle == .notBetterAuth && other.message?.contains("answered 422 VALIDATION_ERROR") == true)
        #expect(try judge(409, "{}") == .judged(.failed(.notBetterAuth,
            "a duplicate email answered 409; Better Auth answers 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (USER_ALREADY_EXISTS before 1.4)")))
        #expect(try judge(200, #"{"user":{"id":"u1"}}"#) == .judged(.failed(.notBetterAuth, "the duplicate answered 200 with the existing user")))
        #expect(try judge(200, "{}") == .judged(.failed(.notBetterAuth, "the duplicate answered 200 with the existing user")))
        #expect(try judge(200, #"{"user":{"id":"u2"}}"#) == .lookUp(userID: "u2"))
        #expect(try judge(200, #"{"user":{"id":"u2"}}"#, subject: nil) == .lookUp(userID: "u2"))

        #expect(BetterAuthShapeOracle.duplicateStored(userID: "u2", stored: true, databaseProblem: "")
                    == .failed(.duplicateAccount, "the duplicate sign-up stored a second user u2 for the same email"))
        guard case .passed(let synthetic?) = BetterAuthShapeOracle.duplicateStored(userID: "u2", stored: false, databaseProblem: "") else {
            Issue.record("a synthetic user that is not stored is Better Auth 1.5+"); return
        }
        #expect(synthetic.title == "tolerated" && synthetic.text.contains("not stored"))
        // No blind pass: without a database a 200 duplicate cannot show whether a second user was
        // stored, so it is not judged (never tolerated as a pass), and the reason says why.
        guard case .notJudged(let why) = BetterAuthShapeOracle.duplicateStored(userID: "u2", stored: nil, databaseProblem: "no database URL") else {
            Issue.record("not judged without a database"); return
        }
        #expect(why.contains("without the database: no database URL"))
    }

    // MARK: accounts and password hashes

    @Test func aCredentialAccountMustHoldBetterAuthsScryptOfThePassword() throws {
        let password = "Correct-Horse-1"
        let genuine = try BetterAuthScrypt.hash(password: password)
        func judge(_ rows: [JSONValue]?, password: String = password) throws -> EvidenceVerdict {
            try AccountOracle.credentialAccount(who: "alice", userID: "u1", password: password, rows: rows, userTable: "user", accountTable: "account")
        }
        func row(_ provider: String?, _ stored: String?, account: String = "u1") -> JSONValue {
            var o = JSONObject()
            o["id"] = .string("u1")
            o["account"] = .string(account)
            o["provider"] = provider.map(JSONValue.string) ?? .null
            o["password"] = stored.map(JSONValue.string) ?? .null
            return .object(o)
        }
        guard case .passed(let verified?) = try judge([row("credential", genuine)]) else { Issue.record("Better Auth's own hash must pass"); return }
        #expect(verified.title == "verified" && !verified.text.contains("accountId"))
        let otherID = try judge([row("credential", genuine, account: "x9")])
        guard case .passed(let noted?) = otherID else { Issue.record("an odd accountId is noted, not failed"); return }
        #expect(noted.text.contains("\"accountId\" is x9"))

        #expect(try judge(nil).oracle == .homeMadeAuth)
        #expect(try judge(nil).message?.contains("is not in Better Auth's table \"user\"") == true)
        #expect(try judge([row(nil, nil)]).message?.contains("(no account row at all)") == true)
        #expect(try judge([row("google", nil), row("github", nil)]).message?.contains("(providers: google, github)") == true)
        #expect(try judge([row("credential", nil)]).oracle == .homeMadeAuth)
        #expect(try judge([row("credential", "")]).message == "alice's credential account has no password in table account, column password")

        let bcrypt = "$2b$04$bERhCHoyo5HgDvnLHCFBOu1OFOz1v4vasJMNuigPVE7kSJnctpmZm"
        let foreign = try judge([row("credential", bcrypt)])
        #expect(foreign.oracle == .foreignPasswordHash && foreign.message?.contains("stored as bcrypt") == true)
        #expect(try judge([row("credential", "hunter2")]).message?.contains("stored as an unknown format") == true, "plain text")
        let imitated = try judge([row("credential", genuine)], password: "Another-Password-2")
        #expect(imitated.oracle == .foreignPasswordHash && imitated.message?.contains("Better Auth did not compute it") == true,
                "the shape alone is no proof")

        // Without the key recomputed, the case checks (and says it checks) the rows and the format only.
        func judgeFormat(_ rows: [JSONValue]?) throws -> EvidenceVerdict {
            try AccountOracle.credentialAccount(who: "alice", userID: "u1", password: "not-the-password", rows: rows,
                                                userTable: "user", accountTable: "account", recomputeKey: false)
        }
        guard case .passed(let format?) = try judgeFormat([row("credential", genuine)]) else { Issue.record("the format passes"); return }
        #expect(format.title == "format" && format.text.contains("recomputed for a sample"))
        #expect(try judgeFormat([row("credential", bcrypt)]).message?.contains("stored as bcrypt") == true)
        #expect(try judgeFormat([row("credential", "hunter2")]).oracle == .foreignPasswordHash)
        #expect(try judgeFormat(nil).oracle == .homeMadeAuth)
        #expect(try judgeFormat([row("credential", "")]).oracle == .homeMadeAuth)
    }

    @Test func theAppsUsersMustBeBetterAuthUsers() {
        func judge(_ ids: [String], found: Set<String>) -> EvidenceVerdict {
            AccountOracle.appUsers(ids: ids, found: found, route: "POST /api/register", userTable: "user")
        }
        #expect(judge(["a", "b"], found: ["a", "b", "c"]) == .passed(.init("found", "2 user id(s) in user")))
        let one = judge(["a", "b"], found: ["a"])
        #expect(one.oracle == .homeMadeAuth && one.message?.hasPrefix("1 of 2 user(s) the app signed up through POST /api/register (ids b)") == true)
        let many = judge((1...7).map { "id\($0)" }, found: [])
        #expect(many.message?.contains("(ids id1, id2, id3, id4, id5)") == true, "at most five ids are named")
    }

    @Test func anyOtherPasswordHashFormatInTheDatabaseIsAFinding() {
        let formats = ["bcrypt", "argon2"]
        #expect(PasswordHashOracle.judge(table: "users", columns: ["email", "hash"], formats: formats, counts: [[0, 0], [0, 0]]).isEmpty)
        let hits = PasswordHashOracle.judge(table: "users", columns: ["email", "hash"], formats: formats, counts: [[0, 0], [3, 1]])
        #expect(hits.map(\.oracle) == [.foreignPasswordHash, .foreignPasswordHash])
        #expect(hits.first?.message == "passwords stored as bcrypt in table users, column hash (3 row(s)): a home-made auth path keeps its own password hashes")
        #expect(hits.last?.message.contains("argon2") == true)
        // Edge: counts the database did not return are no match, and no crash.
        #expect(PasswordHashOracle.judge(table: "t", columns: ["a", "b"], formats: formats, counts: [[2]]).count == 1)
        #expect(PasswordHashOracle.judge(table: "t", columns: ["a"], formats: formats, counts: []).isEmpty)
    }

    // MARK: home-made auth routes

    @Test func homeMadeAuthRoutesAreFlaggedAndBetterAuthsOwnSpared() throws {
        func route(_ method: String, _ path: String) -> OpenAPI.Route { OpenAPI.Route(method: method, path: path, parameters: [], requiresAuth: nil) }
        let routes = [route("POST", "/api/login"), route("GET", "/api/tasks"), route("GET", "/api/auth/token"),
                      route("POST", "/api/auth/login"), route("POST", "/api/v1/Users/Register")]
        let shared = AuthRouteOracle.sort(routes, patterns: AuthRouteOracle.patterns, sameOrigin: true, authBasePath: "/api/auth")
        #expect(shared.flagged.map(\.path) == ["/api/login", "/api/auth/login", "/api/v1/Users/Register"])
        #expect(shared.betterAuthOwn.map(\.path) == ["/api/auth/token"])
        let apart = AuthRouteOracle.sort(routes, patterns: AuthRouteOracle.patterns, sameOrigin: false, authBasePath: "/api/auth")
        #expect(apart.flagged.count == 4 && apart.betterAuthOwn.isEmpty, "on another origin /api/auth/token is the API's own")
        let extra = AuthRouteOracle.sort([route("GET", "/api/session/new")], patterns: AuthRouteOracle.patterns + ["/session/*"],
                                         sameOrigin: false, authBasePath: "/api/auth")
        #expect(extra.flagged.count == 1)

        #expect(AuthRouteOracle.judge(flagged: []) == .passed())
        #expect(AuthRouteOracle.judge(flagged: [route("POST", "/api/login")]) == .failed(.homeMadeAuthRoute,
            "the API publishes home-made auth route(s) POST /api/login: sign-up, sign-in and tokens must be Better Auth's"))
        #expect(AuthRouteOracle.judge(flagged: AuthRouteOracle.sort([route("GET", "/api/tasks")], patterns: AuthRouteOracle.patterns,
                                                                     sameOrigin: true, authBasePath: "/api/auth").flagged).isPassed)

        // Only a document that lists paths can be judged: anything else is skipped, never passed.
        #expect(AuthRouteOracle.document(status: 200, json: try Self.json(#"{"paths":{}}"#)) != nil)
        #expect(AuthRouteOracle.document(status: 200, json: try Self.json(#"{"openapi":"3.1.0"}"#)) == nil)
        #expect(AuthRouteOracle.document(status: 404, json: try Self.json(#"{"paths":{}}"#)) == nil)
        #expect(AuthRouteOracle.document(status: 200, json: nil) == nil)
    }

    // MARK: Neon

    static func neon(host: String = "ep-cool-1.us-east-2.aws.neon.tech", settings: [String: String] = ["neon.branch_id": "br-1", "neon.project_id": "p-1"],
                     tls: Bool = true) -> NeonProbe.Evidence {
        let endpoint = NeonOracle.endpoint(host: host)
        return NeonProbe.Evidence(host: host, hostIsNeon: endpoint != nil, endpointID: endpoint, settings: settings, tlsInUse: tls,
                                  tlsVersion: tls ? "TLSv1.3" : nil, sslmode: tls ? "verify-full" : "disable", certificateVerified: tls,
                                  serverVersion: "PostgreSQL 17.2")
    }

    @Test func aNeonHostIsAnEndpointUnderNeonTech() {
        #expect(NeonOracle.endpoint(host: "ep-cool-1-pooler.us-east-2.aws.neon.tech") == "ep-cool-1")
        #expect(NeonOracle.endpoint(host: "EP-Cool-1.US-EAST-2.AWS.NEON.TECH") == "ep-cool-1")
        #expect(NeonOracle.endpoint(host: "db.neon.tech") == nil, "not an endpoint")
        #expect(NeonOracle.endpoint(host: "ep-cool-1.neon.tech.example.com") == nil)
        #expect(NeonOracle.endpoint(host: "ep-cool-1.notneon.tech") == nil)
        #expect(NeonOracle.endpoint(host: "127.0.0.1") == nil)
    }

    @Test func neonNeedsHostSettingsAndTLSAllThree() {
        let good = NeonOracle.verdict(Self.neon(), server: .init(ssl: true, version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384"), database: "neondb")
        #expect(good.outcome == .passed())
        #expect(good.message.hasPrefix("Neon: host ep-cool-1.us-east-2.aws.neon.tech (endpoint ep-cool-1), branch br-1, project p-1"))
        #expect(good.details.contains("database neondb") && good.details.contains("TLS (server, pg_stat_ssl): on, TLSv1.3 TLS_AES_256_GCM_SHA384"))

        let local = NeonOracle.verdict(Self.neon(host: "127.0.0.1", settings: [:], tls: false), server: nil)
        #expect(local.outcome == .failed(.notNeon,
            "PostgreSQL 17.2 at 127.0.0.1 is not Neon: host 127.0.0.1 is not an ep-….neon.tech endpoint, no neon.* settings, no TLS"))
        #expect(NeonOracle.verdict(Self.neon(host: "db.example.com"), server: nil).outcome.oracle == .notNeon, "the settings can be copied")
        #expect(NeonOracle.verdict(Self.neon(settings: ["neon.project_id": "p-1"]), server: nil).message.contains("no neon.* settings"))
        #expect(NeonOracle.verdict(Self.neon(tls: false), server: nil).message.hasSuffix("is not Neon: no TLS"))

        let denied = NeonOracle.verdict(Self.neon(), server: .init(ssl: false, version: nil, cipher: nil))
        #expect(denied.outcome.oracle == .notNeon && denied.message.contains("pg_stat_ssl says this connection is not encrypted"))
        #expect(NeonOracle.verdict(Self.neon(), server: nil, expectedBranch: "br-2").outcome
                    == .failed(.notNeon, "Neon branch br-1 is not the expected br-2"))
        #expect(NeonOracle.verdict(Self.neon(), server: nil, expectedBranch: "br-1").passed)
        // Edge: when the server cannot say (nil), the client's view alone decides.
        #expect(NeonOracle.verdict(Self.neon(), server: nil).passed)
        #expect(Self.neon().isNeon && Self.neon().summary == NeonOracle.summary(Self.neon()), "the probe's evidence asks the oracle")
    }

    // MARK: Better Auth's schema

    static let user = SchemaOracle.Reference(schema: "public", table: "user", column: "id")
    static let specs = SchemaOracle.specs(AuthTables())

    static func spec(_ table: String) -> SchemaOracle.TableSpec {
        specs.first { $0.table == table } ?? SchemaOracle.TableSpec(table: table, required: [], optional: [], userReferences: [])
    }

    @Test func betterAuthsTablesMustHaveItsColumnsAndReferences() {
        func judge(_ table: String, _ columns: [String], _ refs: [String: [SchemaOracle.Reference]] = [:], sessionTokensOnly: Bool = false) -> EvidenceVerdict {
            SchemaOracle.table(Self.spec(table), display: table, columns: columns, references: refs, user: Self.user, sessionTokensOnly: sessionTokensOnly)
        }
        let session = Self.spec("session").required
        guard case .passed(let note?) = judge("session", session, ["userId": [Self.user]]) else { Issue.record("Better Auth's session table"); return }
        #expect(note.title == "columns" && note.text.hasPrefix("\(session.count) column(s)"))
        #expect(judge("account", Self.spec("account").required, ["userId": [Self.user]]).isPassed, "the version-dependent issuer may be absent")

        #expect(judge("session", []) == .failed(.missingTable, "table \"session\" is not in this database: Better Auth's schema is not there"))
        #expect(judge("jwks", []).oracle == .missingTable, "the JWT plugin is needed when the API takes JWTs")
        guard case .skipped = judge("jwks", [], sessionTokensOnly: true) else { Issue.record("no JWT plugin needed for session tokens"); return }
        #expect(judge("session", [], sessionTokensOnly: true).oracle == .missingTable, "only the plugin's table is spared")

        let noToken = judge("session", session.filter { $0 != "token" }, ["userId": [Self.user]])
        #expect(noToken.oracle == .schemaMismatch && noToken.message == "\"session\" is not Better Auth's: missing column(s) \"token\"")
        #expect(judge("session", session).message?.contains("\"userId\" has no foreign key, Better Auth's references \"user\"(id)") == true)
        let elsewhere = judge("session", session, ["userId": [.init(schema: "app", table: "users", column: "id")]])
        #expect(elsewhere.message?.contains("\"userId\" references app.\"users\"(id)") == true)
        // A column that is missing is reported once, as missing, not also as unreferenced.
        #expect(judge("session", session.filter { $0 != "userId" }).message == "\"session\" is not Better Auth's: missing column(s) \"userId\"")
    }

    @Test func ownerColumnsMustReferenceBetterAuthsUser() {
        func judge(_ refs: [SchemaOracle.Reference]) -> EvidenceVerdict {
            SchemaOracle.owner(table: "tasks", ownerColumn: "user_id", references: refs, user: Self.user)
        }
        #expect(judge([Self.user]) == .passed(.init("foreign key", "tasks.user_id → \"user\"(id)")))
        #expect(judge([]) == .failed(.ownerNotBetterAuthUser,
            "table tasks: owner column user_id has no foreign key, not Better Auth's \"user\"(id): its owners need not be Better Auth users"))
        #expect(judge([.init(schema: "public", table: "users", column: "id")]).message?.contains("references \"users\"(id)") == true)
        #expect(judge([.init(schema: "neon_auth", table: "user", column: "id")]).oracle == .ownerNotBetterAuthUser, "same name, other schema")
    }

    @Test func aMappedResourceWhoseTableIsAbsentIsMissing() {
        let tasks = Resource(name: "tasks", table: "tasks", ownerColumn: "user_id", routes: [:])
        let notes = Resource(name: "notes", table: "notes", schema: "app", ownerColumn: "owner", routes: [:])
        let owned = [OwnedTable(schema: "public", table: "tasks", ownerColumn: "user_id", hasForeignKey: true),
                     OwnedTable(schema: "public", table: "notes", ownerColumn: "owner", hasForeignKey: true)]
        #expect(SchemaOracle.absentResources([tasks], owned: owned, host: "h", database: "d").isEmpty)
        let absent = SchemaOracle.absentResources([tasks, notes], owned: Array(owned.prefix(1)), host: "db.test", database: "neondb")
        #expect(absent.map(\.resource.name) == ["notes"], "app.notes is not public.notes")
        #expect(absent.first?.verdict == .failed(.missingTable,
            "the target's notes table \"app\".\"notes\" is not in this database (db.test/neondb): the API keeps its rows elsewhere"))
        #expect(SchemaOracle.absentResources([tasks, notes], owned: [], host: "h", database: "d").map(\.resource.name) == ["notes", "tasks"])
    }
}
