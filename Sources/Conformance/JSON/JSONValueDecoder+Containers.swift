/// The `Decoder` behind `JSONValueDecoder`: one value, the coding path Swift wants and the JSON
/// pointer the author needs. It is its own single-value container, since that container reads
/// exactly the value the decoder holds.
struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let pointer: JSONPointer
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch(JSONObject.self, expected: "an object") }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath, pointer: pointer))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch([JSONValue].self, expected: "an array") }
        return UnkeyedContainer(items: items, codingPath: codingPath, pointer: pointer)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: single value

    func decodeNil() -> Bool { value == .null }

    // One generic method witnesses every `decode(Bool.self)`, `decode(Int8.self)`, … requirement;
    // `unbox` tells the types apart at run time.
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(T.self) }

    /// The heart of the decoder: primitives and string enums are read here, so their errors can
    /// say what was expected; everything else runs its own `init(from:)` against this decoder.
    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        // `JSONValue` needs no case here: its `init(from:)` takes `value` from this decoder as is.
        switch T.self {
        case is String.Type:
            guard case .string(let s) = value else { throw mismatch(T.self) }
            return try cast(s)
        case is Bool.Type:
            guard case .bool(let b) = value else { throw mismatch(T.self) }
            return try cast(b)
        case is Double.Type:
            guard case .number(let n) = value else { throw mismatch(T.self) }
            return try cast(n)
        case is Float.Type:
            guard case .number(let n) = value else { throw mismatch(T.self) }
            let f = Float(n)
            guard f.isFinite else { throw mismatch(T.self, expected: "a number between -3.4e38 and 3.4e38") }
            return try cast(f)
        case let integer as any FixedWidthInteger.Type:
            return try cast(unboxInteger(integer))
        case let stringEnum as any JSONDecodableEnum.Type:
            return try cast(unboxEnum(stringEnum))
        default:
            break
        }
        // Catch the wrong kind here, while the full type is known: Array's own `init(from:)`
        // could only say "an array", not "an array of strings".
        if T.self is any JSONArrayShape.Type, value.arrayValue == nil { throw mismatch(T.self) }
        if T.self is any JSONDictionaryShape.Type, value.objectValue == nil { throw mismatch(T.self) }
        if let strict = T.self as? any StrictKeys.Type, case .object(let object) = value,
           let problem = JSONValueDecoder.unknownKeyProblem(in: object, known: strict.knownKeys, at: pointer) {
            throw DecodingError.dataCorrupted(context(problem))
        }
        return try T(from: self)
    }

    /// A JSON number is a double, so an integer must be whole and fit the type: `3.5` or `300`
    /// for an `Int8` is refused rather than truncated or wrapped.
    private func unboxInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .number(let n) = value else { throw mismatch(I.self) }
        guard n.isFinite, n.rounded() == n else { throw mismatch(I.self) }
        guard let result = I(exactly: n) else { throw mismatch(I.self, expected: "an integer from \(I.min) to \(I.max)") }
        return result
    }

    private func unboxEnum<E: JSONDecodableEnum>(_ type: E.Type) throws -> E {
        guard case .string(let s) = value else { throw mismatch(E.self) }
        if let result = E.jsonCase(s) { return result }
        let hint = JSONValueDecoder.closest(to: s, among: E.jsonRawValues).map { " (did you mean \(JSONValueDecoder.quoted($0))?)" }
        let message = "expected \(JSONValueDecoder.expectation(for: E.self).singular), found \(JSONValueDecoder.quoted(s))\(hint ?? "")"
        throw DecodingError.dataCorrupted(context(JSONDecodingProblem(pointer: pointer, message: message)))
    }

    /// `unbox` has already matched `T` against the value's type; this only convinces the compiler.
    private func cast<T>(_ x: Any) throws -> T {
        guard let result = x as? T else {
            throw DecodingError.typeMismatch(T.self, context(JSONDecodingProblem(pointer: pointer,
                message: "internal error: cannot read \(type(of: x)) as \(T.self)")))
        }
        return result
    }

    // MARK: errors

    private func context(_ problem: JSONDecodingProblem) -> DecodingError.Context {
        DecodingError.Context(codingPath: codingPath, debugDescription: problem.message, underlyingError: problem)
    }

    /// "expected …, found …": null becomes `valueNotFound`, as Swift's own decoders report it.
    func mismatch(_ type: Any.Type, expected: String? = nil) -> DecodingError {
        let wanted = expected ?? JSONValueDecoder.expectation(for: type).singular
        let problem = JSONDecodingProblem(pointer: pointer, message: "expected \(wanted), found \(JSONValueDecoder.describeFound(value))")
        return value == .null ? .valueNotFound(type, context(problem)) : .typeMismatch(type, context(problem))
    }
}

