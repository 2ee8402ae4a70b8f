import Foundation

/// Judges what a step observed against the scenario's `expect`. Each unmet condition is one
/// sentence; together they become a `SpecMismatch` finding.
public enum ExpectationOracle {
    public struct Observation {
        public var status: Int?
        public var headers: [(String, String)] = []
        public var json: JSONValue?
        public var bodyText: String?
        public var seconds: Double?
        public var rowCount: Int?
        public var exists: Bool?

        public init(status: Int? = nil, json: JSONValue? = nil) {
            self.status = status
            self.json = json
        }
    }

    public static func problems(_ e: Expectation, _ o: Observation, lookup: (String) throws -> JSONValue) rethrows -> [String] {
        var out: [String] = []
        if let s = e.status, let got = o.status, !s.accepts(got) { out.append("status \(got), expected \(s)") }
        if let max = e.maxMs, let secs = o.seconds, secs * 1000 > max {
            out.append(String(format: "took %.0f ms, budget %.0f ms", secs * 1000, max))
        }
        if let n = e.rowCount, let got = o.rowCount, n != got { out.append("\(got) rows, expected \(n)") }
        if let x = e.exists, let got = o.exists, x != got { out.append(got ? "the row exists, expected none" : "no such row, expected one") }
        for (name, preds) in e.headers {
            let value = o.headers.first { $0.0.lowercased() == name }.map { JSONValue.string($0.1) }
            out += try preds.compactMap { try check($0, value, label: "header \(name)", lookup: lookup) }
        }
        for (path, preds) in e.json {
            let selected = o.json.map { path.select(in: $0) } ?? []
            let value: JSONValue? = path.hasWildcard ? .array(selected) : selected.first
            out += try preds.compactMap { try check($0, value, label: path.description, lookup: lookup) }
        }
        if !e.body.isEmpty {
            let value = o.bodyText.map(JSONValue.string)
            out += try e.body.compactMap { try check($0, value, label: "body", lookup: lookup) }
        }
        return out
    }

    /// nil when the predicate holds, else why not.
    static func check(_ p: Predicate, _ value: JSONValue?, label: String, lookup: (String) throws -> JSONValue) rethrows -> String? {
        func show(_ v: JSONValue?) -> String { v.map { String(JSONWriter.compact($0).prefix(200)) } ?? "nothing" }
        switch p {
        case .exists(let want):
            if (value != nil) != want { return want ? "\(label) is missing" : "\(label) is present (\(show(value))), expected absent" }
        case .equals(let t):
            let want = try t.render(lookup)
            if !loosEqual(value, want) { return "\(label) is \(show(value)), expected \(show(want))" }
        case .notEquals(let t):
            let want = try t.render(lookup)
            if loosEqual(value, want) { return "\(label) is \(show(value)), expected anything else" }
        case .type(let name):
            let got = value?.typeName ?? "missing"
            let ok = got == name || (name == "number" && got == "integer")
            if !ok { return "\(label) is \(got), expected \(name)" }
        case .matches(let pattern):
            guard let s = value?.stringValue else { return "\(label) is \(show(value)), expected a string matching /\(pattern)/" }
            if let r = try? Regex(pattern), s.firstMatch(of: r) == nil { return "\(label) is \(show(value)), expected to match /\(pattern)/" }
        case .length(let n):
            let count: Int? = value?.arrayValue?.count ?? value?.stringValue?.count ?? value?.objectValue?.count
            if count != n { return "\(label) has length \(count.map(String.init) ?? "none"), expected \(n)" }
        case .contains(let t):
            let want = try t.render(lookup)
            if !contains(value, want) { return "\(label) (\(show(value))) does not contain \(show(want))" }
        case .notContains(let t):
            let want = try t.render(lookup)
            if contains(value, want) { return "\(label) contains \(show(want)), expected it not to" }
        case .oneOf(let ts):
            let options = try ts.map { try $0.render(lookup) }
            if !options.contains(where: { loosEqual(value, $0) }) { return "\(label) is \(show(value)), expected one of \(show(.array(options)))" }
        case .atMost(let n):
            guard let v = value?.numberValue, v <= n else { return "\(label) is \(show(value)), expected at most \(JSONWriter.format(n))" }
        case .atLeast(let n):
            guard let v = value?.numberValue, v >= n else { return "\(label) is \(show(value)), expected at least \(JSONWriter.format(n))" }
        }
        return nil
    }

    /// Equality that tolerates what databases and APIs legitimately differ on: an id captured as a
    /// number equals the same id read back as text from a query.
    static func loosEqual(_ a: JSONValue?, _ b: JSONValue) -> Bool {
        guard let a else { return false }
        if a == b { return true }
        switch (a, b) {
        case (.number(let n), .string(let s)), (.string(let s), .number(let n)): return Double(s) == n
        case (.object(let x), .object(let y)):
            // An expected object matches when each of its fields matches (extra fields are fine).
            return y.pairs.allSatisfy { pair in loosEqual(x[pair.key], pair.value) }
        default: return false
        }
    }

    static func contains(_ haystack: JSONValue?, _ needle: JSONValue) -> Bool {
        switch haystack {
        case .array(let items)?: return items.contains { loosEqual($0, needle) }
        case .string(let s)?: return needle.stringValue.map { s.contains($0) } ?? false
        case .object(let o)?:
            if case .object = needle { return loosEqual(haystack, needle) }
            return needle.stringValue.map { o[$0] != nil } ?? false
        default: return false
        }
    }
}
