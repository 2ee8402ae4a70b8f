import Foundation

/// SC-008: p95 latency per endpoint under normal load. Several users at once drive every mapped
/// operation of a resource (list, create, get, update, toggle; deletes at the end) through
/// `concurrency` workers for `seconds`; each operation's p95 is judged against `p95Ms`. The
/// isolation oracles stay on: every answer is scanned for other users' markers, and the
/// database is audited afterwards, because races only show under concurrency.
struct LoadPhase: BuiltInCheck {
    static let name = CheckName.load
    static let title = "latency under load"

    struct Parameters: ResourceParameters {
        let seconds: Double
        let concurrency: Int
        let p95Ms: Double
        let users: Int
        let resource: String
        static let specs: [ParameterSpec] = [
            ParameterSpec("seconds", .number(min: 0.5, max: 3600), default: 5, "Length of the timed phase (at least 0.5)."),
            ParameterSpec("concurrency", .integer(min: 1, max: 512), default: 16, "Concurrent workers (1–512)."),
            ParameterSpec("p95Ms", .number(min: 1, max: 600_000), default: 200, "The p95 budget per operation, in ms (at least 1)."),
            ParameterSpec("users", .integer(min: 1, max: 32), default: 4, "How many of the scenario's users share the workers (1–32)."),
            .resource,
        ]

        /// Objects each worker creates before the clock starts, so per-object operations have
        /// something to act on from the first request.
        var seedPerWorker: Int { 2 }

        /// Each request's bound: generous against the budget (so a slow answer is measured, not
        /// cut), yet short enough that a hung one cannot stretch the phase much.
        func requestTimeout(target: Double) -> Double { min(target, max(2, p95Ms / 1000 * 25)) }
    }

    static let loopOperations: [Operation] = [.list, .create, .get, .update, .toggle]

    func run(_ input: CheckInput, _ params: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        guard let resource = input.resource(params) else { return [kit.skipped("load", "the target maps no such resource")] }
        var users = Array(input.identities.prefix(max(1, params.users)))
        guard !users.isEmpty else { return [kit.skipped("load", "the scenario names no user to load the API with")] }
        let cycle = Self.loopOperations.filter { resource.routes[$0] != nil }
        guard !cycle.isEmpty else { return [kit.skipped("load", "the target maps none of \(resource.name)'s list, create, get, update or toggle")] }
        users = await LoadTokens(context: context).fresh(users, lasting: params.seconds + 60)
        let names = Dictionary(users.map { ($0.id, $0.logicalName) }, uniquingKeysWith: { a, _ in a })
        var cases: [CaseResult] = []

        // Workers are spread over the users round-robin; each starts with objects of its own.
        let timeout = params.requestTimeout(target: context.target.requestTimeout)
        let workers = (0..<params.concurrency).map { i in
            LoadWorker(context: context, resource: resource, user: users[i % users.count], names: names, cycle: cycle, timeout: timeout)
        }
        let seeds = await seed(workers, perWorker: resource.routes[.create] == nil ? 0 : params.seedPerWorker, kit: kit, resource: resource)
        let failedSetup = Dictionary(grouping: seeds.enumerated().filter { $0.element.failed > 0 }, by: { workers[$0.offset].user.logicalName })
        for (name, list) in failedSetup.sorted(by: { $0.key < $1.key }) {
            guard let breach = LoadOracle.setup(failed: list.reduce(0) { $0 + $1.element.failed }, user: name) else { continue }
            let example = list.first?.element.example.map { [kit.evidence("create as \(name)", $0)] } ?? []
            cases.append(kit.failed("\(name) creates \(resource.name) before the load phase", 0, breach.oracle, breach.message, example))
        }

        // The timed loop, then the deletes of what it created.
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .nanoseconds(Int64(params.seconds * 1e9))
        let loop = await withTaskGroup(of: (Int, LoadObservations).self) { group in
            for (i, w) in workers.enumerated() {
                let seed = seeds[i].ids
                group.addTask { (i, await w.run(seed: seed, until: deadline)) }
            }
            var out = [LoadObservations](repeating: LoadObservations(), count: workers.count)
            for await (i, o) in group { out[i] = o }
            return out
        }
        let loopSeconds = Self.seconds(start.duration(to: clock.now))
        var all = LoadObservations()
        for o in loop { all.merge(o) }

        var deleteSeconds = 0.0
        if resource.routes[.delete] != nil {
            let deleteStart = clock.now
            let deletes = await withTaskGroup(of: LoadObservations.self) { group in
                for (i, w) in workers.enumerated() {
                    let ids = loop[i].created
                    group.addTask { await w.delete(ids) }
                }
                var merged = LoadObservations()
                for await o in group { merged.merge(o) }
                return merged
            }
            deleteSeconds = Self.seconds(deleteStart.duration(to: clock.now))
            all.merge(deletes)
        }

        // Judgement: one case per operation, then errors, leaks and the database audit.
        let ops = cycle + (resource.routes[.delete] != nil ? [.delete] : [])
        let table = LoadTable(rows: ops.map { op in
            LoadTable.Row(label: "\(resource.name).\(op.rawValue)", histogram: all.latencies[op] ?? LatencyHistogram(),
                          seconds: op == .delete ? deleteSeconds : loopSeconds)
        })
        let setting = "\(users.count) user(s), \(params.concurrency) worker(s), \(Self.figure(params.seconds)) s"
        let figures = Evidence(.figures, "latency under load (\(setting))", table.text(budgetMs: params.p95Ms),
                               data: Self.figureData(table, budgetMs: params.p95Ms))
        for row in table.rows {
            cases.append(latencyCase(row, budgetMs: params.p95Ms, figures: figures, kit: kit, deletesOnly: row.label.hasSuffix(".delete")))
        }
        cases.append(errorsCase(all, resource: resource, seconds: loopSeconds + deleteSeconds, setting: setting, figures: figures, kit: kit))
        cases.append(leaksCase(all, kit: kit))
        cases.append(await auditCase(all, resource: resource, users: users, context: context, kit: kit))
        return cases
    }

