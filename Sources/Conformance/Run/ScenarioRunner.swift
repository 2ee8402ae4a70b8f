import Foundation

/// Runs one scenario's steps in order and turns each into a test case. A step whose variables
/// have no value (an earlier capture failed) is skipped with that reason, not failed twice.
public struct ScenarioRunner: Sendable {
    let context: RunContext

    public init(context: RunContext) { self.context = context }

    public func run(_ scenario: Scenario, progress: @Sendable (CaseResult) -> Void = { _ in }) async -> SuiteResult {
        let started = Date()
        var scope = ScenarioScope(context: context)
        scope.userOrder = scenario.users
        var cases: [CaseResult] = []
        var userProblem: [String: IdentityError] = [:]

        // A scenario none of whose steps can run against this target is skipped before its
        // users are created: a sign-up that fails must not turn "no front end" into an error.
        let unmet = scenario.steps.map { step -> String? in
            guard case .check(let c) = step.kind, let d = CheckRegistry.descriptor(c.check) else { return nil }
            return d.unmet(c.parameters, context.target)
        }
        if !scenario.steps.isEmpty, unmet.allSatisfy({ $0 != nil }) {
            for (step, why) in zip(scenario.steps, unmet) {
                var c = CaseResult(name: step.name, criterion: scenario.criterion, seconds: 0, outcome: .skipped(why ?? ""))
                c.source = StepSource(file: scenario.file, pointer: step.pointer)
                cases.append(c)
                progress(c)
            }
            return SuiteResult(scenarioID: scenario.id, criterion: scenario.criterion, title: scenario.title, file: scenario.file,
                               startedAt: started, seconds: Date().timeIntervalSince(started), cases: cases)
        }

        // Users in parallel: the pool creates each once per run.
        await withTaskGroup(of: (String, Result<Identity, Error>).self) { group in
            for name in scenario.users {
                group.addTask {
                    // Assign, then return after the `do`: Swift 6.3.1's optimiser miscompiles a
                    // task-group child that returns from inside a `do` holding a `try await`
                    // (release builds crash with "pure virtual method called").
                    let result: Result<Identity, Error>
                    do { result = .success(try await context.pool.identity(name)) } catch { result = .failure(error) }
                    return (name, result)
                }
            }
            for await (name, result) in group {
                switch result {
                case .success(let i): scope.users[name] = i
                case .failure(let e as IdentityError): userProblem[name] = e
                case .failure(let e): userProblem[name] = IdentityError(message: "\(e)", exchange: nil, unreachable: true)
                }
            }
        }

        // A user that could not be created is an error case of its own (or the error of the
        // scenario's signUp step for that user): otherwise a check that needs two users would
        // skip, and the criterion would read "passed" against an auth server that refused
        // everyone. Setup is never a finding: no criterion fails because a user was refused.
        let signUpSteps = Set(scenario.steps.compactMap { step -> String? in
            if case .signUp(let u) = step.kind { return u } else { return nil }
        })
        for name in scenario.users where !signUpSteps.contains(name) {
            guard let problem = userProblem[name] else { continue }
            let step = Step(name: "create user \(name)", kind: .signUp(user: name), expect: nil, capture: [], pointer: JSONPointer())
            let outcome = identityOutcome(user: name, problem: problem, reports: true)
            let c = CaseResult(name: step.name, criterion: scenario.criterion, file: scenario.file, seconds: 0,
                               outcome: outcome.outcome, evidence: outcome.evidence)
            cases.append(c)
            progress(c)
        }

        for step in scenario.steps {
            let t0 = Date()
            var result: StepOutcome
            let needs = step.users.isEmpty && step.isCheck ? scenario.users : step.users
            if let missingUser = needs.first(where: { userProblem[$0] != nil }), let problem = userProblem[missingUser] {
                var reports = false
                if case .signUp(let u) = step.kind, u == missingUser { reports = true }
                result = identityOutcome(user: missingUser, problem: problem, reports: reports)
            } else {
                do {
                    result = try await StepRunner(context: context).run(step, scope: &scope)
                } catch let m as ScenarioScope.Missing {
                    result = StepOutcome(.skipped("${\(m.name)} has no value: the step that should have set it did not succeed"))
                } catch {
                    result = StepOutcome(.error(kind: .internalError, message: "\(error)"))
                }
            }
            for (variable, value) in result.captures { scope.captures[variable] = value }
            let seconds = Date().timeIntervalSince(t0)
            let source = StepSource(file: scenario.file, pointer: step.pointer)
            if result.cases.isEmpty || !(result.outcome.isPassed) {
                var c = await context.unlessDependencyFailed(
                    CaseResult(name: step.name, criterion: scenario.criterion, seconds: seconds, outcome: result.outcome, evidence: result.evidence))
                c.source = source
                cases.append(c)
                progress(c)
            }
            for var c in result.cases {
                c = await context.unlessDependencyFailed(c)
                // A check may report a case under another criterion (the identity check's
                // impostor reading the victim's data is SC-004's business, not only SC-003's).
                if c.criterion.isEmpty { c.criterion = scenario.criterion }
                c.source = source
                cases.append(c)
                progress(c)
            }
        }
        return SuiteResult(scenarioID: scenario.id, criterion: scenario.criterion, title: scenario.title, file: scenario.file,
                           startedAt: started, seconds: Date().timeIntervalSince(started), cases: cases)
    }

    /// The case that reports a user who could not be created (`reports`), or any other step
    /// that needed that user.
    func identityOutcome(user: String, problem: IdentityError, reports: Bool) -> StepOutcome {
        let evidence = problem.exchange.map { [Evidence("sign-up of \(user)", $0)] } ?? []
        let outcome = IdentityOracle.creationFailed(user: user, message: problem.message, unreachable: problem.unreachable, reports: reports)
        return StepOutcome(outcome, evidence: reports ? evidence : [])
    }
}

extension Step {
    var isCheck: Bool { if case .check = kind { return true }; return false }

    /// The users a step acts as or on.
    var users: [String] {
        switch kind {
        case .signUp(let u), .signIn(let u), .token(let u): return [u]
        case .call(let c): return c.user.map { [$0] } ?? []
        case .request(let r): return r.user.map { [$0] } ?? []
        default: return []
        }
    }
}
