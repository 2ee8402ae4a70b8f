import Foundation

/// Compares what the API returned for an object with the row the database holds, field by field.
/// Timestamps compare as instants (the API's ISO 8601 and the database's text form differ in
/// punctuation, and a naive timestamp is read as UTC); ids compare by their text.
public enum FieldComparison {
    public static func differences(api: JSONObject, row: JSONObject) -> [String] {
        var out: [String] = []
        for (field, apiValue) in api.pairs {
            guard let dbValue = row[field] else { continue }  // a computed field the table does not store
            if !same(apiValue, dbValue) {
                out.append("\(field): API \(JSONWriter.compact(apiValue).prefix(120)), database \(JSONWriter.compact(dbValue).prefix(120))")
            }
        }
        return out
    }

    /// Fields of the API object with no column to compare against, for the evidence.
    public static func unmatched(api: JSONObject, row: JSONObject) -> [String] { api.keys.filter { row[$0] == nil } }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.number(let n), .string(let s)), (.string(let s), .number(let n)):
            return Double(s) == n
        case (.string(let x), .string(let y)):
            if let tx = Timestamp.microseconds(x), let ty = Timestamp.microseconds(y) { return abs(tx - ty) <= 1000 }
            return x.lowercased() == y.lowercased() && UUID(uuidString: x) != nil
        default:
            return false
        }
    }
}

/// Parses the timestamp forms APIs and PostgreSQL print.
public enum Timestamp {
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
