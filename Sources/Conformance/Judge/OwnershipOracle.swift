/// The ownership rule, pure: every row of every owned table references a user that exists in
/// the auth server's user table. The check finds the tables and counts; this judges the counts.
public enum OwnershipOracle {
    /// Without a single owned table there is nothing the rule could be checked on: the target's
    /// mapping is wrong, never a pass.
    public static func tables(count: Int, userTable: String) -> Finding? {
        guard count == 0 else { return nil }
        return Finding(oracle: .specMismatch, message: "no table references \(userTable) and the target names none that exists")
    }

    /// `counts` is the count row the database answered for one table: `orphans` (rows whose owner
    /// is no user, or none) and `unowned` (rows with no owner at all). A count that is absent
    /// reads as 0.
    public static func orphans(_ counts: JSONValue, table: String, userTable: String) -> Finding? {
        let orphans = counts["orphans"]?.intValue ?? 0
        guard orphans != 0 else { return nil }
        return Finding(oracle: .orphanRow,
                       message: "\(orphans) row(s) of \(table) reference no user in \(userTable) (\(counts["unowned"]?.intValue ?? 0) with no owner at all)")
    }
}
