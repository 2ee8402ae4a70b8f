/// One condition on a value a step observed: what `"$.title": {"type": "string", "matches": "^m"}`
/// means. A bare value in the file is `equals`.
public enum Predicate: Sendable {
    case equals(JSONTemplate)
    case notEquals(JSONTemplate)
    case exists(Bool)
    case type(String)
    case matches(String)
    case length(Int)
    case contains(JSONTemplate)
    case notContains(JSONTemplate)
    case oneOf([JSONTemplate])
    case atMost(Double)
    case atLeast(Double)

    static let keys: Set<String> = ["equals", "notEquals", "exists", "type", "matches", "length", "contains",
                                    "notContains", "oneOf", "atMost", "atLeast"]
    static let typeNames: Set<String> = ["string", "integer", "number", "boolean", "array", "object", "null"]

    /// Parses either a bare value (equality) or an object whose keys are all predicate names.
    static func parseAll(_ node: JSONNode) throws -> [Predicate] {
        guard case .object(let o) = node.value, !o.isEmpty, o.keys.allSatisfy({ keys.contains($0) }) else {
            if case .object(let o) = node.value, let odd = o.keys.first(where: { !keys.contains($0) }),
               o.keys.contains(where: { keys.contains($0) }) {
                throw LoadError(file: node.file, pointer: node.pointer / odd,
                                message: "unknown predicate \"\(odd)\"\(JSONNode.suggestion(odd, in: keys)) (allowed: \(keys.sorted().joined(separator: ", ")))")
            }
            return [.equals(try JSONTemplate.parse(node))]
        }
        var out: [Predicate] = []
        for (key, child) in try node.entries() {
            switch key {
            case "equals": out.append(.equals(try JSONTemplate.parse(child)))
            case "notEquals": out.append(.notEquals(try JSONTemplate.parse(child)))
            case "exists": out.append(.exists(try child.bool()))
            case "type":
                let t = try child.string()
                guard typeNames.contains(t) else {
                    throw child.error("unknown type \"\(t)\"\(JSONNode.suggestion(t, in: typeNames)) (expected one of \(typeNames.sorted().joined(separator: ", ")))")
                }
                out.append(.type(t))
            case "matches":
                let pattern = try child.string()
                do { _ = try Regex(pattern) } catch { throw child.error("not a valid regular expression") }
                out.append(.matches(pattern))
            case "length": out.append(.length(try child.int(min: 0)))
            case "contains": out.append(.contains(try JSONTemplate.parse(child)))
            case "notContains": out.append(.notContains(try JSONTemplate.parse(child)))
            case "oneOf": out.append(.oneOf(try child.nonEmptyArray("value to choose from").map(JSONTemplate.parse)))
            case "atMost": out.append(.atMost(try child.number()))
            case "atLeast": out.append(.atLeast(try child.number()))
            default: break
            }
        }
        return out
    }

    var variables: [String] {
        switch self {
        case .equals(let t), .notEquals(let t), .contains(let t), .notContains(let t): return t.variables
        case .oneOf(let ts): return ts.flatMap(\.variables)
        default: return []
        }
    }
}

/// How many statuses a step accepts: `200`, `[200, 201]`, `"2xx"`.
public struct StatusMatcher: Sendable, Hashable, CustomStringConvertible {
    public var exact: Set<Int> = []
    public var classes: Set<Int> = []   // 2 for "2xx"

    public init(exact: Set<Int> = [], classes: Set<Int> = []) { self.exact = exact; self.classes = classes }

    public func accepts(_ status: Int) -> Bool { exact.contains(status) || classes.contains(status / 100) }

    public var description: String {
        (exact.sorted().map(String.init) + classes.sorted().map { "\($0)xx" }).joined(separator: " or ")
    }

    static func parse(_ node: JSONNode) throws -> StatusMatcher {
        var m = StatusMatcher()
        let items: [JSONNode] = node.value.arrayValue != nil ? try node.nonEmptyArray("status (an empty list accepts none)") : [node]
        for item in items {
            if let n = item.value.intValue, (100...599).contains(n) { m.exact.insert(n); continue }
            if let s = item.value.stringValue, s.count == 3, s.hasSuffix("xx"), let c = Int(s.prefix(1)), (1...5).contains(c) {
                m.classes.insert(c); continue
            }
            throw item.error("expected an HTTP status (100–599) or a class such as \"2xx\"")
        }
        return m
    }
}
