/// Decodes a `Decodable` type straight from a `JSONValue`, so that a built-in check can declare its
/// parameters as a plain struct and a scenario's `"with": {...}` object is read into it. Every
/// failure is a `JSONDecodingProblem` that names the JSON pointer of the bad value and says in
/// plain words what was expected there, because the reader is a scenario author, not a Swift
/// programmer.
///
/// The containers (in `JSONValueDecoder+Containers.swift`) throw ordinary `DecodingError`s, so that
/// a custom `init(from:)` which catches, say, `DecodingError.keyNotFound` to apply a default keeps
/// working; each of those errors carries the finished problem as its `underlyingError`, and
/// `decode` unwraps it at the top.
public struct JSONValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue,
                                     at base: JSONPointer = JSONPointer()) throws(JSONDecodingProblem) -> T {
        do {
            return try ValueDecoder(value: value, codingPath: [], pointer: base).unbox(T.self)
        } catch {
            throw Self.problem(from: error, root: value, base: base)
        }
    }

    /// Like `decode`, and the top-level object may hold only `allowedKeys`. For types whose keys
    /// are fixed, conforming to `StrictKeys` is simpler and also applies where they are nested.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at base: JSONPointer = JSONPointer(),
                                     allowedKeys: Set<String>) throws(JSONDecodingProblem) -> T {
        if case .object(let object) = value {
            if let problem = Self.unknownKeyProblem(in: object, known: allowedKeys.sorted(), at: base) { throw problem }
        }
        return try decode(T.self, from: value, at: base)
    }

    /// Turns whatever escaped `init(from:)` into a problem. Our own errors already carry one;
    /// errors a custom `init(from:)` made itself only have a coding path and a debug text.
    static func problem(from error: any Error, root: JSONValue, base: JSONPointer) -> JSONDecodingProblem {
        if let problem = error as? JSONDecodingProblem { return problem }
        guard let decodingError = error as? DecodingError else {
            return JSONDecodingProblem(pointer: base, message: String(describing: error))
        }
        func pointer(_ path: [any CodingKey]) -> JSONPointer {
            // `stringValue`, not `intValue`: a dictionary key "03" has intValue 3, and our index
            // keys spell their index as their string value anyway.
            path.reduce(base) { $0 / $1.stringValue }
        }
        func found(_ path: [any CodingKey]) -> String {
            value(in: root, at: path).map { ", found " + describeFound($0) } ?? ""
        }
        func detail(_ context: DecodingError.Context) -> String {
            context.debugDescription.isEmpty ? "" : " (\(context.debugDescription))"
        }
        switch decodingError {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            if let problem = context.underlyingError as? JSONDecodingProblem { return problem }
            let where_ = pointer(context.codingPath)
            let seen = found(context.codingPath)
            return JSONDecodingProblem(pointer: where_, message: seen.isEmpty
                ? "missing; expected \(expectation(for: type).singular)"
                : "expected \(expectation(for: type).singular)\(seen)")
        case .keyNotFound(let key, let context):
            if let problem = context.underlyingError as? JSONDecodingProblem { return problem }
            return JSONDecodingProblem(pointer: pointer(context.codingPath) / key.stringValue, message: "missing\(detail(context))")
        case .dataCorrupted(let context):
            if let problem = context.underlyingError as? JSONDecodingProblem { return problem }
            let text = context.debugDescription.isEmpty ? "this value cannot be used here" : context.debugDescription
            return JSONDecodingProblem(pointer: pointer(context.codingPath), message: text)
        @unknown default:
            return JSONDecodingProblem(pointer: base, message: String(describing: decodingError))
        }
    }

    /// The value a coding path leads to, used to say what a foreign error's value actually was.
    private static func value(in root: JSONValue, at path: [any CodingKey]) -> JSONValue? {
        var current = root
        for key in path {
            switch current {
            case .object(let object):
                guard let next = object[key.stringValue] else { return nil }
                current = next
            case .array(let items):
                guard let index = key.intValue ?? Int(key.stringValue), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    // MARK: unknown keys

    static func unknownKeyProblem(in object: JSONObject, known: [String], at pointer: JSONPointer) -> JSONDecodingProblem? {
        let knownSet = Set(known)
        guard let key = object.keys.first(where: { !knownSet.contains($0) }) else { return nil }
        let hint: String
        if let suggestion = closest(to: key, among: known) {
            hint = " (did you mean \(quoted(suggestion))?)"
        } else if known.isEmpty {
            hint = " (this object takes no parameters)"
        } else {
            hint = " (the parameters are \(known.map(quoted).joined(separator: ", ")))"
        }
        return JSONDecodingProblem(pointer: pointer / key, message: "\(quoted(key)) is not a parameter here\(hint)")
    }

    /// The candidate within two edits of `word`, ignoring case (a wrong capital is the commonest
    /// slip); on a tie the earlier candidate wins so the message is the same on every run.
    static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (word: String, distance: Int)?
        for candidate in candidates {
            let d = JSONNode.editDistance(word.lowercased(), candidate.lowercased())
            if d <= 2, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.word
    }

    // MARK: wording

    static func quoted(_ text: String) -> String { JSONWriter.compact(.string(text)) }

    /// What was found, short enough for one line: scalars by value, containers by kind.
    static func describeFound(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number: return "the number \(JSONWriter.compact(value))"
        case .string(let s): return s.count <= 40 ? quoted(s) : quoted(String(s.prefix(37)) + "…")
        case .array(let items): return items.isEmpty ? "an empty array" : "an array"
        case .object: return "an object"
        }
    }

    /// How a Swift type reads to a scenario author, in the singular ("an array of strings") and
    /// the plural used when it is itself an element ("arrays of strings").
    static func expectation(for type: Any.Type) -> (singular: String, plural: String) {
        switch type {
        case is String.Type: return ("a string", "strings")
        case is Bool.Type: return ("a boolean", "booleans")
        case is Double.Type, is Float.Type: return ("a number", "numbers")
        case is any FixedWidthInteger.Type: return ("an integer", "integers")
        case is JSONValue.Type: return ("any JSON value", "JSON values")
        case let e as any JSONDecodableEnum.Type:
            let list = oneOf(e.jsonRawValues)
            return ("one of \(list)", "strings, each one of \(list)")
        case let a as any JSONArrayShape.Type:
            let element = expectation(for: a.jsonElementType).plural
            return ("an array of \(element)", "arrays of \(element)")
        case let d as any JSONDictionaryShape.Type:
            let element = expectation(for: d.jsonValueType).plural
            return ("an object whose values are \(element)", "objects whose values are \(element)")
        case let o as any JSONOptionalShape.Type:
            let wrapped = expectation(for: o.jsonWrappedType)
            return (wrapped.singular + " or null", wrapped.plural)
        default: return ("an object", "objects")
        }
    }

    static func oneOf(_ values: [String]) -> String {
        let words = values.map(quoted)
        guard let last = words.last else { return "nothing (this list has no values)" }
        return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " or " + last
    }
}

/// One decoding failure: where it is and what is wrong, e.g. `/steps/3/with/objectsPerUser:
/// expected an integer, found "ten"`.
public struct JSONDecodingProblem: Error, Sendable, CustomStringConvertible {
    public var pointer: JSONPointer
    public var message: String
    public init(pointer: JSONPointer, message: String) {
        self.pointer = pointer
        self.message = message
    }
    public var description: String { "\(pointer): \(message)" }
}

/// A parameters type whose keys are fixed: wherever the decoder meets it, an object key outside
/// `knownKeys` is an error with a "did you mean" hint, so a typo is not silently ignored and the
/// default used instead. (`Decodable` does not expose its keys, hence the list.)
public protocol StrictKeys {
    static var knownKeys: [String] { get }
}

/// A string enum whose cases the decoder can list: an unknown value reads
/// `expected one of "read" or "write", found "admin"` instead of Swift's generic text.
public protocol JSONDecodableEnum: CaseIterable, RawRepresentable, Decodable where RawValue == String {}

extension JSONDecodableEnum {
    static var jsonRawValues: [String] { allCases.map(\.rawValue) }
    static func jsonCase(_ raw: String) -> Self? { Self(rawValue: raw) }
}

// Shapes the wording needs to see through: `Decodable` hides an array's element type, and an
// array of strings should not be announced as just "an array".
protocol JSONArrayShape { static var jsonElementType: Any.Type { get } }
protocol JSONDictionaryShape { static var jsonValueType: Any.Type { get } }
protocol JSONOptionalShape { static var jsonWrappedType: Any.Type { get } }
extension Array: JSONArrayShape where Element: Decodable { static var jsonElementType: Any.Type { Element.self } }
extension Dictionary: JSONDictionaryShape where Key == String, Value: Decodable {
    static var jsonValueType: Any.Type { Value.self }
}
extension Optional: JSONOptionalShape { static var jsonWrappedType: Any.Type { Wrapped.self } }

/// A `JSONValue` parameter takes whatever the author wrote. Our decoder hands the stored value
/// over as is; any other decoder is read generically.
extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        if let ours = decoder as? ValueDecoder {
            self = ours.value
        } else if let keyed = try? decoder.container(keyedBy: AnyJSONKey.self) {
            var object = JSONObject()
            for key in keyed.allKeys { object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(object)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            // Bool before Double: some decoders bridge `true` to 1.
            if single.decodeNil() { self = .null }
            else if let b = try? single.decode(Bool.self) { self = .bool(b) }
            else if let n = try? single.decode(Double.self) { self = .number(n) }
            else { self = .string(try single.decode(String.self)) }
        }
    }
}

/// A key for any object member or array index; an index spells itself as its string value so a
/// coding path turns into a JSON pointer token for token.
struct AnyJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}
