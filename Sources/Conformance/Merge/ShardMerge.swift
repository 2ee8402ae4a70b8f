import Foundation

/// `conformance merge`: the shards of one selection put back together into the run they split.
/// Every check refuses rather than guesses: a merged report that silently mixed two packs, or
/// lacked a part, would state verdicts no run observed.
public enum ShardMerge {
    public struct Part: Sendable {
        public var folder: String
        public var run: RunResult
        public var record: ShardRecord
    }

    /// Reads `folder/results.json` (or the file itself when a file is given) of each shard.
    public static func load(_ paths: [String]) throws -> [Part] {
        try paths.map { path in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            guard exists else { throw MergeError("\(path): no such folder") }
            let file = isDirectory.boolValue ? (path as NSString).appendingPathComponent("results.json") : path
            let run = try ResultsReader.read(file: file)
            guard let record = run.shard else {
                throw MergeError("\(file) is not a shard's results: its run had no --shard (or was written by a conformance without shards)")
            }
            return Part(folder: isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent, run: run, record: record)
        }
    }

    /// The shards that are not among `parts` (1-based), and the scenarios they hold.
    public static func missing(_ parts: [Part]) -> [(index: Int, scenarios: [String])] {
        guard let first = parts.first else { return [] }
        let present = Set(parts.map(\.record.shard.index))
        let assignment = Shard.assignment(of: first.record.selection, total: first.record.shard.total)
        return (1...first.record.shard.total).filter { !present.contains($0) }.map { k in
            (k, first.record.selection.filter { assignment[$0] == k })
        }
    }

    /// Checks that the parts are shards of one selection of one pack, each given once, each
    /// holding only its own scenarios; and, unless `allowMissing`, that none is missing.
    public static func check(_ parts: [Part], allowMissing: Bool) throws {
        guard let first = parts.first else { throw MergeError("no shard results given") }
        for p in parts.dropFirst() {
            if p.record.shard.total != first.record.shard.total {
                throw MergeError("\(p.folder) is shard \(p.record.shard) but \(first.folder) is shard \(first.record.shard): shards of one run share N")
            }
            if p.record.selection != first.record.selection {
                let a = Set(first.record.selection), b = Set(p.record.selection)
                let only = a.symmetricDifference(b).sorted()
                throw MergeError("\(p.folder) and \(first.folder) are shards of different selections (--criterion, --tag, --filter or paths differ)"
                                 + (only.isEmpty ? ": the same scenarios in another order" : "; in only one of them: \(only.prefix(20).joined(separator: ", "))"))
            }
            if p.record.pack != first.record.pack {
                throw MergeError("\(p.folder) and \(first.folder) ran different packs: the same scenario ids, but the scenario files or pack.json differ (\(p.record.pack) vs \(first.record.pack))")
            }
        }
        var seen: [Int: String] = [:]
        for p in parts {
            if let other = seen[p.record.shard.index] {
                throw MergeError("shard \(p.record.shard) is given twice: \(other) and \(p.folder)")
            }
            seen[p.record.shard.index] = p.folder
        }
        let assignment = Shard.assignment(of: first.record.selection, total: first.record.shard.total)
        for p in parts {
            let strays = p.run.suites.map(\.scenarioID).filter { assignment[$0] != p.record.shard.index }
            if !strays.isEmpty {
                throw MergeError("\(p.folder) claims to be shard \(p.record.shard) but holds scenarios of other shards: \(strays.prefix(20).joined(separator: ", "))")
            }
        }
        let gone = missing(parts)
        if !gone.isEmpty && !allowMissing {
            throw MergeError("missing shard(s) \(gone.map { String($0.index) }.joined(separator: ", ")) of \(first.record.shard.total): "
                             + "\(describe(gone, total: first.record.shard.total)); merge every shard, or pass --allow-missing to merge what is here")
        }
    }

    /// The whole run: every shard's suites in the selection's order, verdicts judged afresh from
    /// the cases (never taken from a shard), notes and waits of every shard, each note saying
    /// which shard it came from.
    public static func merge(_ given: [Part], allowMissing: Bool = false) throws -> RunResult {
        try check(given, allowMissing: allowMissing)
        let parts = given.sorted { $0.record.shard.index < $1.record.shard.index }
        guard let first = parts.first else { throw MergeError("no shard results given") }
        let total = first.record.shard.total
        let order = Dictionary(first.record.selection.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let suites = parts.flatMap(\.run.suites).enumerated().sorted { a, b in
            let ia = order[a.element.scenarioID] ?? Int.max, ib = order[b.element.scenarioID] ?? Int.max
            return ia != ib ? ia < ib : a.offset < b.offset
        }.map(\.element)
        let started = parts.map(\.run.startedAt).min() ?? first.run.startedAt
        // Shards usually run side by side: the merged run lasted from the first start to the last end.
        let ended = parts.map { $0.run.startedAt.addingTimeInterval($0.run.seconds) }.max() ?? started

        var notes = ["merged from \(parts.count) of \(total) shard(s): " + parts.map { "\($0.record.shard) run \($0.run.runID)" }.joined(separator: ", ")]
        let gone = missing(parts)
        if !gone.isEmpty { notes.append("incomplete: \(describe(gone, total: total)) — their criteria are judged on the other shards' cases only") }
        for p in parts where p.run.target.map({ "\($0.0)=\($0.1)" }) != first.run.target.map({ "\($0.0)=\($0.1)" }) {
            notes.append("shard \(p.record.shard) ran against another target than shard \(first.record.shard): " + p.run.target.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        }
        for p in parts { notes += p.run.notes.map { "shard \(p.record.shard): \($0)" } }

        var run = RunResult(runID: parts.map(\.run.runID).joined(separator: "+"), startedAt: started,
                            seconds: max(0, ended.timeIntervalSince(started)), target: first.run.target, suites: suites, notes: notes)
        for p in parts { run.criteria.merge(p.run.criteria) { mine, _ in mine } }
        run.rateLimitWaits = parts.flatMap(\.run.rateLimitWaits)
        run.signUps = SignUpTime(users: parts.reduce(0) { $0 + $1.run.signUps.users },
                                 seconds: parts.reduce(0) { $0 + $1.run.signUps.seconds })
        let problems = parts.compactMap { p in p.run.cleanupProblem.map { "shard \(p.record.shard): \($0)" } }
        run.cleanupProblem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        run.mergedFrom = parts.map {
            ShardRun(index: $0.record.shard.index, runID: $0.run.runID, startedAt: $0.run.startedAt, seconds: $0.run.seconds,
                     exitStatus: $0.run.exitStatus, folder: $0.folder)
        }
        return run
    }

    /// "shard 2/4 (sc-004-isolation, …), shard 3/4 (no scenarios)".
    static func describe(_ gone: [(index: Int, scenarios: [String])], total: Int) -> String {
        gone.map { "shard \($0.index)/\(total) (\($0.scenarios.isEmpty ? "no scenarios" : $0.scenarios.prefix(10).joined(separator: ", ")))" }
            .joined(separator: ", ")
    }
}
