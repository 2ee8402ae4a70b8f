import Foundation

/// One part of a selection, `K/N` (1-based): `run --shard K/N` runs only the scenarios dealt to
/// part K. The partition depends on nothing but the selected scenario ids, so every machine of a
/// CI matrix computes the same one, and `conformance merge` can tell which parts are missing.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public static let maxTotal = 1000

    public let index: Int
    public let total: Int

    public init(index: Int, total: Int) throws {
        guard (1...Self.maxTotal).contains(total), (1...total).contains(index) else {
            throw ShardError("--shard takes K/N with 1 ≤ K ≤ N ≤ \(Self.maxTotal), got \(index)/\(total)")
        }
        self.index = index
        self.total = total
    }

    /// "3/8". Strictly digits: "+3/8", " 3/8" or "3/8.0" are mistakes, not shards.
    public init(parsing text: String, source: String = "--shard") throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Self.number(parts[0]), let n = Self.number(parts[1]) else {
            throw ShardError("\(source) takes K/N (e.g. 2/4) or auto, got '\(text)'")
        }
        guard (1...Self.maxTotal).contains(n), (1...n).contains(k) else {
            throw ShardError("\(source) takes K/N with 1 ≤ K ≤ N ≤ \(Self.maxTotal), got '\(text)'")
        }
        try self.init(index: k, total: n)
    }

    /// `--shard auto`: the shard a CI system gives this job, looked up in this order —
    /// `CONFORMANCE_SHARD` ("K/N"), GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL` (1-based), a
    /// Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` (0-based) with `CONFORMANCE_SHARD_TOTAL`.
    /// None set is a mistake: a job that silently ran everything would run it N times over.
    public static func automatic(environment env: [String: String]) throws -> Shard {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let given = value("CONFORMANCE_SHARD") { return try Shard(parsing: given, source: "CONFORMANCE_SHARD (for --shard auto)") }
        if let index = value("CI_NODE_INDEX") {
            guard let total = value("CI_NODE_TOTAL") else {
                throw ShardError("--shard auto: CI_NODE_INDEX is set but CI_NODE_TOTAL is not")
            }
            return try Shard(parsing: "\(index)/\(total)", source: "CI_NODE_INDEX/CI_NODE_TOTAL (for --shard auto)")
        }
        if let index = value("JOB_COMPLETION_INDEX") {
            guard let total = value("CONFORMANCE_SHARD_TOTAL") else {
                throw ShardError("--shard auto: JOB_COMPLETION_INDEX is set but CONFORMANCE_SHARD_TOTAL (the Job's completions) is not")
            }
            // Kubernetes counts from 0; shards count from 1.
            guard let k = number(Substring(index)), k < Int.max else {
                throw ShardError("--shard auto: JOB_COMPLETION_INDEX must be a number, got '\(index)'")
            }
            return try Shard(parsing: "\(k + 1)/\(total)", source: "JOB_COMPLETION_INDEX (0-based)/CONFORMANCE_SHARD_TOTAL (for --shard auto)")
        }
        throw ShardError("--shard auto found no shard in the environment: set CONFORMANCE_SHARD=K/N, or CI_NODE_INDEX and CI_NODE_TOTAL (GitLab), or JOB_COMPLETION_INDEX and CONFORMANCE_SHARD_TOTAL (Kubernetes Indexed Job)")
    }

    /// The `--shard` option's value: "auto" or K/N.
    public static func resolve(_ option: String, environment: [String: String]) throws -> Shard {
        option.lowercased() == "auto" ? try automatic(environment: environment) : try Shard(parsing: option)
    }

    public var description: String { "\(index)/\(total)" }

    // MARK: the partition

    /// The shard (1-based) of every id: the ids sorted by their UTF-8 bytes (no locale, no
    /// Unicode collation that could differ between machines) and dealt round-robin, so the parts
    /// differ in size by at most one. The price: adding a scenario may move others to another
    /// part — harmless, since every shard of one selection is computed from the same ids.
    public static func assignment(of ids: [String], total: Int) -> [String: Int] {
        let sorted = Set(ids).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var out: [String: Int] = [:]
        for (position, id) in sorted.enumerated() { out[id] = position % max(1, total) + 1 }
        return out
    }

    /// This shard's scenarios, in the selection's order.
    public func select(_ scenarios: [Scenario]) -> [Scenario] {
        let parts = Self.assignment(of: scenarios.map(\.id), total: total)
        return scenarios.filter { parts[$0.id] == index }
    }

    static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 9, s.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(s)
    }
}

public struct ShardError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What a shard's results.json says about the run it was part of, so that `merge` can check
/// that the parts it is given belong together and rebuild the whole.
public struct ShardRecord: Sendable, Equatable {
    public var shard: Shard
    /// Every scenario id of the whole selection (all shards), in the order a run would report them.
    public var selection: [String]
    /// A fingerprint of the pack: the selected scenario files' bytes and the criteria texts.
    public var pack: String

    public init(shard: Shard, selection: [String], pack: String) {
        self.shard = shard
        self.selection = selection
        self.pack = pack
    }

    /// Scenario files can differ between two checkouts that select the same ids; their bytes
    /// (FNV-1a, 64 bits: stable everywhere, unlike Swift's seeded `hashValue`) tell them apart.
    public static func packFingerprint(_ scenarios: [Scenario], criteria: [String: CriterionInfo]) -> String {
        var hash = FNV1a()
        for s in scenarios.sorted(by: { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }) {
            hash.add(s.id)
            hash.add(s.criterion)
            hash.add(FileManager.default.contents(atPath: s.file).map { [UInt8]($0) } ?? Array(s.title.utf8))
        }
        for id in criteria.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            hash.add(id)
            hash.add(criteria[id]?.demands ?? "")
            hash.add(criteria[id]?.checkedBy ?? "")
        }
        return hash.hex
    }
}

/// FNV-1a, 64 bits, over length-prefixed fields (so "ab"+"c" and "a"+"bc" differ).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var count: UInt64 = 0
        for b in bytes { mix(b); count += 1 }
        for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: count >> UInt64(shift))) }
    }

    mutating func add(_ text: String) { add(text.utf8) }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    var hex: String { "fnv1a64:" + String(value, radix: 16).leftPadded(to: 16) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
