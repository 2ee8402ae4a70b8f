import Foundation

/// Compares what the API returned for an object with the row the database holds, field by field.
/// A value may be stored in another, consistent and lossless representation than the API prints
/// it — that is equal, with a note saying how; only a real difference is one:
/// - a number and its text form (an integer id stored as text, or the reverse);
/// - a boolean and PostgreSQL's text for it;
/// - one instant in two notations: ISO 8601 and PostgreSQL's text, another zone offset, a naive
///   timestamp read as UTC, and fewer fractional digits on one side (compared at the coarser
///   precision, rounded or truncated);
/// - a UUID in either case;
/// - an enum stored by its member *name* (`MEDIUM`, `IN_PROGRESS`, as SQLAlchemy's `Enum` stores
///   a Python enum) while the API returns its value (`medium`, `in-progress`).
public enum FieldComparison {
    public enum Match: Sendable, Equatable {
        case same
        /// Equal in another representation; the note says which.
        case equivalent(String)
        case different
    }

    /// The real differences, one line per field. `exact` names fields compared byte for byte (the
    /// text fields the harness fills with markers: a changed case there is a changed value).
    public static func differences(api: JSONObject, row: JSONObject, exact: Set<String> = []) -> [String] {
        api.pairs.compactMap { field, apiValue in
            guard let dbValue = row[field] else { return nil }  // a computed field the table does not store
            guard match(apiValue, dbValue, exact: exact.contains(field)) == .different else { return nil }
            return "\(field): API \(JSONWriter.compact(apiValue).prefix(120)), database \(JSONWriter.compact(dbValue).prefix(120))"
        }
    }

    /// The fields equal only in another representation, with how, for the evidence.
    public static func equivalences(api: JSONObject, row: JSONObject, exact: Set<String> = []) -> [String] {
        api.pairs.compactMap { field, apiValue in
            guard let dbValue = row[field], case .equivalent(let how) = match(apiValue, dbValue, exact: exact.contains(field)) else { return nil }
            return "\(field): API \(JSONWriter.compact(apiValue).prefix(80)), database \(JSONWriter.compact(dbValue).prefix(80)) — \(how)"
        }
    }

    /// Fields of the API object with no column to compare against, for the evidence.
    public static func unmatched(api: JSONObject, row: JSONObject) -> [String] { api.keys.filter { row[$0] == nil } }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool { match(a, b) != .different }

    /// `a` as the API (or the owner) wrote it, `b` as stored.
    public static func match(_ a: JSONValue, _ b: JSONValue, exact: Bool = false) -> Match {
        if a == b { return .same }
        switch (a, b) {
        case (.number(let n), .string(let s)), (.string(let s), .number(let n)):
            guard let parsed = Double(s), parsed == n else { return .different }
            return .equivalent("a number and its text form")
        case (.bool(let v), .string(let s)), (.string(let s), .bool(let v)):
            let text = s.lowercased()
            let truthy = ["t", "true", "1", "yes", "on"].contains(text), falsy = ["f", "false", "0", "no", "off"].contains(text)
            return (v && truthy) || (!v && falsy) ? .equivalent("a boolean and its text form") : .different
        case (.string(let x), .string(let y)):
            if let how = sameInstant(x, y) { return how }
            if x.lowercased() == y.lowercased(), UUID(uuidString: x) != nil { return .equivalent("one UUID in another case") }
            if !exact, enumNameAndValue(x, y) { return .equivalent("an enum stored by its name, returned by its value") }
            return .different
        default:
            return .different
        }
    }

