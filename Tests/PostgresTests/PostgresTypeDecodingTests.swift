import Testing
@testable import ConformancePostgres

/// Text-format results decoded by type OID, against a real server.
@Suite struct PostgresTypeDecodingTests {
    @Test func decodesEveryKnownType() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let result = try await db.query("""
            SELECT 'hello'::text AS text, 'v'::varchar(5) AS varchar, 'n'::name AS name, 'ab'::char(3) AS bpchar,
                   (-32768)::int2 AS int2, 2147483647::int4 AS int4, 9223372036854775807::int8 AS int8,
                   true AS yes, false AS no,
                   1.5::float4 AS float4, 0.1::float8 AS float8,
                   12.50::numeric AS numeric, 12345678901234567890.123::numeric AS wide,
                   TIMESTAMP '2024-02-29 13:14:15.5' AS ts,
                   TIMESTAMPTZ '2024-02-29 13:14:15+00' AS tstz,
                   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id,
                   '{"a": [1, 2]}'::json AS j, '{"b": null}'::jsonb AS jb,
                   NULL::text AS nothing, '2024-01-02'::date AS day
            """)
        #expect(result.rows.count == 1)
        #expect(result.commandTag == "SELECT 1")
        #expect(result.rowsAffected == 1)
        let row = result.rowDictionaries[0]
        #expect(row["text"] == .text("hello"))
        #expect(row["varchar"] == .text("v"))
        #expect(row["name"] == .text("n"))
        #expect(row["bpchar"] == .text("ab "))
        #expect(row["int2"] == .int(-32768))
        #expect(row["int4"] == .int(2_147_483_647))
        #expect(row["int8"] == .int(Int64.max))
        #expect(row["yes"] == .bool(true))
        #expect(row["no"] == .bool(false))
        #expect(row["yes"]?.stringValue == "true")
        #expect(row["float4"] == .double(1.5))
        #expect(row["float8"] == .double(0.1))
        #expect(row["numeric"] == .double(12.5))
        // Too many digits for a Double: kept as the server's text rather than rounded.
        #expect(row["wide"] == .text("12345678901234567890.123"))
        #expect(row["ts"] == .timestamp("2024-02-29 13:14:15.5"))
        // timestamptz as the server prints it in its TimeZone; the instant must survive.
        let tstz = try #require(row["tstz"]?.stringValue)
        #expect(tstz.hasPrefix("2024-02-29"))
        #expect(row["id"] == .uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        #expect(row["j"] == .json(#"{"a": [1, 2]}"#))
        #expect(row["jb"] == .json(#"{"b": null}"#))
        #expect(row["nothing"] == .null)
        #expect(row["nothing"]?.isNull == true)
        #expect(row["nothing"]?.stringValue == nil)
        #expect(row["day"] == .other("2024-01-02", oid: 1082))
        #expect(result.columns.first { $0.name == "id" }?.typeOID == PGTypeOID.uuid)
    }

    @Test func timestamptzKeepsTheServersTimeZone() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        // SET LOCAL inside a transaction is pooler-safe (no session state leaks).
        let value = try await db.transaction { tx in
            _ = try await tx.query("SELECT set_config('TimeZone', 'UTC', true)")
            return try await tx.query("SELECT TIMESTAMPTZ '2024-02-29 13:14:15+02' AS t").value(0, "t")
        }
        #expect(value == .timestamp("2024-02-29 11:14:15+00"))
    }

    @Test func accessorsAndMissingValues() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let result = try await db.query("SELECT g AS n, g * 1.5::float8 AS f FROM generate_series(1, 3) AS g")
        #expect(result.rows.count == 3)
        #expect(result.commandTag == "SELECT 3")
        #expect(result.value(2, "n")?.intValue == 3)
        #expect(result.value(1, "f")?.doubleValue == 3.0)
        #expect(result.value(1, "f")?.stringValue == "3")
        #expect(result.value(3, "n") == nil)          // no such row
        #expect(result.value(0, "missing") == nil)    // no such column
    }

    @Test func emptyResultStillHasColumns() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let result = try await db.query("SELECT 1 AS a, 'x'::text AS b WHERE false")
        #expect(result.rows.isEmpty)
        #expect(result.columns.map(\.name) == ["a", "b"])
        #expect(result.columns.map(\.typeOID) == [PGTypeOID.int4, PGTypeOID.text])
    }
}

/// Decoding rules without a server.
@Suite struct PostgresValueTests {
    @Test func numericPrecisionRule() {
        #expect(PGValue(serverText: "0.000000000000001", oid: PGTypeOID.numeric) == .double(1e-15))
        #expect(PGValue(serverText: "123456789012345", oid: PGTypeOID.numeric) == .double(123_456_789_012_345))
        #expect(PGValue(serverText: "1234567890123456", oid: PGTypeOID.numeric) == .text("1234567890123456"))
        #expect(PGValue(serverText: "1000000000000000000000", oid: PGTypeOID.numeric) == .double(1e21))
        #expect(PGValue(serverText: "NaN", oid: PGTypeOID.numeric).doubleValue?.isNaN == true)
    }

    @Test func oddTextFallsBackToOther() {
        #expect(PGValue(serverText: "maybe", oid: PGTypeOID.bool) == .other("maybe", oid: PGTypeOID.bool))
        #expect(PGValue(serverText: "Infinity", oid: PGTypeOID.float8) == .double(.infinity))
        #expect(PGValue(serverText: "{1,2}", oid: 1007) == .other("{1,2}", oid: 1007))
    }

    @Test func stringForms() {
        #expect(PGValue.double(2.5).stringValue == "2.5")
        #expect(PGValue.double(-3).stringValue == "-3")
        #expect(PGValue.int(-7).stringValue == "-7")
        #expect(PGValue.bool(false).stringValue == "false")
        #expect(PGValue.null.description == "NULL")
        #expect(PGValue.text("t").boolValue == nil)
    }
}
