/// A string that may hold `${name}` references, parsed once when the file is loaded so that an
/// undefined variable is reported before anything is sent.
public struct Template: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    public let parts: [Part]
    public let source: String

    public struct SyntaxError: Error, Sendable { public var reason: String }

    public init(_ source: String) throws {
        self.source = source
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(source)
        while let start = rest.range(of: "${") {
            literal += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                throw SyntaxError(reason: "'${' without a closing '}'")
            }
            let name = String(afterOpen[..<close]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw SyntaxError(reason: "'${\(name)}' is not a variable name (letters, digits, '.', '_', '-')")
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.variable(name))
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    public var variables: [String] { parts.compactMap { if case .variable(let v) = $0 { return v } else { return nil } } }

    /// `"${task}"` alone stands for the variable's JSON value (an integer id stays an integer).
    public var soleVariable: String? {
        if parts.count == 1, case .variable(let v) = parts[0] { return v }
        return nil
    }

    public func render(_ lookup: (String) throws -> JSONValue) rethrows -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .variable(let v): out += try lookup(v).plainText
            }
        }
        return out
    }
}

/// A JSON value from a user's file whose strings are templates.
public indirect enum JSONTemplate: Sendable {
    case value(JSONValue)          // no template inside
    case string(Template)
    case array([JSONTemplate])
    case object([(String, JSONTemplate)])

    public static func parse(_ node: JSONNode) throws -> JSONTemplate {
        switch node.value {
        case .string(let s):
            guard s.contains("${") else { return .value(node.value) }
            do { return .string(try Template(s)) } catch let e as Template.SyntaxError { throw node.error(e.reason) }
        case .array:
            return .array(try node.array().map(parse))
        case .object:
            return .object(try node.entries().map { ($0.key, try parse($0.node)) })
        default:
            return .value(node.value)
        }
    }

    public var variables: [String] {
        switch self {
        case .value: return []
        case .string(let t): return t.variables
        case .array(let a): return a.flatMap(\.variables)
        case .object(let o): return o.flatMap(\.1.variables)
        }
    }

    public func render(_ lookup: (String) throws -> JSONValue) rethrows -> JSONValue {
        switch self {
        case .value(let v): return v
        case .string(let t):
            if let sole = t.soleVariable { return try lookup(sole) }
            return .string(try t.render(lookup))
        case .array(let a): return .array(try a.map { try $0.render(lookup) })
        case .object(let o): return .object(JSONObject(try o.map { ($0.0, try $0.1.render(lookup)) }))
        }
    }
}