    /// Both timestamps, the same instant at the precision of the coarser one: `.same`-like
    /// equivalence with how they differ, `.different` for two instants, nil when either is no timestamp.
    static func sameInstant(_ x: String, _ y: String) -> Match? {
        guard let tx = Timestamp.microseconds(x), let ty = Timestamp.microseconds(y) else { return nil }
        let digits = min(Timestamp.fractionDigits(x), Timestamp.fractionDigits(y), 6)
        var unit: Int64 = 1
        for _ in digits..<6 { unit *= 10 }
        // One millisecond always: an API printing JavaScript's milliseconds rounds the database's microseconds.
        let tolerance = max(unit, 1000)
        let truncated = tx / unit == ty / unit
        guard truncated || abs(tx - ty) < tolerance else { return .different }
        var how: [String] = []
        if Timestamp.fractionDigits(x) != Timestamp.fractionDigits(y) { how.append("printed to \(Timestamp.fractionDigits(x)) and \(Timestamp.fractionDigits(y)) fractional digits") }
        let zx = Timestamp.zone(x), zy = Timestamp.zone(y)
        if zx != zy { how.append("zone \(zx ?? "none (read as UTC)") and \(zy ?? "none (read as UTC)")") }
        return .equivalent("the same instant" + (how.isEmpty ? " in another notation" : ", " + how.joined(separator: ", ")))
    }

    /// `MEDIUM` and `medium`, `IN_PROGRESS` and `in-progress`: one side an upper-case identifier
    /// (an enum member's name), the other the same words in lower case, without digits. Nothing
    /// looser: a title whose case changed is a changed title, and a taint marker (it always ends
    /// in digits) upper-cased by the app is a changed marker, wherever it is compared.
    static func enumNameAndValue(_ x: String, _ y: String) -> Bool {
        func isName(_ s: String) -> Bool {
            guard let first = s.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
            return s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }
        func isValue(_ s: String) -> Bool {
            guard let first = s.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "_" || $0 == "-" || $0 == " " }
        }
        func words(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_") }
        guard (isName(x) && isValue(y)) || (isName(y) && isValue(x)) else { return false }
        return words(x) == words(y)
    }
}

/// Parses the timestamp forms APIs and PostgreSQL print.
public enum Timestamp {
    /// How many fractional-second digits the text prints (0 without a fraction).
    public static func fractionDigits(_ text: String) -> Int {
        let s = Array(text.utf8)
        guard s.count > 19, s[19] == 46 else { return 0 }
        var n = 0
        for b in s[20...] { guard b >= 48, b <= 57 else { break }; n += 1 }
        return n
    }

    /// The zone suffix as written ("Z", "+00", "+02:00"), nil for a naive timestamp.
    public static func zone(_ text: String) -> String? {
        let s = Array(text.utf8)
        var i = 19
        if i < s.count, s[i] == 46 { i += 1; while i < s.count, s[i] >= 48, s[i] <= 57 { i += 1 } }
        guard i < s.count else { return nil }
        let z = String(decoding: s[i...], as: UTF8.self)
        return z == "z" ? "Z" : z
    }

    public static func microseconds(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        guard s.count >= 19 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= s.count else { return nil }
            var v = 0
            for b in s[from..<from + len] { guard b >= 48, b <= 57 else { return nil }; v = v * 10 + Int(b - 48) }
            return v
        }
        guard let y = num(0, 4), s[4] == 45, let mo = num(5, 2), s[7] == 45, let d = num(8, 2),
              s[10] == 84 || s[10] == 32, let h = num(11, 2), s[13] == 58, let mi = num(14, 2), s[16] == 58, let se = num(17, 2)
        else { return nil }
        var i = 19
        var micros = 0
        if i < s.count, s[i] == 46 {
            i += 1
            var digits = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(s[i] - 48); digits += 1 }
                i += 1
            }
            for _ in digits..<6 { micros *= 10 }
        }
        var offset = 0
        if i < s.count {
            if s[i] == 90 || s[i] == 122 { i += 1 }
            else if s[i] == 43 || s[i] == 45 {
                let sign = s[i] == 45 ? -1 : 1
                guard let oh = num(i + 1, 2) else { return nil }
                var om = 0
                var j = i + 3
                if j < s.count, s[j] == 58 { j += 1 }
                if let m = num(j, 2) { om = m; j += 2 }
                offset = sign * (oh * 3600 + om * 60)
                i = j
            } else { return nil }
        }
        guard i == s.count else { return nil }
        var comps = DateComponents()
        comps.year = y; comps.month = mo; comps.day = d; comps.hour = h; comps.minute = mi; comps.second = se
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? .current
        guard let date = cal.date(from: comps) else { return nil }
        return (Int64(date.timeIntervalSince1970) - Int64(offset)) * 1_000_000 + Int64(micros)
    }
}
