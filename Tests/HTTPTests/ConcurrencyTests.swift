import ConformanceHTTP
import Foundation
import Testing

/// Many requests in flight on the client's event loops, connection reuse, cancellation, shutdown.
@Suite struct ConcurrencyTests {
    @Test func fiveHundredConcurrentRequestsAllGetTheirOwnAnswer() async throws {
        try await withEdge { server, client in
            let before = try await Stats.fetch(client, server)
            let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<500 {
                    group.addTask {
                        let request = HTTPRequest(method: "POST", url: server.url("/echo?i=\(i)"),
                                                  headers: [HTTPHeader("X-Id", "\(i)")],
                                                  body: Array("request-\(i)".utf8))
                        let echo = try Echo(try await client.send(request))
                        return echo.body == "request-\(i)" && echo.values("X-Id") == ["\(i)"]
                            && echo.path == "/echo?i=\(i)"
                    }
                }
                var bad = 0
                for try await ok in group where !ok { bad += 1 }
                return bad
            }
            #expect(mismatches == 0)
            let after = try await Stats.fetch(client, server)
            #expect(after.requests - before.requests == 501)
            // Connections are capped per host (64) and reused, not one per request.
            #expect(after.connections - before.connections <= 64)
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withEdge { server, client in
            var echoes: [Echo] = []
            var connectTimes: [Double] = []
            for _ in 0..<20 {
                let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/echo")))
                echoes.append(try Echo(response))
                connectTimes.append(response.timings.connect)
            }
            #expect(Set(echoes.map(\.clientPort)).count == 1)
            #expect(Set(echoes.map(\.connection)).count == 1)
            #expect(echoes.map(\.requestOnConnection) == Array(1...20))
            #expect(connectTimes.dropFirst().allSatisfy { $0 == 0 })
        }
    }

    /// Several event loops share the client's per-host cap exactly: never more connections
    /// than the cap, however the loops divide it (here more loops than connections allowed).
    @Test func eventLoopsShareTheConnectionCap() async throws {
        for (loops, cap) in [(4, 3), (2, 3), (3, 1)] {
            var options = HTTPClientOptions()
            options.eventLoops = loops
            options.maxConnectionsPerHost = cap
            try await withEdge(options: options) { server, client in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<24 {
                        group.addTask { try await client.send(HTTPRequest(method: "GET", url: server.url("/delay?ms=50"))).status }
                    }
                    var all: [Int] = []
                    for try await status in group { all.append(status) }
                    return all
                }
                #expect(statuses == Array(repeating: 200, count: 24))
                let stats = try await Stats.fetch(client, server)
                #expect(stats.connections <= cap, "\(loops) loops, cap \(cap): \(stats.connections) connections")
                #expect(stats.requests == 25)
            }
        }
    }

    @Test func cancellingTheTaskStopsTheRequest() async throws {
        try await withEdge { server, client in
            let url = server.url("/slow?bytes=40&delay=0.5")
            let task = Task { try await client.send(HTTPRequest(method: "GET", url: url)) }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            // The body takes 20 s: a request that ignored the cancel would end with it, not throw.
            #expect(throws: CancellationError.self) { try result.get() }
            // The client is still usable afterwards.
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/echo")))
            #expect(response.status == 200)
        }
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        try await withEdge { server, client in
            let before = try await Stats.fetch(client, server)
            let url = server.url("/echo")
            let task = Task {
                while !Task.isCancelled { await Task.yield() }
                return try await client.send(HTTPRequest(method: "GET", url: url))
            }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            let after = try await Stats.fetch(client, server)
            #expect(after.requests == before.requests + 1)
        }
    }

    @Test func shutdownFailsPendingAndLaterRequests() async throws {
        let server = try await EdgeServer.start()
        defer { server.stop() }
        let client = try HTTPClient()
        let url = server.url("/slow?bytes=40&delay=0.5")
        let pending = Task { try await client.send(HTTPRequest(method: "GET", url: url)) }
        try await Task.sleep(for: .milliseconds(300))
        client.shutdown()
        let result = await pending.result
        #expect(throws: HTTPTransportError.self) { try result.get() }
        let later = await transportError {
            try await client.send(HTTPRequest(method: "GET", url: server.url("/echo")))
        }
        #expect(later?.kind == .other)
        client.shutdown()  // idempotent: returns at once
    }

    /// Not a benchmark gate, only a sanity check that a sustained stream completes; the rate
    /// is printed for the record.
    @Test func twoThousandRequestsSixtyFourInFlight() async throws {
        try await withEdge { server, client in
            let ok = try await Self.hammer(client, url: server.url("/status?code=204"), total: 2000, inFlight: 64)
            #expect(ok == 2000)
        }
    }

    /// Throughput against any server, e.g. `CONFORMANCE_HTTP_BENCH_URL=http://127.0.0.1:8080/`
    /// (and `CONFORMANCE_HTTP_BENCH_COUNT`); skipped unless set.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CONFORMANCE_HTTP_BENCH_URL"] != nil))
    func benchmarkAgainstGivenURL() async throws {
        let environment = ProcessInfo.processInfo.environment
        let url = try #require(environment["CONFORMANCE_HTTP_BENCH_URL"])
        let total = environment["CONFORMANCE_HTTP_BENCH_COUNT"].flatMap { Int($0) } ?? 20000
        let client = try HTTPClient()
        defer { client.shutdown() }
        let ok = try await Self.hammer(client, url: url, total: total, inFlight: 64)
        #expect(ok == total)
    }

    /// Sends `total` GETs keeping `inFlight` outstanding; returns how many got a 2xx.
    static func hammer(_ client: HTTPClient, url: String, total: Int, inFlight: Int) async throws -> Int {
        let clock = ContinuousClock()
        let started = clock.now
        let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
            var submitted = 0, ok = 0
            func submit() {
                group.addTask { (200..<300).contains(try await client.send(HTTPRequest(method: "GET", url: url)).status) }
                submitted += 1
            }
            while submitted < min(inFlight, total) { submit() }
            for try await success in group {
                if success { ok += 1 }
                if submitted < total { submit() }
            }
            return ok
        }
        let elapsed = seconds(started.duration(to: clock.now))
        print("HTTP driver: \(total) GETs, \(inFlight) in flight: \(Int(Double(total) / elapsed)) requests/s")
        return ok
    }
}
