/// Why an answer counts as an error under load. All of them are the app failing its own user's
/// legitimate request, so each fails "no errors under load". The raw value is the wording of
/// every message, the declaration order the order the findings are listed in.
public enum LoadProblem: String, Sendable, CaseIterable {
    case noAnswer = "no answer"
    case serverError = "5xx"
    case unexpectedStatus = "other non-2xx"
    case noID = "2xx create without an id"

    public var oracle: Oracle {
        switch self {
        case .noAnswer: return .noAnswer
        case .serverError: return .serverError
        case .unexpectedStatus: return .unexpectedStatus
        case .noID: return .specMismatch
        }
    }
}

/// The rules of SC-008 besides latency, pure: which answers are errors, what the run's users may
/// see under load, and what the audit after it may blame. Workers and the phase observe; these judge.
public enum LoadOracle {
    public struct Breach: Sendable, Equatable {
        public var oracle: Oracle
        public var message: String
    }

    /// The problem an answer's status shows; nil for a 2xx (whose body may still lack an id,
    /// which only the caller can see). No status at all is no answer.
    public static func problem(status: Int?) -> LoadProblem? {
        guard let status else { return .noAnswer }
        if status >= 500 { return .serverError }
        if !(200..<300).contains(status) { return .unexpectedStatus }
        return nil
    }

    /// A user whose creates before the clock failed: the app refused its own user's setup.
    public static func setup(failed: Int, user: String) -> Breach? {
        guard failed > 0 else { return nil }
        return Breach(oracle: .setupFailed, message: "\(failed) create(s) as \(user) failed; its workers have fewer objects to act on")
    }

    /// One answer under load that held `markers` taint markers of other users (named in `owners`):
    /// a cross-user read whatever its status.
    public static func leak(viewer: String, label: String, status: Int, markers: Int, owners: [String]) -> Breach? {
        guard markers > 0 else { return nil }
        return Breach(oracle: .crossUserRead,
                      message: "under load, \(viewer)'s \(label) answer (status \(status)) held \(markers) marker(s) of \(owners.joined(separator: ", "))")
    }

    /// The leaks case: the findings kept with their evidence (`kept`), plus one that counts the
    /// rest when more answers leaked (`total`). Empty when nothing leaked.
    public static func leaks(kept: [Finding], total: Int) -> [Finding] {
        guard total > 0 else { return [] }
        var findings = kept
        if total > kept.count {
            findings.append(Finding(oracle: .crossUserRead, message: "\(total - kept.count) more answer(s) under load held other users' markers"))
        }
        return findings
    }

    public struct ProblemBreach: Sendable, Equatable {
        public var problem: LoadProblem
        public var oracle: Oracle
        public var message: String
    }

    /// The errors case: one breach per kind of problem seen, in `LoadProblem`'s order. `counts`
    /// holds each problem's total and its count per operation label ("tasks.list"); `total` is
    /// every request sent. Empty when every answer was a usable 2xx.
    public static func problems(_ counts: [LoadProblem: (count: Int, byOperation: [String: Int])], total: Int) -> [ProblemBreach] {
        LoadProblem.allCases.compactMap { problem in
            guard let t = counts[problem], t.count > 0 else { return nil }
            let per = t.byOperation.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            return ProblemBreach(problem: problem, oracle: problem.oracle,
                                 message: "\(t.count) of \(total) request(s) under load: \(problem.rawValue) (\(per.joined(separator: ", ")))")
        }
    }

    public enum AuditVerdict: Sendable {
        /// Every audited object matches; the notes say what could not be judged.
        case clean(notes: [String])
        case breach([Finding])
    }

    /// The audit after load. `raw` is what the expected-state oracle found; differences on an
    /// `uncertain` object (its last write got no answer) are not counted, since the database may
    /// hold either state. At most `limit` findings are kept, each naming users by `names` (id to
    /// logical name, in the users' order), then one that counts the rest.
    public static func audit(_ raw: [Finding], uncertain: Set<String>, untrackedCreates: Int,
                             names: [(id: String, name: String)], limit: Int) -> AuditVerdict {
        let findings = raw.filter { f in !uncertain.contains { id in f.evidence.contains { $0.title.hasSuffix(" = \(id)") } } }
        var notes: [String] = []
        if raw.count > findings.count { notes.append("\(raw.count - findings.count) difference(s) on objects whose last write got no answer were not counted") }
        if untrackedCreates > 0 { notes.append("\(untrackedCreates) create(s) got no usable answer, so stray rows were not looked for") }
        guard let first = findings.first else { return .clean(notes: notes) }
        // A race breaks objects by the hundred; the first few prove it, the count sizes it.
        var out = findings.prefix(max(1, limit)).map { f in
            var named = f
            for u in names { named.message = named.message.replacingOccurrences(of: u.id, with: "\(u.name) (\(u.id))") }
            return named
        }
        if findings.count > out.count {
            let kinds = Dictionary(grouping: findings.dropFirst(out.count), by: \.oracle).map { "\($0.value.count) \($0.key)" }.sorted()
            out.append(Finding(oracle: first.oracle, message: "\(findings.count - out.count) more object(s) differ from their owners' own operations (\(kinds.joined(separator: ", ")))"))
        }
        if !notes.isEmpty { out[0].evidence.append(Evidence(.note, "what the audit could not judge", notes.joined(separator: "; "))) }
        return .breach(out)
    }
}
