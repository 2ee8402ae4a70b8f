/// Every row of every owned table references a user that exists in the app's users table
/// (Better Auth's, or the app's own).
struct Ownership: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.ownership
    static let title = "every owned row belongs to an existing user"

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let db = context.database else { return [kit.noDatabase("ownership")] }
        let users: UserTable
        switch await context.userTable() {
        case .found(let t, _): users = t
        case .unknown(let why):
            return [CaseResult(name: "every owned row belongs to an existing user", criterion: "", file: "", seconds: 0,
                               outcome: .skipped("the app's users table is not known: \(why)"))]
        }
        do {
            let tables = try await db.ownedTables(target: context.target, users: users)
            if let f = OwnershipOracle.tables(count: tables.count, userTable: users.display) {
                return [kit.failed("owned tables", 0, f.oracle, f.message, [])]
            }
            var cases: [CaseResult] = []
            for t in tables {
                let name = "every row of \(t.displayName) belongs to an existing user"
                let (read, seconds) = await CheckKit.time { () async -> Result<JSONValue?, Error> in
                    do { return .success(try await db.orphanCounts(in: t, users: users)) } catch { return .failure(error) }
                }
                let row: JSONValue
                switch read {
                case .success(let r?): row = r
                case .success(nil):
                    cases.append(CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .error(kind: .queryError, message: "could not read \(t.displayName): no count came back")))
                    continue
                case .failure(let error):
                    // The database's own words: a wrong owner column or type is the user's to fix.
                    cases.append(CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .database(error)))
                    continue
                }
                if let f = OwnershipOracle.orphans(row, table: t.displayName, userTable: users.display) {
                    cases.append(kit.failed(name, seconds, f.oracle, f.message, []))
                } else {
                    cases.append(kit.passed(name, seconds, [Evidence(.note, "owner column", "\(t.displayName).\(t.ownerColumn)\(t.hasForeignKey ? " (foreign key to the user table)" : " (no foreign key)")")]))
                }
            }
            return cases
        } catch {
            return [CaseResult(name: "ownership", criterion: "", file: "", seconds: 0, outcome: .database(error))]
        }
    }
}
