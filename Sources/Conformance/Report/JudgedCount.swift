/// How many of a group of cases could prove something: the passed and the failed ones. An error,
/// a skip or a "not judged" proves nothing either way, so "12 of 14 judged" tells a reader how
/// much of a green verdict rests on observation.
public struct JudgedCount: Sendable, Equatable {
    public var judged: Int
    public var cases: Int

    public init(_ cases: [CaseResult]) {
        self.cases = cases.count
        judged = cases.filter { $0.outcome.kind == .passed || $0.outcome.kind == .failed }.count
    }

    /// "12 of 14 probes judged".
    public var sentence: String { "\(judged) of \(cases) probe\(cases == 1 ? "" : "s") judged" }
    /// "12 of 14", for table cells and JUnit properties.
    public var fraction: String { "\(judged) of \(cases)" }
}

/// One check step of a scenario and how many of its probes were judged.
public struct CheckTally: Sendable, Equatable {
    /// The check's name as scenarios write it (`isolation`).
    public var check: String
    /// The step's JSON pointer in the scenario file (`/steps/0`).
    public var step: String
    public var count: JudgedCount

    /// "isolation (/steps/0)".
    public var label: String { step.isEmpty ? check : "\(check) (\(step))" }
}

extension SuiteResult {
    /// Every check step of the suite, in the order they ran.
    public var checkTallies: [CheckTally] {
        var order: [String] = []
        var groups: [String: [CaseResult]] = [:]
        for c in cases where !c.check.isEmpty {
            let key = c.check + "\u{0}" + c.source.pointer.description
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(c)
        }
        return order.compactMap { key in
            guard let group = groups[key], let first = group.first else { return nil }
            return CheckTally(check: first.check, step: first.source.pointer.description, count: JudgedCount(group))
        }
    }

    public var judged: JudgedCount { JudgedCount(cases) }
}
