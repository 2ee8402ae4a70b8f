import Foundation

/// Small pieces every built-in check uses: timing a probe into a test case, creating a tainted
/// object for a user, and turning an exchange into evidence.
struct CheckKit: Sendable {
    let context: RunContext

    func evidence(_ title: String, _ ex: Exchange) -> Evidence { Evidence(title, ex) }

    func passed(_ name: String, _ seconds: Double, _ evidence: [Evidence] = []) -> CaseResult {
        CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .passed, evidence: evidence)
    }

    func failed(_ name: String, _ seconds: Double, _ oracle: Oracle, _ message: String, _ evidence: [Evidence]) -> CaseResult {
        CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                   outcome: .failed([Finding(oracle: oracle, message: message, evidence: evidence)]))
    }

    /// The probe ran, but its observation cannot show whether the rule held.
    func notJudged(_ name: String, _ reason: String, _ evidence: [Evidence] = []) -> CaseResult {
        CaseResult(name: name, seconds: 0, outcome: .notJudged(reason), evidence: evidence)
    }

    func skipped(_ name: String, _ reason: String) -> CaseResult {
        CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .skipped(reason))
    }

    /// A database check without a database: skipped when no URL was given (the user chose not
    /// to let the harness look), an error when one was given but could not be reached — a run
    /// must never pass because the oracle that would have failed it was blind.
    func noDatabase(_ name: String) -> CaseResult {
        let reason = context.databaseProblem ?? "no database"
        guard context.target.databaseURL != nil else { return skipped(name, reason) }
        return CaseResult(name: name, criterion: "", file: "", seconds: 0, outcome: .error(kind: .databaseUnreachable, message: reason))
    }

    func errored(_ name: String, _ ex: Exchange) -> CaseResult? {
        guard let e = ex.transportError else { return nil }
        // A request cut short by Ctrl-C proves nothing about the app.
        return CaseResult(name: name, criterion: "", file: "", seconds: ex.seconds,
                          outcome: .error(kind: e.isCancellation ? .interrupted : .connectionError, message: e.description),
                          evidence: [evidence(name, ex)])
    }

    func credentials(_ i: Identity?) -> Credential { i?.credential ?? .none }

    /// A body for a create or update whose text fields all carry the owner's taint marker.
    func taintedBody(_ resource: Resource, owner: Identity) -> JSONValue {
        var body = JSONObject()
        for field in resource.textFields { body[field] = .string(context.markers.make(owner: owner.id, label: owner.logicalName)) }
        for field in resource.requiredFields where body[field] == nil {
            body[field] = .string(context.markers.make(owner: owner.id, label: owner.logicalName))
        }
        return .object(body)
    }

    struct Created: Sendable {
        var id: String?
        var exchange: Exchange
    }

    /// Creates an object as its owner and records it in the expected-state model.
    func create(_ resource: Resource, as owner: Identity) async -> Created? {
        let body = taintedBody(resource, owner: owner)
        let call = ResourceClient.Call(resource: resource, operation: .create, credentials: credentials(owner), pathUserID: owner.id, body: body)
        guard let ex = await context.resources.send(call) else { return nil }
        let observed = context.resources.object(in: ex.json, resource)
        guard let status = ex.status, (200..<300).contains(status), let idValue = observed?["id"] else {
            return Created(id: nil, exchange: ex)
        }
        let id = context.ledger.record(.create, resource: resource, id: nil, sent: body, observed: observed, owner: owner.id)
            ?? ResourceClient.idText(idValue)
        return Created(id: id, exchange: ex)
    }

    static func time<T>(_ body: () async -> T) async -> (T, Double) {
        let t0 = Date()
        let v = await body()
        return (v, Date().timeIntervalSince(t0))
    }
}
