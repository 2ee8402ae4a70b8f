import Foundation

/// SC-011: every user the run created is a Better Auth user with an email/password account —
/// a row in `"user"` and an `account` row `"providerId" = 'credential'` whose `password` is
/// Better Auth's scrypt hash. The hash is recomputed from the password the harness chose: a
/// match proves Better Auth made it, where a matching shape alone could be imitated.
struct BetterAuthAccounts: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.betterAuthAccounts
    static let title = "credential accounts with scrypt hashes"

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        let identities = await context.pool.createdIdentities.sorted { $0.logicalName < $1.logicalName }
        guard !identities.isEmpty else { return [kit.skipped("Better Auth credential accounts", "the run created no user")] }
        guard let db = context.database else {
            return [kit.noDatabase("Better Auth credential accounts")]
        }
        let tables = context.target.authTables
        let rows: [JSONValue]
        do {
            // Every account of the users, not only credential ones, so a missing credential row
            // can be told apart from a missing user.
            rows = try await db.accounts(ofUsers: identities.map(\.id), in: tables)
        } catch {
            return [CaseResult(name: "Better Auth credential accounts", criterion: "", file: "", seconds: 0,
                               outcome: .database(error))]
        }
        var byUser: [String: [JSONValue]] = [:]
        for row in rows { if let id = row["id"]?.stringValue { byUser[id, default: []].append(row) } }
        var cases: [CaseResult] = []
        for identity in identities {
            let (result, seconds) = await CheckKit.time { judge(identity, byUser[identity.id], kit: kit, tables: tables) }
            var c = result
            c.seconds = seconds
            cases.append(c)
        }
        return cases
    }

    func judge(_ identity: Identity, _ rows: [JSONValue]?, kit: CheckKit, tables: AuthTables) -> CaseResult {
        let who = identity.logicalName
        let name = "\(who)'s credential account holds Better Auth's scrypt hash of the password"
        let account = "table \(tables.account), column password"
        guard let rows else {
            return kit.failed(name, 0, .homeMadeAuth,
                              "\(who) (user id \(identity.id)) is not in Better Auth's table \"\(tables.user)\": the user was not created by Better Auth", [])
        }
        let credential = rows.filter { $0["provider"]?.stringValue == "credential" }
        guard let row = credential.first else {
            let providers = rows.compactMap { $0["provider"]?.stringValue }
            return kit.failed(name, 0, .homeMadeAuth,
                              "\(who) is in \"\(tables.user)\" but has no \(tables.account) row with \"providerId\" = 'credential'"
                                + (providers.isEmpty ? " (no account row at all)" : " (providers: \(providers.joined(separator: ", ")))")
                                + ": the password is kept somewhere else", [])
        }
        guard let stored = row["password"]?.stringValue, !stored.isEmpty else {
            return kit.failed(name, 0, .homeMadeAuth, "\(who)'s credential account has no password in \(account)", [])
        }
        var notes = ["\(credential.count) credential account(s); \(account)"]
        if let accountID = row["account"]?.stringValue, accountID != identity.id {
            notes.append("\"accountId\" is \(accountID), Better Auth sets the user id \(identity.id)")
        }
        do {
            switch try BetterAuthScrypt.check(password: identity.password, stored: stored) {
            case .matches:
                notes.append("scrypt (N=16384, r=16, p=1, 64-byte key) of \(who)'s password with the stored salt equals the stored key")
                return kit.passed(name, 0, [Evidence(.note, "verified", notes.joined(separator: "\n"))])
            case .differs:
                return kit.failed(name, 0, .foreignPasswordHash,
                                  "\(who)'s password in \(account) has Better Auth's shape but is not the scrypt of the password the harness signed up with: Better Auth did not compute it",
                                  [Evidence(.note, "checked", notes.joined(separator: "\n"))])
            case .notBetterAuthFormat(let format):
                return kit.failed(name, 0, .foreignPasswordHash,
                                  "\(who)'s password in \(account) is stored as \(format ?? "an unknown format"), not as Better Auth's scrypt <salt>:<key>",
                                  [Evidence(.note, "checked", notes.joined(separator: "\n"))])
            }
        } catch {
            return CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .error(kind: .cryptoError, message: "\(error)"))
        }
    }
}
