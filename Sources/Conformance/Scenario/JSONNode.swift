/// A value inside a user's file together with where it sits, so that every accessor can fail with
/// a message that names the file and the JSON pointer. Loaders of scenarios and targets read
/// through it and never touch raw `JSONValue`s of user input.
public struct JSONNode: Sendable {
    public let value: JSONValue
    public let pointer: JSONPointer
    public let file: String

    public init(value: JSONValue, pointer: JSONPointer = JSONPointer(), file: String) {
        self.value = value
        self.pointer = pointer
        self.file = file
    }

    public func error(_ message: String) -> LoadError { LoadError(file: file, pointer: pointer, message: message) }

    private func child(_ key: String, _ v: JSONValue) -> JSONNode { JSONNode(value: v, pointer: pointer / key, file: file) }

    // MARK: shape

    public func object(allowing keys: Set<String>, context: String) throws -> JSONObject {
        guard case .object(let o) = value else { throw error("expected \(context) (an object), found \(value.typeName)") }
        for key in o.keys where !keys.contains(key) {
            let hint = Self.closest(key, in: keys).map { "; did you mean \"\($0)\"?" } ?? ""
            throw LoadError(file: file, pointer: pointer / key,
                            message: "unknown key \"\(key)\" in \(context)\(hint) (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
        return o
    }

    public func has(_ key: String) -> Bool { value[key] != nil }

    public func optional(_ key: String) -> JSONNode? {
        guard let v = value[key] else { return nil }
        return child(key, v)
    }

    public func required(_ key: String, _ what: String) throws -> JSONNode {
        guard let v = value[key] else { throw error("missing \"\(key)\": expected \(what)") }
        return child(key, v)
    }

    public func string() throws -> String {
        guard case .string(let s) = value else { throw error("expected a string, found \(value.typeName)") }
        return s
    }

    public func nonEmptyString() throws -> String {
        let s = try string()
        guard !s.isEmpty else { throw error("expected a non-empty string") }
        return s
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw error("expected true or false, found \(value.typeName)") }
        return b
    }

    public func int(min: Int? = nil, max: Int? = nil) throws -> Int {
        guard let n = value.intValue else {
            if case .number(let d) = value, d.rounded() == d {
                throw error("expected an integer\(Self.range(min, max)), found \(JSONWriter.format(d)), which is too large")
            }
            throw error("expected an integer, found \(value.typeName)")
        }
        if let min, n < min { throw error("expected an integer of at least \(min), found \(n)") }
        if let max, n > max { throw error("expected an integer of at most \(max), found \(n)") }
        return n
    }

    public func number(min: Double? = nil, max: Double? = nil) throws -> Double {
        guard case .number(let n) = value else { throw error("expected a number, found \(value.typeName)") }
        if let min, n < min { throw error("expected a number of at least \(JSONWriter.format(min))") }
        if let max, n > max { throw error("expected a number of at most \(JSONWriter.format(max))") }
        return n
    }

    /// An array that must hold something: `"steps": []` or `"status": []` would check nothing.
    public func nonEmptyArray(_ what: String) throws -> [JSONNode] {
        let items = try array()
        guard !items.isEmpty else { throw error("expected at least one \(what), found an empty array") }
        return items
    }

    public func array() throws -> [JSONNode] {
        guard case .array(let a) = value else { throw error("expected an array, found \(value.typeName)") }
        return a.enumerated().map { JSONNode(value: $1, pointer: pointer / $0, file: file) }
    }

    public func stringArray() throws -> [String] { try array().map { try $0.string() } }

    /// A string or an array of strings, both common in hand-written files.
    public func stringOrStrings() throws -> [String] {
        if case .string(let s) = value { return [s] }
        return try stringArray()
    }

    public func entries() throws -> [(key: String, node: JSONNode)] {
        guard case .object(let o) = value else { throw error("expected an object, found \(value.typeName)") }
        return o.pairs.map { ($0.key, child($0.key, $0.value)) }
    }

    // MARK: suggestions

    private static func range(_ min: Int?, _ max: Int?) -> String {
        switch (min, max) {
        case let (lo?, hi?): return " from \(lo) to \(hi)"
        case let (lo?, nil): return " of at least \(lo)"
        case let (nil, hi?): return " of at most \(hi)"
        case (nil, nil): return ""
        }
    }

    /// " (did you mean "x"?)"-style hint, or "" when nothing is close.
    static func suggestion(_ word: String, in candidates: Set<String>) -> String {
        closest(word, in: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }

    static func closest(_ word: String, in candidates: Set<String>) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