/// Swift's `superDecoder` is for class hierarchies sharing one object; parameters are structs,
/// so this is a programming error, reported as one instead of a crash.
private func superDecoderUnsupported(_ codingPath: [any CodingKey], _ pointer: JSONPointer) -> DecodingError {
    let problem = JSONDecodingProblem(pointer: pointer,
        message: "internal error: this parameter type asks for a super decoder, which JSONValueDecoder does not support")
    return .dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: problem.message, underlyingError: problem))
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]
    let pointer: JSONPointer

    // In the author's order, so that a dictionary or a `JSONValue` built from it keeps it.
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    /// The member at `key`, or "missing; expected …" at the pointer where it should have been.
    private func child(_ key: Key, expecting wanted: String?) throws -> ValueDecoder {
        let at = pointer / key.stringValue
        guard let v = object[key.stringValue] else {
            let message = "missing" + (wanted.map { "; expected \($0)" } ?? "")
            let problem = JSONDecodingProblem(pointer: at, message: message)
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: message, underlyingError: problem))
        }
        return ValueDecoder(value: v, codingPath: codingPath + [key], pointer: at)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key, expecting: nil).decodeNil() }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key, expecting: JSONValueDecoder.expectation(for: T.self).singular).unbox(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key, expecting: "an object").container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key, expecting: "an array").unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw superDecoderUnsupported(codingPath, pointer) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw superDecoderUnsupported(codingPath + [key], pointer / key.stringValue) }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    let pointer: JSONPointer
    private(set) var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey], pointer: JSONPointer) {
        self.items = items
        self.codingPath = codingPath
        self.pointer = pointer
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The item at `currentIndex`; past the end that is "missing", pointing one past the last item.
    private func current(expecting type: Any.Type, _ wanted: String? = nil) throws -> ValueDecoder {
        let key = AnyJSONKey(intValue: currentIndex)
        let at = pointer / currentIndex
        guard items.indices.contains(currentIndex) else {
            let what = wanted ?? JSONValueDecoder.expectation(for: type).singular
            let message = "missing; expected \(what) (the array has \(items.count) item\(items.count == 1 ? "" : "s"))"
            let problem = JSONDecodingProblem(pointer: at, message: message)
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: message, underlyingError: problem))
        }
        return ValueDecoder(value: items[currentIndex], codingPath: codingPath + [key], pointer: at)
    }

    // Like Swift's own containers, the index moves on only when an item was read successfully.
    mutating func decodeNil() throws -> Bool {
        guard try current(expecting: JSONValue?.self, "a value").decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let result = try current(expecting: T.self).unbox(T.self)
        currentIndex += 1
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let result = try current(expecting: JSONObject.self, "an object").container(keyedBy: type)
        currentIndex += 1
        return result
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let result = try current(expecting: [JSONValue].self, "an array").unkeyedContainer()
        currentIndex += 1
        return result
    }

    mutating func superDecoder() throws -> any Decoder {
        throw superDecoderUnsupported(codingPath + [AnyJSONKey(intValue: currentIndex)], pointer / currentIndex)
    }
}
