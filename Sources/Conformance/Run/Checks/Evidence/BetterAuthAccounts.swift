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
        let name = "\(identity.logicalName)'s credential account holds Better Auth's scrypt hash of the password"
        do {
            let verdict = try AccountOracle.credentialAccount(who: identity.logicalName, userID: identity.id, password: identity.password,
                                                              rows: rows, userTable: tables.user, accountTable: tables.account)
            return kit.result(name, 0, verdict)
        } catch {
            return CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .error(kind: .cryptoError, message: "\(error)"))
        }
    }
}
