import Foundation

/// SC-011: every user of the scenario is a Better Auth user with an email/password account —
/// a row in `"user"` and an `account` row `"providerId" = 'credential'` whose `password` is
/// Better Auth's scrypt hash. The hash is recomputed from the password the harness chose: a
/// match proves Better Auth made it, where a matching shape alone could be imitated. The key is
/// recomputed for the first `sampled` users by name — each costs as much CPU as the app's own
/// sign-up did, and a run creates dozens — and every user's rows and format are checked.
struct BetterAuthAccounts: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.betterAuthAccounts
    static let title = "credential accounts with scrypt hashes"
    static let sampled = 3

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        // The scenario's own users: which other users exist yet depends on the scenarios running
        // beside this one, and the cases must be the same in every run.
        let identities = input.identities
        guard !identities.isEmpty else { return [kit.skipped("Better Auth credential accounts", "the scenario has no user")] }
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
        for (index, identity) in identities.enumerated() {
            let recompute = index < Self.sampled
            let (result, seconds) = await CheckKit.time {
                judge(identity, byUser[identity.id], recomputeKey: recompute, kit: kit, tables: tables)
            }
            var c = result
            c.seconds = seconds
            cases.append(c)
        }
        return cases
    }

    func judge(_ identity: Identity, _ rows: [JSONValue]?, recomputeKey: Bool, kit: CheckKit, tables: AuthTables) -> CaseResult {
        // The name says what the case proves: the key, or the account and the format only.
        let name = recomputeKey
            ? "\(identity.logicalName)'s credential account holds Better Auth's scrypt hash of the password"
            : "\(identity.logicalName)'s credential account holds a password in Better Auth's scrypt format"
        do {
            let verdict = try AccountOracle.credentialAccount(who: identity.logicalName, userID: identity.id, password: identity.password,
                                                              rows: rows, userTable: tables.user, accountTable: tables.account,
                                                              recomputeKey: recomputeKey)
            return kit.result(name, 0, verdict)
        } catch {
            return CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .error(kind: .cryptoError, message: "\(error)"))
        }
    }
}
