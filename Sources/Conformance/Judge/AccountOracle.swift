/// Whether the run's users are Better Auth's own (SC-011), pure: the rows read from Better Auth's
/// `"user"` and `account` tables in, a verdict out. A user Better Auth made has a credential
/// account whose password is the scrypt of the password the harness chose; a matching shape
/// alone could be imitated, the key cannot without the password.
public enum AccountOracle {
    /// One user's accounts. `rows` are the user's rows of the accounts query (`provider`,
    /// `account`, `password`), nil when the user is not in `"user"` at all; `password` is the
    /// one the harness signed up with. `recomputeKey` false checks everything but the key itself
    /// (the caller recomputes it for a sample of users: scrypt here costs 32 MiB and about 0.1 s
    /// of CPU a user). Throws only when scrypt itself cannot run.
    public static func credentialAccount(who: String, userID: String, password: String, rows: [JSONValue]?,
                                         userTable: String, accountTable: String,
                                         recomputeKey: Bool = true) throws -> EvidenceVerdict {
        let account = "table \(accountTable), column password"
        guard let rows else {
            return .failed(.homeMadeAuth, "\(who) (user id \(userID)) is not in Better Auth's table \"\(userTable)\": the user was not created by Better Auth")
        }
        let credential = rows.filter { $0["provider"]?.stringValue == "credential" }
        guard let row = credential.first else {
            let providers = rows.compactMap { $0["provider"]?.stringValue }
            return .failed(.homeMadeAuth,
                           "\(who) is in \"\(userTable)\" but has no \(accountTable) row with \"providerId\" = 'credential'"
                             + (providers.isEmpty ? " (no account row at all)" : " (providers: \(providers.joined(separator: ", ")))")
                             + ": the password is kept somewhere else")
        }
        guard let stored = row["password"]?.stringValue, !stored.isEmpty else {
            return .failed(.homeMadeAuth, "\(who)'s credential account has no password in \(account)")
        }
        var notes = ["\(credential.count) credential account(s); \(account)"]
        if let accountID = row["account"]?.stringValue, accountID != userID {
            notes.append("\"accountId\" is \(accountID), Better Auth sets the user id \(userID)")
        }
        guard recomputeKey else {
            if case .notBetterAuthFormat(let format) = BetterAuthScrypt.format(of: stored) {
                return .failed(.foreignPasswordHash,
                               "\(who)'s password in \(account) is stored as \(format ?? "an unknown format"), not as Better Auth's scrypt <salt>:<key>",
                               .init("checked", notes.joined(separator: "\n")))
            }
            notes.append("Better Auth's scrypt format <32 hex>:<128 hex>; the key itself is recomputed for a sample of the run's users")
            return .passed(.init("format", notes.joined(separator: "\n")))
        }
        switch try BetterAuthScrypt.check(password: password, stored: stored) {
        case .matches:
            notes.append("scrypt (N=16384, r=16, p=1, 64-byte key) of \(who)'s password with the stored salt equals the stored key")
            return .passed(.init("verified", notes.joined(separator: "\n")))
        case .differs:
            return .failed(.foreignPasswordHash,
                           "\(who)'s password in \(account) has Better Auth's shape but is not the scrypt of the password the harness signed up with: Better Auth did not compute it",
                           .init("checked", notes.joined(separator: "\n")))
        case .notBetterAuthFormat(let format):
            return .failed(.foreignPasswordHash,
                           "\(who)'s password in \(account) is stored as \(format ?? "an unknown format"), not as Better Auth's scrypt <salt>:<key>",
                           .init("checked", notes.joined(separator: "\n")))
        }
    }

    /// With a custom identity: the users the app signed up through `route` (their `ids`, in
    /// order) against the ids `found` in Better Auth's `userTable`.
    public static func appUsers(ids: [String], found: Set<String>, route: String, userTable: String) -> EvidenceVerdict {
        let missing = ids.filter { !found.contains($0) }
        if missing.isEmpty { return .passed(.init("found", "\(ids.count) user id(s) in \(userTable)")) }
        return .failed(.homeMadeAuth,
                       "\(missing.count) of \(ids.count) user(s) the app signed up through \(route) (ids \(missing.prefix(5).joined(separator: ", "))) are not in Better Auth's table \"\(userTable)\": the app keeps users of its own")
    }
}
