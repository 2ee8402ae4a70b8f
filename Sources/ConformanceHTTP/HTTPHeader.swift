/// One header line. Kept as an ordered list element rather than a dictionary entry because
/// HTTP allows a name to repeat (several `Set-Cookie`) and order can matter.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension HTTPHeader: CustomStringConvertible {
    public var description: String { "\(name): \(value)" }
}

extension HTTPHeader {
    /// ASCII case-insensitive name comparison without allocating lowercased copies: header
    /// look-ups happen on every response of a load phase.
    func hasName(_ other: String) -> Bool {
        asciiCaseInsensitiveEqual(name, other)
    }
}

func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    var ia = a.utf8.makeIterator()
    var ib = b.utf8.makeIterator()
    while true {
        switch (ia.next(), ib.next()) {
        case (nil, nil):
            return true
        case let (x?, y?):
            if x == y { continue }
            // Only ASCII letters fold; 0x20 is the case bit.
            let lx = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
            let ly = (y >= 0x41 && y <= 0x5A) ? y | 0x20 : y
            if lx != ly { return false }
        default:
            return false
        }
    }
}
