import ConformanceCrypto

/// The answers of an auth server against Better Auth's wire protocol (SC-011,
/// shared/reference/better-auth.md), pure: statuses, JSON answers and cookie names in, a verdict
/// out. Status and `code` are judged, never message text; the differences between versions and
/// the Python port are tolerated. `BetterAuthProtocol` sends the requests; these judge.
public enum BetterAuthShapeOracle {
    /// The `code` Better Auth answers a sign-up for an address already taken (1.4+, then older).
    public static let duplicateCodes: Set<String> = ["USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "USER_ALREADY_EXISTS"]

    /// The cookie names Better Auth gives its session without a custom prefix.
    static let standardSessionCookies: Set<String> = ["better-auth.session_token", "__Secure-better-auth.session_token"]

    /// `" CODE"` for an answer that carries a Better Auth error code, else nothing: appended to
    /// the status in messages.
    public static func code(_ json: JSONValue?) -> String { json?["code"]?.stringValue.map { " \($0)" } ?? "" }

    /// `GET {basePath}/ok`. nil when nothing answered and the target uses Better Auth as its
    /// identity: the run's error, not the app's. With a custom identity the app may simply not
    /// run Better Auth, and the silence is the finding.
    public static func liveness(transportError: String?, status: Int?, json: JSONValue?, custom: Bool,
                                baseURL: String, okURL: String) -> EvidenceVerdict? {
        if let transportError {
            guard custom else { return nil }
            return .failed(.notBetterAuth, "nothing answers at \(baseURL) (\(transportError)): the app does not run Better Auth there")
        }
        guard status == 200, json?["ok"]?.boolValue == true else {
            return .failed(.notBetterAuth, "\(okURL) answered \(status ?? 0) without {\"ok\":true}: no Better Auth server there")
        }
        return .passed()
    }

    /// The answer to `POST /sign-up/email` for `email` (sent with capitals in its local part:
    /// Better Auth lower-cases it). `cookieNames` are the names of the cookies the answer sets.
    public static func signUp(status: Int?, json: JSONValue?, cookieNames: [String], email: String) -> EvidenceVerdict {
        guard status == 200 else {
            return .failed(.notBetterAuth, "sign-up answered \(status ?? 0)\(code(json)), Better Auth answers 200")
        }
        var problems: [String] = []
        var notes: [String] = []
        let user = json?["user"]
        if user?.objectValue == nil { problems.append("no \"user\" object") }
        if (user?["id"]?.stringValue ?? "").isEmpty { problems.append("user.id is not a non-empty string") }
        if let stored = user?["email"]?.stringValue {
            if stored != email.lowercased() { problems.append("user.email is \"\(stored)\", Better Auth stores \"\(email.lowercased())\" (lower-cased)") }
        } else { problems.append("no user.email") }
        if user?["emailVerified"]?.boolValue == nil { problems.append("no boolean user.emailVerified") }
        if user?["createdAt"] == nil { problems.append("no user.createdAt") }
        let sessionCookies = cookieNames.filter { $0.hasSuffix(".session_token") }
        switch json?["token"] {
        case .string?:
            if sessionCookies.isEmpty { problems.append("a session token was answered but no *.session_token cookie was set") }
            else if !sessionCookies.contains(where: { standardSessionCookies.contains($0) }) {
                notes.append("session cookie \(sessionCookies.joined(separator: ", ")) (a custom cookie prefix)")
            }
        case .null?:
            notes.append("token null and no session cookie: auto sign-in is off or email verification is required")
        default:
            problems.append("no \"token\" member (a session token, or null)")
        }
        if !problems.isEmpty {
            return .failed(.notBetterAuth, "sign-up answer is not Better Auth's: " + problems.joined(separator: "; "))
        }
        let fields = "user.id, user.email (lower-cased), user.emailVerified, user.createdAt" + (sessionCookies.first.map { ", cookie \($0)" } ?? "")
        return .passed(.init("checked", ([fields] + notes).joined(separator: "\n")))
    }

    /// `POST /sign-in/email` with a password the account was never given.
    public static func wrongPassword(status: Int?, json: JSONValue?) -> EvidenceVerdict {
        if let status, (200..<300).contains(status) {
            return .failed(.wrongPasswordAccepted, "sign-in with a wrong password answered \(status): any password opens the account")
        }
        guard status == 401, json?["code"]?.stringValue == "INVALID_EMAIL_OR_PASSWORD" else {
            return .failed(.notBetterAuth, "a wrong password answered \(status ?? 0)\(code(json)); Better Auth answers 401 INVALID_EMAIL_OR_PASSWORD")
        }
        return .passed()
    }

    /// `GET /get-session` with the subject's cookie. `expectedUserID` is the id sign-up answered,
    /// when it answered one: only then can the session be tied to the signed-up user.
    public static func session(status: Int?, json: JSONValue?, expectedUserID: String?) -> EvidenceVerdict {
        var problems: [String] = []
        if status != 200 { problems.append("answered \(status ?? 0)\(code(json))") }
        if json?["session"]?.objectValue == nil { problems.append("no \"session\" object") }
        let userID = json?["user"]?["id"]?.stringValue
        if userID == nil { problems.append("no \"user\" object with an id") }
        if let expectedUserID, let userID, userID != expectedUserID { problems.append("user.id is \(userID), the signed-up user is \(expectedUserID)") }
        if let sessionUser = json?["session"]?["userId"]?.stringValue, let userID, sessionUser != userID {
            problems.append("session.userId \(sessionUser) differs from user.id \(userID)")
        }
        guard problems.isEmpty else {
            return .failed(.notBetterAuth, "get-session is not Better Auth's: " + problems.joined(separator: "; "))
        }
        return .passed()
    }

    /// `GET /token` (the JWT plugin). `sessionTokens`: the target's API takes Better Auth
    /// session tokens, so the plugin need not be mounted and a 404 is no finding.
    public static func token(status: Int?, json: JSONValue?, sessionTokens: Bool) -> EvidenceVerdict {
        if status == 404, sessionTokens {
            return .skipped("the target's API takes Better Auth session tokens; the JWT plugin's /token is not mounted (404)")
        }
        guard status == 200, let text = json?["token"]?.stringValue else {
            return .failed(.notBetterAuth, "answered \(status ?? 0)\(code(json)) without {\"token\": ...}")
        }
        guard let jwt = try? JWT(compact: text) else {
            return .failed(.notBetterAuth, "\"token\" is not a compact JWT")
        }
        let alg = jwt.algorithm ?? "(none)"
        guard JWTVerifier.asymmetric.contains(alg) else {
            return .failed(.symmetricJWT, "the token is signed with \(alg); Better Auth's JWT plugin signs with an asymmetric key")
        }
        return .passed(.init("token", "alg \(alg), kid \(jwt.keyID ?? "(none)")"))
    }

    /// `GET /jwks` (the JWT plugin); `sessionTokens` as for `token`.
    public static func jwks(status: Int?, json: JSONValue?, sessionTokens: Bool) -> EvidenceVerdict {
        if status == 404, sessionTokens {
            return .skipped("the target's API takes Better Auth session tokens; the JWT plugin's /jwks is not mounted (404)")
        }
        guard status == 200, let json, let set = try? JWKS(json: json) else {
            return .failed(.notBetterAuth, "answered \(status ?? 0) without a {\"keys\": [...]} document")
        }
        guard !set.keys.isEmpty else { return .failed(.notBetterAuth, "the key set is empty") }
        let algs = set.algorithms
        let symmetric = algs.filter { !JWTVerifier.asymmetric.contains($0) }
        if !symmetric.isEmpty {
            return .failed(.symmetricJWT, "the key set lists \(symmetric.joined(separator: ", ")): not an asymmetric algorithm")
        }
        // A published private part would let anyone mint tokens. The raw JSON is read, not the
        // parsed set: JWKS drops private members as it parses.
        if json["keys"]?.arrayValue?.contains(where: { $0["d"] != nil || $0["k"] != nil }) == true {
            return .failed(.privateKeyPublished, "a key in the JWKS carries private material (\"d\" or \"k\")")
        }
        return .passed(.init("keys", "\(set.keys.count) key(s): \(algs.joined(separator: ", "))"))
    }

    /// The wrong-password and duplicate probes need a subject that exists: Better Auth refuses a
    /// wrong password for an unknown address just as for a known one, and a "duplicate" of an
    /// address nobody holds is a first sign-up. `subjectID` is the id the subject's sign-up
    /// answered (nil: none). Nil when the subject exists; else why the probe cannot be judged.
    public static func subjectMissing(subjectID: String?, probe: String) -> String? {
        guard subjectID == nil else { return nil }
        return "the subject's sign-up made no user (see the sign-up case): \(probe) of an address nobody holds proves nothing"
    }

    /// What a second sign-up with the same address shows by itself.
    public enum Duplicate: Sendable, Equatable {
        case judged(EvidenceVerdict)
        /// 200 with another user id: Better Auth 1.5+ answers a synthetic user that it never
        /// stores, so only the database can tell it from a second account.
        case lookUp(userID: String)
    }

    /// The same address again (other case): Better Auth refuses it with 422 and a duplicate
    /// code, or answers 200 with a synthetic user. `subjectID` is the existing user's id.
    public static func duplicate(status: Int?, json: JSONValue?, subjectID: String?) -> Duplicate {
        let errorCode = json?["code"]?.stringValue ?? ""
        if status == 422, duplicateCodes.contains(errorCode) { return .judged(.passed()) }
        if status == 200 {
            guard let other = json?["user"]?["id"]?.stringValue, other != subjectID else {
                return .judged(.failed(.notBetterAuth, "the duplicate answered 200 with the existing user"))
            }
            return .lookUp(userID: other)
        }
        return .judged(.failed(.notBetterAuth,
                               "a duplicate email answered \(status ?? 0)\(code(json)); Better Auth answers 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (USER_ALREADY_EXISTS before 1.4)"))
    }

    /// The synthetic user of a 200 duplicate, looked up: `stored` is nil when there is no
    /// database to look in (`databaseProblem` says why). The wire shows only that the answer was
    /// not a refusal; whether a second account exists is the whole question, so without the
    /// rows it is not judged — never tolerated as a pass.
    public static func duplicateStored(userID: String, stored: Bool?, databaseProblem: String) -> EvidenceVerdict {
        guard let stored else {
            return .notJudged("the duplicate answered 200 with a different user id (Better Auth 1.5+ answers a synthetic user when verification is on); whether a second user was stored cannot be seen without the database: \(databaseProblem)")
        }
        if stored { return .failed(.duplicateAccount, "the duplicate sign-up stored a second user \(userID) for the same email") }
        return .passed(.init("tolerated", "200 with a synthetic user that is not stored: Better Auth 1.5+ with verification required or auto sign-in off"))
    }
}
