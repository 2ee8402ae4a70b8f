import Foundation

/// SC-011: no password hash of another format (bcrypt, argon2, pbkdf2, sha-crypt...) in any
/// text column of any table the role can read — such hashes mean a home-made auth path lives
/// next to (or instead of) Better Auth. The evidence names table, column, format and row count;
/// the values themselves never leave the database.
struct ForeignPasswordHashes: BuiltInCheck {
    typealias Parameters = NoParameters
    static let name = CheckName.foreignPasswordHashes
    static let title = "no other password-hash format stored"

    /// Rows read per table at most: the scan stays bounded on a big production table, and the
    /// evidence says when a table was only partly read.
    static let rowCap = 200_000

    struct Column: Sendable {
        var schema: String
        var table: String
        var column: String
        var estimate: Int
        var readable: Bool
        var display: String { schema == "public" ? table : "\(schema).\(table)" }
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        let name = "no password hash of another format in any readable text column"
        guard let db = context.database else { return [kit.noDatabase(name)] }
        let t0 = Date()
        do {
            let columns = try await textColumns(db)
            var tables: [String: [Column]] = [:]
            var unreadable = Set<String>()
            for c in columns {
                if c.readable { tables[c.display, default: []].append(c) } else { unreadable.insert(c.display) }
            }
            var findings: [Finding] = []
            var partial: [String] = []
            let formats = PasswordHashFormats.foreign
            for key in tables.keys.sorted() {
                guard let cols = tables[key], let first = cols.first else { continue }
                let counts = try await scan(db, first.schema, first.table, cols, formats)
                if first.estimate > Self.rowCap { partial.append("\(key): first \(Self.rowCap) of about \(first.estimate) rows") }
                findings += PasswordHashOracle.judge(table: key, columns: cols.map(\.column), formats: formats.map(\.name), counts: counts)
                    .map { Finding(oracle: $0.oracle, message: $0.message, evidence: []) }
            }
            var notes = ["\(columns.filter(\.readable).count) text column(s) in \(tables.count) table(s) scanned for: \(formats.map(\.name).joined(separator: ", "))"]
            if !partial.isEmpty { notes.append("partly scanned: " + partial.joined(separator: "; ")) }
            if !unreadable.isEmpty { notes.append("not readable by this role, not scanned: " + unreadable.sorted().joined(separator: ", ")) }
            let evidence = Evidence(.note, "scanned", notes.joined(separator: "\n"))
            let seconds = Date().timeIntervalSince(t0)
            if let blind = PasswordHashOracle.coverage(readableColumns: columns.filter(\.readable).count, unreadableTables: Array(unreadable)) {
                return [kit.notJudged(name, blind, [evidence])]
            }
            if findings.isEmpty { return [kit.passed(name, seconds, [evidence])] }
            findings[0].evidence = [evidence]
            return [CaseResult(name: name, criterion: "", file: "", seconds: seconds, outcome: .failed(findings))]
        } catch {
            return [CaseResult(name: name, criterion: "", file: "", seconds: Date().timeIntervalSince(t0),
                               outcome: .database(error))]
        }
    }

    /// Every string-typed column (text, varchar, char, citext, domains over them) of every
    /// ordinary, partitioned or materialized table outside the system schemas. pg_catalog rather
    /// than information_schema: it also lists tables the role cannot read (so the report can say
    /// so), skips partitions (their parent is scanned) and gives a row estimate.
    func textColumns(_ db: Database) async throws -> [Column] {
        let rows = try await db.stringColumnsOfAllTables()
        return rows.compactMap { r in
            guard let s = r["schema"]?.stringValue, let t = r["table"]?.stringValue, let c = r["column"]?.stringValue else { return nil }
            return Column(schema: s, table: t, column: c, estimate: r["estimate"]?.intValue ?? 0, readable: r["readable"]?.boolValue ?? false)
        }
    }

    /// One query per table: for each column and format, how many of the first `rowCap` rows match.
    /// The patterns travel as parameters, so no hash shape is ever spliced into SQL.
    func scan(_ db: Database, _ schema: String, _ table: String, _ cols: [Column], _ formats: [PasswordHashFormats.Format]) async throws -> [[Int]] {
        try await db.patternCounts(schema: schema, table: table, columns: cols.map(\.column), patterns: formats.map(\.pattern), rowLimit: Self.rowCap)
    }
}