    /// Creates each worker's starting objects, all workers at once (they are independent).
    func seed(_ workers: [LoadWorker], perWorker: Int, kit: CheckKit, resource: Resource) async -> [(ids: [String], failed: Int, example: Exchange?)] {
        await withTaskGroup(of: (Int, [String], Int, Exchange?).self) { group in
            for (i, w) in workers.enumerated() {
                group.addTask {
                    var ids: [String] = [], failed = 0
                    var example: Exchange?
                    for _ in 0..<perWorker {
                        let created = await kit.create(resource, as: w.user)
                        if let id = created?.id { ids.append(id) } else {
                            failed += 1
                            if example == nil { example = created?.exchange }
                        }
                    }
                    return (i, ids, failed, example)
                }
            }
            var out = [(ids: [String], failed: Int, example: Exchange?)](repeating: ([], 0, nil), count: workers.count)
            for await (i, ids, failed, example) in group { out[i] = (ids, failed, example) }
            return out
        }
    }

    func latencyCase(_ row: LoadTable.Row, budgetMs: Double, figures: Evidence, kit: CheckKit, deletesOnly: Bool) -> CaseResult {
        let name = "\(row.label) latency under load (p95 ≤ \(Self.figure(budgetMs)) ms)"
        switch LatencyOracle.judge(row.histogram.summary(), seconds: row.seconds, budgetMs: budgetMs, deletesOnly: deletesOnly) {
        case .notSent(let why): return kit.skipped(name, why)
        case .breach(let oracle, let message): return kit.failed(name, 0, oracle, message, [figures])
        case .within(let note): return kit.passed(name, 0, [Evidence(.note, "verdict", note), figures])
        case .notJudged(let why): return kit.notJudged(name, why, [figures])
        }
    }

