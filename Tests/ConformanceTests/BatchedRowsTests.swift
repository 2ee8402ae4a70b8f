@testable import Conformance
import Foundation
import Testing
import TestSupport

/// The audit reads its objects one statement per table: the batched read must find exactly what
/// the one-row read finds, whatever the id column's type and however the API spelled the id.
@Suite("batched row reads", .enabled(if: TestCluster.serverAvailable, "needs PostgreSQL server binaries"))
struct BatchedRowsTests {
    private static let shared = Task { () throws -> TestCluster in
        let cluster = try await TestCluster.start(.init(database: "app"))
        _ = try cluster.psql("""
            CREATE TABLE int_tasks (id serial PRIMARY KEY, user_id text NOT NULL, title text);
            INSERT INTO int_tasks (user_id, title) SELECT 'u1', 'task ' || n FROM generate_series(1, 2500) AS n;
            CREATE TABLE uuid_tasks (id uuid PRIMARY KEY, user_id text NOT NULL, title text);
            INSERT INTO uuid_tasks VALUES ('0b5c2a4e-8f0e-4d6a-9a51-3c1f6f0f7a10', 'u1', 'one'),
                                          ('7d4e1b2c-1111-4a2b-8c3d-9e8f7a6b5c4d', 'u2', 'two');
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;
            """, database: "app")
        return cluster
    }

    static func database() async throws -> Database {
        try await Database.connect(url: try await shared.value.url(sslmode: "disable"))
    }

    @Test func integerIDsInChunksMatchTheOneRowRead() async throws {
        let db = try await Self.database()
        let tasks = Resource(name: "tasks", table: "int_tasks", ownerColumn: "user_id", routes: [:])
        // More than one chunk of a thousand, plus ids no row has and another spelling of 7.
        let ids = (1...2400).map(String.init) + ["999999", "007"]
        let rows = try await db.rows(of: tasks, ids: ids)
        #expect(rows.count == 2401, "2,400 rows, and 007 found as 7")
        #expect(rows["999999"] == nil)
        #expect(rows["1200"] == (try await db.row(of: tasks, id: "1200")))
        #expect(rows["007"]?["title"]?.stringValue == "task 7")
    }

    @Test func uuidIDsHostileIDsAndSpellingsAreFoundAsTheOneRowReadFindsThem() async throws {
        let db = try await Self.database()
        var tasks = Resource(name: "tasks", table: "uuid_tasks", ownerColumn: "user_id", routes: [:])
        tasks.idType = .uuid
        let upper = "7D4E1B2C-1111-4A2B-8C3D-9E8F7A6B5C4D"
        // A hostile id is not a UUID: the batch falls back to comparing text and still answers.
        let rows = try await db.rows(of: tasks, ids: ["0b5c2a4e-8f0e-4d6a-9a51-3c1f6f0f7a10", upper, "1' OR '1'='1", "not-a-uuid"])
        #expect(rows["0b5c2a4e-8f0e-4d6a-9a51-3c1f6f0f7a10"]?["title"]?.stringValue == "one")
        #expect(rows[upper]?["title"]?.stringValue == "two", "an upper-case UUID is the same row")
        #expect(rows["1' OR '1'='1"] == nil && rows["not-a-uuid"] == nil)
        #expect(rows.count == 2)
        #expect(try await db.rows(of: tasks, ids: []).isEmpty)
    }
}
