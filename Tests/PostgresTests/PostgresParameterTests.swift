import Testing
@testable import ConformancePostgres

/// Parameters travel apart from the SQL text (`PQexecParams`), so hostile strings stay data.
@Suite struct PostgresParameterTests {
    static let hostile = [
        "O'Reilly",
        "'; DROP TABLE victims; --",
        "\" OR \"1\"=\"1",
        "back\\slash \\' and \\\\",
        "$1 $$dollar$$ quoting",
        "ünïcødé — 日本語 — 🐘👩‍💻",
        "line\nbreak\ttab\r",
        String(repeating: "x", count: 100_000),
        "",
    ]

    @Test(arguments: hostile)
    func roundTripsUnchanged(_ value: String) async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let result = try await db.query("SELECT $1::text AS v, length($1::text) AS n", [value])
        #expect(result.value(0, "v") == .text(value))
        // PostgreSQL counts code points, not grapheme clusters.
        #expect(result.value(0, "n") == .int(Int64(value.unicodeScalars.count)))
    }

    @Test func hostileValuesAreStoredAsDataAndNothingElseChanges() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let table = uniqueTableName("victims")
        _ = try await db.query("CREATE TABLE \(table) (id serial PRIMARY KEY, title text NOT NULL)")
        _ = try await db.query("INSERT INTO \(table) (title) VALUES ('keep me')")
        for value in Self.hostile {
            let inserted = try await db.query("INSERT INTO \(table) (title) VALUES ($1) RETURNING title", [value])
            #expect(inserted.rowsAffected == 1)
            #expect(inserted.value(0, "title") == .text(value))
        }
        let count = try await db.query("SELECT count(*) AS n FROM \(table)")
        #expect(count.value(0, "n") == .int(Int64(Self.hostile.count + 1)))
        let kept = try await db.query("SELECT title FROM \(table) WHERE id = $1", ["1"])
        #expect(kept.value(0, "title") == .text("keep me"))
        _ = try await db.query("DROP TABLE \(table)")
    }

    @Test func nilIsNullAndTypesAreInferred() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let result = try await db.query(
            "SELECT $1::text IS NULL AS isnull, $2::int + 1 AS n, $3::uuid AS id, $4::jsonb -> 'k' AS j",
            [nil, "41", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", #"{"k": "ü"}"#])
        #expect(result.value(0, "isnull") == .bool(true))
        #expect(result.value(0, "n") == .int(42))
        #expect(result.value(0, "id") == .uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        #expect(result.value(0, "j") == .json(#""ü""#))
    }

    @Test func nulCharacterIsRefusedBeforeSending() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let error = await thrownError { try await db.query("SELECT $1::text", ["a\u{0}b"]) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .query)
        #expect(pgError.message.contains("$1"))
        // The connection is still usable.
        #expect(try await db.query("SELECT 1 AS one").value(0, "one") == .int(1))
    }
}