    func errorsCase(_ all: LoadObservations, resource: Resource, seconds: Double, setting: String, figures: Evidence, kit: CheckKit) -> CaseResult {
        let name = "no errors under load"
        let total = all.requestCount
        let counts = all.problems.mapValues { t in
            (count: t.count, byOperation: Dictionary(t.byOperation.map { ("\(resource.name).\($0.key.rawValue)", $0.value) }, uniquingKeysWith: +))
        }
        let findings = LoadOracle.problems(counts, total: total).map { breach in
            let examples = (all.problems[breach.problem]?.examples ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }.prefix(3)
                .map { kit.evidence("first \(breach.problem.rawValue) of \(resource.name).\($0.key.rawValue)", $0.value) }
            return Finding(oracle: breach.oracle, message: breach.message, evidence: examples + [figures])
        }
        if findings.isEmpty {
            return kit.passed(name, seconds, [Evidence(.note, "verdict", "\(total) request(s) from \(setting), every one answered 2xx"), figures])
        }
        return CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .failed(findings))
    }

    func leaksCase(_ all: LoadObservations, kit: CheckKit) -> CaseResult {
        let name = "answers under load carry only their own user's data"
        let findings = LoadOracle.leaks(kept: all.leaks, total: all.leakCount)
        guard !findings.isEmpty else {
            // Refusals and errors carry no data: a scan of them alone proves nothing.
            let answered = all.requestCount - all.problems.values.reduce(0) { $0 + $1.count }
            if answered <= 0 {
                return kit.notJudged(name, "none of the \(all.requestCount) request(s) was answered 2xx (see the errors case): no answer held data to scan")
            }
            return kit.passed(name, 0, [Evidence(.note, "verdict", "\(all.requestCount) answer(s) scanned for other users' taint markers (\(answered) answered 2xx): none found")])
        }
        return CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .failed(findings))
    }

    func auditCase(_ all: LoadObservations, resource: Resource, users: [Identity], context: RunContext, kit: CheckKit) async -> CaseResult {
        let name = "database audit after load"
        guard context.database != nil else { return kit.noDatabase(name) }
        let owners = Set(users.map(\.id))
        let (result, seconds) = await CheckKit.time { () -> Result<[Finding], Error> in
            do {
                let audit = DatabaseAudit(context: context)
                var findings = try await audit.findings(resource: resource, owners: owners)
                // A create that got no answer may have stored a row nobody recorded; stray rows
                // then prove nothing, so they are only looked for when every create was tracked.
                if all.untrackedCreates == 0 { findings += try await audit.strayRows(resource: resource, owners: Array(owners)) }
                return .success(findings)
            } catch { return .failure(error) }
        }
        switch result {
        case .failure(let e):
            return CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                              outcome: .database(e))
        case .success(let raw):
            // Objects whose last write got no answer may hold either state: the oracle does not count them.
            switch LoadOracle.audit(raw, uncertain: all.uncertain, untrackedCreates: all.untrackedCreates,
                                    names: users.map { (id: $0.id, name: $0.logicalName) }, limit: Self.auditFindingLimit) {
            case .clean(let notes):
                let audited = context.ledger.entries(resource: resource.name).filter { owners.contains($0.owner) }.count
                let text = (["\(audited) object(s) of \(users.count) user(s) match their owners' own operations"] + notes).joined(separator: "; ")
                return kit.passed(name, seconds, [Evidence(.note, "audited", text)])
            case .breach(let out):
                return CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .failed(out))
            }
        }
    }

    static let auditFindingLimit = 10

    /// The table's figures per operation, machine-readable: report.html draws its chart from
    /// them and results.json carries them, so nobody parses the text table. Milliseconds to the
    /// microsecond (the table rounds to 0.1 ms for reading); null for an operation never sent.
    static func figureData(_ table: LoadTable, budgetMs: Double) -> JSONValue {
        func ms(_ seconds: Double?) -> JSONValue { seconds.map { .number(($0 * 1_000_000).rounded() / 1000) } ?? .null }
        return .array(table.rows.map { row in
            let s = row.histogram.summary()
            return .object(JSONObject([
                ("operation", .string(row.label)), ("count", .number(Double(row.histogram.count))),
                ("p50Ms", ms(s?.p50)), ("p95Ms", ms(s?.p95)), ("p99Ms", ms(s?.p99)), ("maxMs", ms(s?.max)),
                ("errors", .number(Double(row.histogram.errors))), ("budgetMs", .number(budgetMs)),
            ]))
        })
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    /// 200 rather than 200.0, 0.5 stays 0.5: the oracle's wording, so names and messages agree.
    static func figure(_ v: Double) -> String { LatencyOracle.figure(v) }
}
