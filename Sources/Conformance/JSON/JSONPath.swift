/// The small JSONPath subset scenarios use to point into a response: `$`, `.name`, `['name']`,
/// `[3]`, `[-1]` and `[*]`. Anything else is refused when the scenario is loaded, not at run time.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case key(String)
        case index(Int)
        case wildcard
    }

    public let segments: [Segment]
    public let description: String

    public struct ParseError: Error, Sendable { public var reason: String }

    public init(_ text: String) throws {
        description = text
        var chars = Array(text)
        guard chars.first == "$" else { throw ParseError(reason: "a path starts with '$'") }
        chars.removeFirst()
        var segs: [Segment] = []
        var i = 0
        while i < chars.count {
            switch chars[i] {
            case ".":
                i += 1
                var name = ""
                while i < chars.count, chars[i] != ".", chars[i] != "[" { name.append(chars[i]); i += 1 }
                guard !name.isEmpty else { throw ParseError(reason: "empty name after '.'") }
                segs.append(name == "*" ? .wildcard : .key(name))
            case "[":
                i += 1
                guard let close = chars[i...].firstIndex(of: "]") else { throw ParseError(reason: "'[' without ']'") }
                let inner = String(chars[i..<close]).trimmingCharacters(in: .whitespaces)
                i = close + 1
                if inner == "*" {
                    segs.append(.wildcard)
                } else if let n = Int(inner) {
                    segs.append(.index(n))
                } else if inner.count >= 2, let q = inner.first, q == "'" || q == "\"", inner.last == q {
                    segs.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw ParseError(reason: "'[\(inner)]' is neither an index, '*' nor a quoted name")
                }
            default:
                throw ParseError(reason: "unexpected '\(chars[i])'; use .name or ['name']")
            }
        }
        segments = segs
    }

    public var hasWildcard: Bool { segments.contains(.wildcard) }

    /// Every value the path selects; empty when nothing is there.
    public func select(in root: JSONValue) -> [JSONValue] {
        var current = [root]
        for seg in segments {
            var next: [JSONValue] = []
            for v in current {
                switch (seg, v) {
                case (.key(let k), .object(let o)): if let x = o[k] { next.append(x) }
                case (.index(let n), .array(let a)):
                    let idx = n < 0 ? a.count + n : n
                    if a.indices.contains(idx) { next.append(a[idx]) }
                case (.wildcard, .array(let a)): next.append(contentsOf: a)
                case (.wildcard, .object(let o)): next.append(contentsOf: o.pairs.map(\.value))
                default: break
                }
            }
            current = next
        }
        return current
    }

    public func first(in root: JSONValue) -> JSONValue? { select(in: root).first }
}

import Foundation

/// An RFC 6901 pointer into a file the user wrote; every load error carries one.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public private(set) var tokens: [String]
    public init(_ tokens: [String] = []) { self.tokens = tokens }

    public func appending(_ key: String) -> JSONPointer { JSONPointer(tokens + [key]) }
    public func appending(_ index: Int) -> JSONPointer { JSONPointer(tokens + [String(index)]) }
    public static func / (p: JSONPointer, key: String) -> JSONPointer { p.appending(key) }
    public static func / (p: JSONPointer, index: Int) -> JSONPointer { p.appending(index) }

    public var description: String {
        tokens.isEmpty ? "/" : tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }
}
