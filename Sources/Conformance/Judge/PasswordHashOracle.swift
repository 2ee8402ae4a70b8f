/// No password hash of another format than Better Auth's in the database (SC-011), pure: the
/// per-column match counts of one scanned table in, the findings out. Such hashes mean a
/// home-made auth path lives next to (or instead of) Better Auth. The values themselves never
/// leave the database: only counts reach this oracle.
public enum PasswordHashOracle {
    public struct Hit: Sendable, Equatable {
        public var oracle: Oracle
        public var message: String
    }

    /// `counts[c][f]` is how many scanned rows of `columns[c]` match `formats[f]`; a count the
    /// database did not return is taken as no match rather than trusted to be there.
    public static func judge(table: String, columns: [String], formats: [String], counts: [[Int]]) -> [Hit] {
        var out: [Hit] = []
        for (ci, column) in columns.enumerated() where ci < counts.count {
            let row = counts[ci]
            for (fi, format) in formats.enumerated() where fi < row.count && row[fi] > 0 {
                out.append(Hit(oracle: .foreignPasswordHash,
                               message: "passwords stored as \(format) in table \(table), column \(column) (\(row[fi]) row(s)): a home-made auth path keeps its own password hashes"))
            }
        }
        return out
    }

    /// A scan proves "no foreign hash" only over what it could read: with no readable text
    /// column at all (every table hidden from the role, or none exists) it saw nothing, and the
    /// rule is not judged. Nil when something was scanned.
    public static func coverage(readableColumns: Int, unreadableTables: [String]) -> String? {
        guard readableColumns == 0 else { return nil }
        if unreadableTables.isEmpty { return "the database role sees no text column in any table: nothing could be scanned" }
        return "no text column this role can read (not readable: \(unreadableTables.sorted().joined(separator: ", "))): nothing could be scanned"
    }
}
