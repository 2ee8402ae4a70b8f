import ConformanceHTTP
import Foundation

/// Executes one step and judges it with `ExpectationOracle` (built-in checks judge themselves).
struct StepRunner: Sendable {
    let context: RunContext

    func run(_ step: Step, scope: inout ScenarioScope) async throws -> StepOutcome {
        switch step.kind {
        case .signUp(let u): return try judgeAuth(step, scope: scope, exchange: identity(u, scope).signUp, problems: [])
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
        let (ex, signedIn) = await context.identities.signIn(try identity(user, scope))
        if var fresh = signedIn {
            let (_, withToken) = await context.identities.refreshToken(fresh)
            fresh = withToken
            scope.users[user] = fresh
            await context.pool.update(fresh)
        }
        return try judgeAuth(step, scope: scope, exchange: ex, problems: [])
    }

    func token(_ step: Step, user: String, scope: inout ScenarioScope) async throws -> StepOutcome {
        let (ex, fresh) = await context.identities.refreshToken(try identity(user, scope))
        scope.users[user] = fresh
        await context.pool.update(fresh)
        guard let ex else {
            if fresh.apiToken == nil { return StepOutcome(.failed([Finding(oracle: .tokenMissing, message: "no API token for \(user)")])) }
            return StepOutcome(.passed)
        }
        let problems = fresh.tokenProblems.map { "token of \(user): \($0)" }
        return try judgeAuth(step, scope: scope, exchange: ex, problems: problems, oracle: problems.isEmpty ? .specMismatch : .tokenInvalid)
    }

    /// Auth steps default to expecting 200.
    func judgeAuth(_ step: Step, scope: ScenarioScope, exchange ex: Exchange, problems extra: [String],
                   oracle: Oracle = .specMismatch) throws -> StepOutcome {
        var expect = step.expect ?? Expectation()
        if expect.status == nil { expect.status = StatusMatcher(exact: [200]) }
        return try judge(step, expect: expect, exchange: ex, observed: ex.json, scope: scope, extra: extra, oracle: oracle)
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
        if let u = r.user, let auth = try identity(u, scope).authorization,
           !headers.contains(where: { $0.name.lowercased() == "authorization" }) {
            headers.append(HTTPHeader("Authorization", auth))
        }
        var body: [UInt8]?
        if let raw = r.rawBody { body = Array(raw.utf8) }
        if let b = r.body { body = HTTPSession.jsonBody(try b.render(scope.lookup)) }
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        var req = HTTPRequest(method: r.method, url: url, headers: headers, body: body)
        req.timeout = context.target.requestTimeout
        let ex = await context.http.send(req)
        return try judge(step, expect: step.expect ?? Expectation(), exchange: ex, observed: ex.json, scope: scope, extra: [])
    }

    /// Common judging of an HTTP step: transport errors are infrastructure errors; otherwise the
    /// expectation oracle decides, and the exchange is the evidence.
    func judge(_ step: Step, expect: Expectation, exchange ex: Exchange, observed: JSONValue?, scope: ScenarioScope,
               extra: [String], oracle: Oracle = .specMismatch) throws -> StepOutcome {
        let evidence = [Evidence(.exchange, step.name, ex.transcript(context.redactor))]
        if let e = ex.transportError {
            return StepOutcome(.error(kind: .connectionError, message: context.redactor.redact(e.description)), evidence: evidence)
        }
        var obs = ExpectationOracle.Observation(status: ex.status, json: observed)
        obs.headers = ex.response?.headers.map { ($0.name, $0.value) } ?? []
        obs.bodyText = ex.bodyText
        obs.seconds = ex.seconds
        let problems = try ExpectationOracle.problems(expect, obs, lookup: scope.lookup) + extra
        if problems.isEmpty { return StepOutcome(.passed, evidence: evidence, observed: observed) }
        let message = context.redactor.redact(problems.joined(separator: "; "))
        return StepOutcome(.failed([Finding(oracle: oracle, message: message, evidence: evidence)]), evidence: evidence, observed: observed)
    }
}
