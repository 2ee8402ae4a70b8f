/// A strict JSON parser (RFC 8259) over bytes. It keeps object key order, reports the line and
/// column of a syntax error, and rejects duplicate keys in documents the user wrote (a duplicated
/// key in a scenario is almost always a mistake that would otherwise pass silently). For those
/// documents (`Options.userFile`) it also refuses what it forgives in an app's answers: bytes
/// that are not UTF-8, lone surrogate escapes and numbers beyond a double's range.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

public struct JSONParser {
    public struct Options: Sendable {
        public var rejectDuplicateKeys = false
        /// Invalid UTF-8, a lone `\uD800` and `1e400` are errors instead of U+FFFD and infinity.
        public var rejectLossyText = false
        public var maxDepth = 512
        public init(rejectDuplicateKeys: Bool = false, rejectLossyText: Bool = false) {
            self.rejectDuplicateKeys = rejectDuplicateKeys
            self.rejectLossyText = rejectLossyText
        }
        /// A file a person wrote: a scenario, a target, a pack.
        public static let userFile = Options(rejectDuplicateKeys: true, rejectLossyText: true)
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private let options: Options

    public static func parse(_ text: String, options: Options = .init()) throws -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }

    public static func parse(_ bytes: [UInt8], options: Options = .init()) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, options: options)
        if let encoding = Self.otherEncoding(bytes) {
            throw parser.error("the text is \(encoding), not UTF-8: save the file as UTF-8")
        }
        // A UTF-8 byte-order mark is tolerated (RFC 8259 allows ignoring it): some editors on
        // Windows write one.
        if bytes.starts(with: Self.byteOrderMark) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], options: Options) {
        self.bytes = bytes
        self.options = options
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// UTF-16 or UTF-32, told by a byte-order mark or by the NUL bytes ASCII text has there.
    static func otherEncoding(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xFE, 0, 0]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) { return "UTF-32 (it starts with a UTF-32 byte-order mark)" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16 (it starts with a UTF-16 byte-order mark)" }
        if bytes.count >= 2, (bytes[0] == 0) != (bytes[1] == 0) { return "UTF-16 or UTF-32 (it has NUL bytes between its characters)" }
        return nil
    }

    private func error(_ reason: String) -> JSONSyntaxError { error(reason, at: index) }

    /// The line and column of `offset`, counted in characters; the leading byte-order mark an
    /// editor does not show takes no column.
    private func error(_ reason: String, at offset: Int) -> JSONSyntaxError {
        var line = 1, column = 1
        let start = bytes.starts(with: Self.byteOrderMark) && offset >= 3 ? 3 : 0
        for b in bytes[start..<max(start, min(offset, bytes.count))] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }

    private static func hex(_ b: UInt8) -> String { "0x" + String(b, radix: 16, uppercase: true).leftPadded(to: 2) }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            if Array(bytes[index..<min(index + 3, bytes.count)]) == Self.byteOrderMark {
                throw error("a byte-order mark (U+FEFF) here: only one is allowed, at the very start of the file")
            }
            if bytes[index] >= 0x80 { throw error("unexpected byte \(Self.hex(bytes[index])) (byte \(index) of the file), expected a value") }
            if bytes[index] < 0x20 { throw error("unexpected control character \(Self.hex(bytes[index])), expected a value") }
            throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))', expected a value")
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
            throw error("invalid literal, expected '\(word)'")
        }
        index += w.count
    }

    private mutating func enter() throws {
        depth += 1
        if depth > options.maxDepth { throw error("nesting deeper than \(options.maxDepth) levels") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter(); defer { depth -= 1 }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = index
            let key = try parseString()
            if options.rejectDuplicateKeys, object[key] != nil {
                index = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter(); defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error("expected ',' or ']' in an array")
        }
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let s = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - s
        }
        guard index < bytes.count else { throw error("incomplete number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                throw error("a number with a leading zero (write 200, not 0200)", at: start)
            }
        } else if digits() == 0 { throw error("invalid number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { throw error("invalid number: digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw error("invalid number: digits expected in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number") }
        if options.rejectLossyText, !value.isFinite {
            throw error("the number \(text) is too large (beyond ±1.8e308, a double's range)", at: start)
        }
        return .number(value)
    }

    private mutating func parseString() throws -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw error("control character \(Self.hex(b)) inside a string (write \\n, \\t or \\u00XX)") }
            if b >= 0x80, options.rejectLossyText {
                let length = try utf8SequenceLength()
                out.append(contentsOf: bytes[index..<index + length])
                index += length
                continue
            }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            let escapeStart = index
            index += 1
            guard index < bytes.count else { throw error("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if options.rejectLossyText, let problem = surrogateProblem(scalar) {
                    throw error(problem, at: escapeStart)
                }
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by a low one; a lone one becomes U+FFFD
                    // rather than an error, since apps do send those and the harness must read them.
                    if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        let save = index
                        index += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else { index = save; scalar = 0xFFFD }
                    } else { scalar = 0xFFFD }
                } else if (0xDC00...0xDFFF).contains(scalar) { scalar = 0xFFFD }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
            default:
                let shown = e >= 0x20 && e < 0x7F ? "'\\\(Character(Unicode.Scalar(e)))'" : "'\\' followed by byte \(Self.hex(e))"
                throw error("invalid escape \(shown) (a backslash in a string starts an escape: write \\\\ for one)", at: escapeStart)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A lone surrogate escape is half of a character: an app would store U+FFFD, or fail.
    private func surrogateProblem(_ scalar: UInt32) -> String? {
        let shown = "\\u" + String(scalar, radix: 16, uppercase: true)
        if (0xDC00...0xDFFF).contains(scalar) {
            return "lone UTF-16 surrogate \(shown): a low surrogate must follow a high one (\\uD800-\\uDBFF)"
        }
        guard (0xD800...0xDBFF).contains(scalar) else { return nil }
        let next = index
        guard next + 6 <= bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u"),
              let low = UInt32(String(decoding: bytes[next + 2..<next + 6], as: UTF8.self), radix: 16),
              (0xDC00...0xDFFF).contains(low) else {
            return "lone UTF-16 surrogate \(shown): a high surrogate must be followed by a low one (\\uDC00-\\uDFFF)"
        }
        return nil
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode's table 3-7: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or an error at its first bad byte.
    private func utf8SequenceLength() throws -> Int {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw invalidUTF8(length: 1)
        }
        for k in 1..<length {
            guard index + k < bytes.count else { throw invalidUTF8(length: k) }
            let b = bytes[index + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard b >= lo, b <= hi else { throw invalidUTF8(length: k + 1) }
        }
        return length
    }

    /// Points at the sequence's first byte, where an editor shows the odd character.
    private func invalidUTF8(length: Int) -> JSONSyntaxError {
        let shown = bytes[index..<min(index + length, bytes.count)].map(Self.hex).joined(separator: " ")
        return error("not valid UTF-8 (\(shown) at byte \(index) of the file; Latin-1 or Windows-1252 text?): save the file as UTF-8", at: index)
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
