extension CheckKit {
    /// The case an evidence verdict makes, built exactly as `passed`, `failed` and `skipped` build
    /// theirs: a pass keeps the evidence on the case, a failure inside its finding, a skip none.
    /// The verdict's note, when it has one, comes after the exchanges.
    func result(_ name: String, _ seconds: Double, _ verdict: EvidenceVerdict, _ evidence: [Evidence] = []) -> CaseResult {
        func with(_ note: EvidenceVerdict.Note?) -> [Evidence] {
            evidence + (note.map { [Evidence(.note, $0.title, $0.text)] } ?? [])
        }
        switch verdict {
        case .passed(let note): return passed(name, seconds, with(note))
        case .failed(let oracle, let message, let note): return failed(name, seconds, oracle, message, with(note))
        case .skipped(let reason): return skipped(name, reason)
        case .notJudged(let reason): return notJudged(name, reason, evidence)
        }
    }
}
