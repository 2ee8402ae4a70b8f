/// Judges one scenario step from what it observed — the expectation oracle, the taint markers
/// and the captures — in one place. Pure: the same observation always gives the same verdict.
public enum StepJudge {
    public struct Verdict: Sendable {
        public var outcome: Outcome
        public var evidence: [Evidence]
        /// Values captured for later steps; empty unless the step passed.
        public var captures: [String: JSONValue] = [:]
    }

    public static func judge(_ step: Step, _ observation: StepObservation, markers: Markers,
                             lookup: (String) throws -> JSONValue) rethrows -> Verdict {
        var facts = ExpectationOracle.Observation()
        let evidence: [Evidence]
        let observed: JSONValue?
        var scanned: (text: String, sent: String)?
        switch observation.subject {
        case .exchange(let ex, let document):
            evidence = [Evidence(step.name, ex)]
            if let e = ex.transportError {
                return Verdict(outcome: .error(kind: e.isCancellation ? .interrupted : .connectionError, message: e.description), evidence: evidence)
            }
            facts.status = ex.status
            facts.json = document
            facts.headers = ex.response?.headers.map { ($0.name, $0.value) } ?? []
            facts.bodyText = ex.bodyText
            facts.seconds = ex.seconds
            observed = document
            scanned = (ex.bodyText, ex.requestText)
        case .rows(let rows, let title, let rowCount, let exists):
            evidence = [Evidence(.rows, title, String(JSONWriter.pretty(rows).prefix(4000)))]
            facts.json = rows
            facts.rowCount = rowCount
            facts.exists = exists
            observed = rows
        }

        var findings: [Finding] = []
        let problems = try ExpectationOracle.problems(observation.expectation, facts, lookup: lookup)
        if !problems.isEmpty {
            findings.append(Finding(oracle: observation.mismatch, message: problems.joined(separator: "; "), evidence: evidence))
        }
        if !observation.tokenProblems.isEmpty {
            findings.append(Finding(oracle: .tokenInvalid, message: observation.tokenProblems.joined(separator: "; "), evidence: evidence))
        }
        // Whatever the status, another user's marker in the answer is a leak — unless the request
        // carried it itself (an API that echoes the body it rejected leaks nothing).
        if let (text, sent) = scanned, observation.viewer != .notScanned {
            let viewer: String?
            let who: String
            switch observation.viewer {
            case .user(let id, let name): viewer = id; who = name
            default: viewer = nil; who = "an anonymous caller"
            }
            let leaks = markers.foreign(in: text, viewer: viewer).filter { !sent.contains($0.marker) }
            if !leaks.isEmpty {
                findings.append(Finding(oracle: .crossUserRead,
                                        message: "the answer to \(who) holds \(leaks.count) marker(s) of other users (\(Set(leaks.map(\.owner)).count) user(s))",
                                        evidence: evidence))
            }
        }
        if !findings.isEmpty { return Verdict(outcome: .failed(findings), evidence: evidence) }

        // A capture that finds nothing fails its step: later steps would be skipped and the
        // criterion would still read "passed" with half of it never tested.
        var captures: [String: JSONValue] = [:]
        var missing: [String] = []
        for c in step.capture {
            if let observed, let v = c.path.first(in: observed) { captures[c.variable] = v } else { missing.append("\(c.variable) = \(c.path)") }
        }
        if !missing.isEmpty {
            return Verdict(outcome: .failed([Finding(oracle: .captureMissing, message: "nothing to capture at \(missing.joined(separator: ", ")) in the answer",
                                                     evidence: evidence)]), evidence: evidence)
        }
        return Verdict(outcome: .passed, evidence: evidence, captures: captures)
    }
}
