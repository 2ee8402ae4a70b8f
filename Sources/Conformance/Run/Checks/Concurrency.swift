/// Users interleaving requests in parallel, so that state shared between requests inside the back
/// end (a module-level "current user", a wrongly keyed cache) shows up as a leak. Judged by the
/// taint markers in every answer and by the database audit afterwards.
struct Concurrency: BuiltInCheck {
    static let name = CheckName.concurrency
    static let title = "concurrent users"

    struct Parameters: ResourceParameters {
        let resource: String
        let users: Int
        let rounds: Int
        static let specs: [ParameterSpec] = [
            .resource,
            ParameterSpec("users", .integer(min: 2, max: 64), default: 8, "How many of the scenario's users take part (2–64); fewer if the scenario lists fewer."),
            ParameterSpec("rounds", .integer(min: 1, max: 100), default: 10, "Rounds per user (1–100)."),
        ]
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let resource = input.resource(parameters) else { return [kit.skipped(Self.name.rawValue, "the target maps no such resource")] }
        let users = Array(input.identities.prefix(parameters.users))
        guard users.count >= 2 else { return [kit.skipped(Self.name.rawValue, "needs at least two users")] }
        let rounds = parameters.rounds

        struct Tally: Sendable {
            var requests = 0, errors = 0, leakCount = 0, refused = 0
            var leaks: [Evidence] = []
            var refusals: [Evidence] = []
            /// Failed answers as shown: what the finding is about, and what tells a broken
            /// dependency (a stopped database) from the app's own server error.
            var failures: [Evidence] = []
            var ids: [String] = []
        }
        let (tally, seconds) = await CheckKit.time { () -> Tally in
            await withTaskGroup(of: Tally.self) { group in
                for user in users {
                    group.addTask {
                        var t = Tally()
                        for _ in 0..<rounds {
                            var exchanges: [Exchange] = []
                            if let created = await kit.create(resource, as: user) {
                                exchanges.append(created.exchange)
                                if ConcurrencyOracle.createFailed(id: created.id, status: created.exchange.status) { t.errors += 1 }
                                if let id = created.id { t.ids.append(id) }
                                if let id = created.id, resource.routes[.get] != nil,
                                   let ex = await context.resources.send(.init(resource: resource, operation: .get, credentials: kit.credentials(user), pathUserID: user.id, id: id)) {
                                    exchanges.append(ex)
                                }
                            }
                            if resource.routes[.list] != nil,
                               let ex = await context.resources.send(.init(resource: resource, operation: .list, credentials: kit.credentials(user), pathUserID: user.id)) {
                                exchanges.append(ex)
                            }
                            if Task.isCancelled { break }  // interrupted: what was cut short is no server error
                            for ex in exchanges {
                                t.requests += 1
                                if ConcurrencyOracle.requestFailed(status: ex.status, transportFailed: ex.transportError != nil) {
                                    t.errors += 1
                                    if t.failures.count < 1 { t.failures.append(kit.evidence("failed answer to \(user.logicalName)", ex)) }
                                }
                                if ConcurrencyOracle.refused(status: ex.status, transportFailed: ex.transportError != nil) {
                                    t.refused += 1
                                    if t.refusals.count < 1 { t.refusals.append(kit.evidence("refused answer to \(user.logicalName)", ex)) }
                                }
                                let leaks = context.markers.foreign(in: ex.bodyText, viewer: user.id)
                                if !leaks.isEmpty {
                                    t.leakCount += 1
                                    if t.leaks.count < 3 { t.leaks.append(kit.evidence("answer to \(user.logicalName)", ex)) }
                                }
                            }
                        }
                        return t
                    }
                }
                var total = Tally()
                for await t in group {
                    total.requests += t.requests; total.errors += t.errors; total.leakCount += t.leakCount; total.refused += t.refused
                    total.refusals += t.refusals.prefix(max(0, 3 - total.refusals.count))
                    total.failures += t.failures.prefix(max(0, 3 - total.failures.count))
                    total.ids += t.ids
                    total.leaks += t.leaks.prefix(max(0, 3 - total.leaks.count))
                }
                return total
            }
        }
        var cases: [CaseResult] = []
        let name = "\(users.count) users interleaving \(tally.requests) requests see only their own data"
        let figures = Evidence(.figures, "requests", "\(tally.requests) requests, \(tally.errors) errors, \(tally.refused) refused")
        let unjudged = ConcurrencyOracle.unjudged(refused: tally.refused, of: tally.requests)
        // A leak is proved whatever else was refused; a clean scan only when every call was answered.
        if let f = ConcurrencyOracle.leaks(tally.leakCount) {
            cases.append(kit.failed(name, seconds, f.oracle, f.message, tally.leaks))
        } else if let unjudged {
            cases.append(CaseResult(name: name, seconds: seconds, outcome: .notJudged(unjudged), evidence: [figures] + tally.refusals))
        } else {
            cases.append(kit.passed(name, seconds, [figures]))
        }
        let errName = "no server errors while \(users.count) users act at once"
        if let f = ConcurrencyOracle.errors(tally.errors, of: tally.requests) {
            cases.append(kit.failed(errName, 0, f.oracle, f.message, tally.failures))
        } else if let unjudged {
            cases.append(kit.notJudged(errName, unjudged, tally.refusals))
        } else {
            cases.append(kit.passed(errName, 0))
        }
        if context.database == nil {
            cases.append(kit.noDatabase("database audit after the concurrent phase"))
        } else {
            do {
                let audit = DatabaseAudit(context: context)
                let owners = Set(users.map(\.id))
                let findings = try await audit.findings(resource: resource, owners: owners, ids: Set(tally.ids))
                    + audit.strayRows(resource: resource, owners: Array(owners))
                let n = "database audit after the concurrent phase"
                cases.append(findings.isEmpty ? kit.passed(n, 0) : CaseResult(name: n, criterion: "", file: "", seconds: 0, outcome: .failed(findings)))
            } catch {
                cases.append(CaseResult(name: "database audit after the concurrent phase", criterion: "", file: "", seconds: 0,
                                        outcome: .database(error)))
            }
        }
        return cases
    }
}
