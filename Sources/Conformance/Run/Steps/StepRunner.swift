import ConformanceHTTP
import Foundation

/// Executes one step and judges it with `ExpectationOracle` (built-in checks judge themselves).
struct StepRunner: Sendable {
    let context: RunContext

    func run(_ step: Step, scope: inout ScenarioScope) async throws -> StepOutcome {
        switch step.kind {
        case .signUp, .signIn, .token:
            if !context.target.identity.hasLogin { return StepOutcome(.skipped(NoLoginProvider.reason)) }
        default: break
        }
        switch step.kind {
        case .signUp(let u):
            let user = try identity(u, scope)
            guard let signUp = user.signUp else { return StepOutcome(.skipped("\(u) was not signed up through the app")) }
            return try judgeAuth(step, scope: scope, exchange: signUp)
        case .signIn(let u): return try await signIn(step, user: u, scope: &scope)
        case .token(let u): return try await token(step, user: u, scope: &scope)
        case .call(let c): return try await CallStepRunner(context: context).run(step, c, scope: scope)
        case .request(let r): return try await request(step, r, scope: scope)
        case .sql(let s): return try await DatabaseStepRunner(context: context).sql(step, s, scope: scope)
        case .stored(let s): return try await DatabaseStepRunner(context: context).stored(step, s, scope: scope)
        case .check(let c): return await CheckRunner(context: context).run(c, scope: scope)
        }
    }

    func identity(_ u: String, _ scope: ScenarioScope) throws -> Identity {
        guard let i = scope.users[u] else { throw ScenarioScope.Missing(name: "\(u).id") }
        return i
    }

    func signIn(_ step: Step, user: String, scope: inout ScenarioScope) async throws -> StepOutcome {
        let before = try identity(user, scope)
        let (ex, signedIn) = await context.identities.signIn(before)
        if var fresh = signedIn {
            let (_, withToken) = await context.identities.refreshToken(fresh)
            fresh = withToken
            // A token endpoint that failed this once (a dependency down) must not take away the
            // token the user already holds: later steps would go out unauthenticated and read
            // as the app's fault.
            if fresh.apiToken != nil || before.apiToken == nil {
                scope.users[user] = fresh
                await context.pool.update(fresh)
            }
        }
        return try judgeAuth(step, scope: scope, exchange: ex)
    }

    func token(_ step: Step, user: String, scope: inout ScenarioScope) async throws -> StepOutcome {
        let before = try identity(user, scope)
        let (ex, fresh) = await context.identities.refreshToken(before)
        if fresh.apiToken != nil || before.apiToken == nil {
            scope.users[user] = fresh
            await context.pool.update(fresh)
        }
        guard let ex else {
            if fresh.apiToken == nil { return StepOutcome(.failed([IdentityOracle.noToken(user: user, problems: fresh.tokenProblems)])) }
            return StepOutcome(.passed)
        }
        return try judgeAuth(step, scope: scope, exchange: ex, tokenProblems: fresh.tokenProblems.map { "token of \(user): \($0)" })
    }

    /// Auth steps expect what the target's identity answers when it works (`IdentityAnswer`),
    /// unless the scenario says otherwise.
    func judgeAuth(_ step: Step, scope: ScenarioScope, exchange ex: Exchange, tokenProblems: [String] = []) throws -> StepOutcome {
        var expect = step.expect ?? Expectation()
        let success = IdentityAnswer(identity: context.target.identity, step: step.kind)
        if expect.status == nil { expect.status = success.status }
        if expect.json.isEmpty, let user = step.users.first { expect.json = success.json(user: user) }
        var observation = StepObservation(.exchange(ex, observed: ex.json), expectation: expect)
        observation.tokenProblems = tokenProblems
        return try judge(step, observation, scope: scope)
    }

    func request(_ step: Step, _ r: RequestStep, scope: ScenarioScope) async throws -> StepOutcome {
        var url = try r.url.render(scope.lookup)
        if !url.hasPrefix("http://"), !url.hasPrefix("https://") { url = Target.join(context.target.apiURL, url) }
        var headers = try r.headers.map { HTTPHeader($0.0, try $0.1.render(scope.lookup)) }
        if r.user != nil, ![context.target.apiURL, context.target.authURL].map(Target.origin(of:)).contains(Target.origin(of: url)) {
            // A user's token goes only where the app is: a scenario from elsewhere must not be
            // able to send it to a third party.
            return StepOutcome(.error(kind: .scenarioError, message: "a request step sends \(r.user ?? "")'s credentials only to the API or auth origin, not to \(Target.origin(of: url))"))
        }
        if let u = r.user { headers = try identity(u, scope).credential.adding(to: headers) }
        var body: [UInt8]?
        if let raw = r.rawBody { body = Array(raw.utf8) }
        if let b = r.body { body = HTTPSession.jsonBody(try b.render(scope.lookup)) }
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        var req = HTTPRequest(method: r.method, url: url, headers: headers, body: body)
        req.timeout = context.target.requestTimeout
        let ex = await context.http.send(req)
        return try judge(step, StepObservation(.exchange(ex, observed: ex.json), expectation: step.expect ?? Expectation()), scope: scope)
    }

    /// Hands the observation to the judge and carries its verdict back to the scenario runner.
    func judge(_ step: Step, _ observation: StepObservation, scope: ScenarioScope) throws -> StepOutcome {
        let verdict = try StepJudge.judge(step, observation, markers: context.markers, lookup: scope.lookup)
        var outcome = StepOutcome(verdict.outcome, evidence: verdict.evidence)
        outcome.captures = verdict.captures
        return outcome
    }
}
