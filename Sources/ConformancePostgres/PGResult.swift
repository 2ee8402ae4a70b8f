/// A result column: its name as the server labelled it and its type OID.
public struct PGColumn: Sendable, Hashable {
    public var name: String
    public var typeOID: UInt32

    public init(name: String, typeOID: UInt32) {
        self.name = name
        self.typeOID = typeOID
    }
}

/// Everything one statement returned, already copied out of libpq.
public struct PGResult: Sendable {
    public var columns: [PGColumn]
    public var rows: [[PGValue]]
    /// The server's command tag, e.g. "SELECT 3", "INSERT 0 1", "BEGIN".
    public var commandTag: String
    /// Rows returned or changed, as the command tag counts them (0 for commands that count none).
    public var rowsAffected: Int

    public init(columns: [PGColumn], rows: [[PGValue]], commandTag: String, rowsAffected: Int) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        self.rowsAffected = rowsAffected
    }

    /// Index of the first column called `name`.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// The value at `row` in the first column called `column`; nil when either does not exist
    /// (a SQL NULL is `.null`, never nil).
    public func value(_ row: Int, _ column: String) -> PGValue? {
        guard rows.indices.contains(row), let index = columnIndex(column),
              rows[row].indices.contains(index) else { return nil }
        return rows[row][index]
    }

    /// Rows keyed by column name; when two columns share a name, the first one wins, as in
    /// `value(_:_:)`.
    public var rowDictionaries: [[String: PGValue]] {
        rows.map { row in
            var dictionary: [String: PGValue] = [:]
            for (column, value) in zip(columns, row) where dictionary[column.name] == nil {
                dictionary[column.name] = value
            }
            return dictionary
        }
    }
}
