/// One column value of a result row, decoded from PostgreSQL's text format by the column's type.
///
/// Only types a conformance check compares are decoded; everything else keeps the server's text
/// and its type OID, so nothing is lost or guessed.
public enum PGValue: Sendable, Hashable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// `timestamp` / `timestamptz` exactly as the server printed it (its DateStyle and TimeZone),
    /// because reformatting would hide what the database really holds.
    case timestamp(String)
    case uuid(String)
    case json(String)
    case other(String, oid: UInt32)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text form of any non-null value (bools as "true"/"false"), for comparisons with
    /// expectations written as strings and for reports.
    public var stringValue: String? {
        switch self {
        case .null: return nil
        case .text(let s), .timestamp(let s), .uuid(let s), .json(let s), .other(let s, _): return s
        case .int(let i): return String(i)
        case .double(let d): return PGValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// The value as an integer: an `.int`, an integral `.double`, or text that reads as one.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.rounded() == d, let exact = Int64(exactly: d) else { return nil }
            return exact
        case .text(let s), .other(let s, _): return Int64(s)
        default: return nil
        }
    }

    /// The value as a floating-point number: any `.int` or `.double`, or text that reads as one.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .text(let s), .other(let s, _): return Double(s)
        default: return nil
        }
    }

    /// The value as a boolean: `.bool` only, so a text "t" is never mistaken for one.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// Decodes PostgreSQL's text output for a column of type `oid`.
    public init(serverText text: String, oid: UInt32) {
        switch oid {
        case PGTypeOID.bool:
            switch text {
            case "t": self = .bool(true)
            case "f": self = .bool(false)
            default: self = .other(text, oid: oid)
            }
        case PGTypeOID.int2, PGTypeOID.int4, PGTypeOID.int8:
            self = Int64(text).map(PGValue.int) ?? .other(text, oid: oid)
        case PGTypeOID.float4, PGTypeOID.float8:
            self = Double(text).map(PGValue.double) ?? .other(text, oid: oid)
        case PGTypeOID.numeric:
            self = PGValue.numeric(text)
        case PGTypeOID.text, PGTypeOID.varchar, PGTypeOID.name, PGTypeOID.bpchar:
            self = .text(text)
        case PGTypeOID.timestamp, PGTypeOID.timestamptz:
            self = .timestamp(text)
        case PGTypeOID.uuid:
            self = .uuid(text)
        case PGTypeOID.json, PGTypeOID.jsonb:
            self = .json(text)
        default:
            self = .other(text, oid: oid)
        }
    }

    /// `numeric` becomes a Double only when that is exact enough to print back the same digits
    /// (at most 15 significant digits); a wider value stays text so money-like columns are never
    /// silently rounded.
    private static func numeric(_ text: String) -> PGValue {
        guard let value = Double(text) else { return .text(text) }
        if !value.isFinite { return .double(value) }  // NaN, Infinity, -Infinity
        var digits = Substring(text.filter(\.isNumber))
        while digits.first == "0" { digits = digits.dropFirst() }
        while digits.last == "0" { digits = digits.dropLast() }
        return digits.count <= 15 ? .double(value) : .text(text)
    }

    /// Integral doubles print without ".0", as PostgreSQL prints them.
    private static func format(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

extension PGValue: CustomStringConvertible {
    public var description: String { stringValue ?? "NULL" }
}

/// Type OIDs from PostgreSQL's `pg_type` catalogue (stable across versions).
public enum PGTypeOID {
    public static let bool: UInt32 = 16
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let bpchar: UInt32 = 1042
    public static let varchar: UInt32 = 1043
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802
}
