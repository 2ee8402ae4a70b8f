import Foundation
import Testing
import TestSupport
@testable import ConformancePostgres

/// Many callers on several connections; libpq's blocking calls must never stall Swift's
/// cooperative pool.
@Suite struct PostgresConcurrencyTests {
    @Test func manyConcurrentQueriesOnSeveralConnections() async throws {
        let cluster = try await TestCluster.shared()
        var connections: [PostgresConnection] = []
        for _ in 0..<4 {
            connections.append(try await PostgresConnection.connect(url: cluster.url()))
        }
        defer { connections.forEach { $0.close() } }
        let pool = connections
        let pids = Set(pool.map(\.backendPID))
        #expect(pids.count == 4)

        try await withThrowingTaskGroup(of: (Int, PGResult, Int32).self) { group in
            for i in 0..<200 {
                let connection = pool[i % pool.count]
                group.addTask {
                    let result = try await connection.query(
                        "SELECT $1::int * 2 AS doubled, pg_backend_pid() AS pid, $2::text AS echo",
                        [String(i), "task-\(i)"])
                    return (i, result, connection.backendPID)
                }
            }
            var seen = 0
            for try await (i, result, pid) in group {
                #expect(result.value(0, "doubled") == .int(Int64(i * 2)))
                #expect(result.value(0, "echo") == .text("task-\(i)"))
                #expect(result.value(0, "pid") == .int(Int64(pid)))
                seen += 1
            }
            #expect(seen == 200)
        }
    }

    @Test func slowQueriesDoNotBlockTheCooperativePool() async throws {
        let cluster = try await TestCluster.shared()
        // More sleeping connections than the machine has cores: if libpq ran on the cooperative
        // pool, the pool would be stuck and the heartbeat below would wait for the queries.
        let count = max(3, ProcessInfo.processInfo.activeProcessorCount + 1)
        var connections: [PostgresConnection] = []
        for _ in 0..<count {
            connections.append(try await PostgresConnection.connect(url: cluster.url()))
        }
        defer { connections.forEach { $0.close() } }
        let pool = connections
        let started = Date()
        let sleep = 8.0
        // Which finished first: the heartbeat, or a query. The order, not a time bound, tells the
        // two cases apart: a blocked pool runs the beat only after a query has returned.
        let (firstDone, starts): (String, [Double]) = try await withThrowingTaskGroup(of: (String, Double?).self) { group in
            for connection in pool {
                group.addTask {
                    // now(): when the server began the statement, by the server's clock.
                    let r = try await connection.query("SELECT extract(epoch FROM now())::text AS began, pg_sleep(\(sleep))")
                    guard case .text(let began)? = try? r.value(0, "began") else { return ("query", nil) }
                    return ("query", Double(began))
                }
            }
            group.addTask {
                try await Task.sleep(nanoseconds: 100_000_000)
                // Plain Swift work, needing a cooperative thread.
                return ("heartbeat", nil)
            }
            var order: [String] = []
            var starts: [Double] = []
            for try await (what, began) in group {
                order.append(what)
                if let began { starts.append(began) }
            }
            return (order.first ?? "", starts)
        }
        #expect(firstDone == "heartbeat")
        // And the sleeps overlapped instead of queueing behind each other: the server began
        // every one before the first had ended.
        #expect(starts.count == count)
        #expect((starts.max() ?? .infinity) - (starts.min() ?? 0) < sleep, "\(starts)")
        _ = started
    }

    @Test func cancellingATaskCancelsItsQuery() async throws {
        let (_, db) = try await connectToShared()
        defer { db.close() }
        let started = Date()
        let task = Task { try await db.query("SELECT pg_sleep(20)") }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        let error = await thrownError { try await task.value }
        #expect(error is CancellationError)
        // Had the cancel not reached the server, the query would have returned after its 20 s
        // instead of throwing. (No time bound: a loaded machine is slow, not wrong.)
        _ = started
        // The connection is still good afterwards.
        #expect(try await db.query("SELECT 3 AS three").value(0, "three") == .int(3))
    }
}
