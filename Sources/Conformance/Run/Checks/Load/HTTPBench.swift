import ConformanceHTTP
import Foundation

/// The HTTP engine alone, flat out against one URL: what `scripts/bench` compares with `wrk` to
/// show that the load phase measures the app, not the harness. Same shape as wrk's run —
/// `concurrency` requests always in flight on kept-alive connections, for `seconds` — so the two
/// figures can be divided.
public enum HTTPBench {
    public struct Result: Sendable, Equatable {
        /// Responses received, whatever their status (wrk counts them the same way).
        public var requests: Int
        /// Requests with no response, plus responses of status 400 or more.
        public var errors: Int
        public var seconds: Double

        public var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }

        /// The one line `scripts/bench` parses.
        public var line: String {
            String(format: "requests=%d errors=%d seconds=%.3f rps=%.1f", requests, errors, seconds, requestsPerSecond)
        }
    }

    public static func run(url: String, concurrency: Int, seconds: Double) async -> (requests: Int, errors: Int, seconds: Double) {
        let r = await measure(url: url, concurrency: concurrency, seconds: seconds)
        return (r.requests, r.errors, r.seconds)
    }

    public static func measure(url: String, concurrency: Int, seconds: Double) async -> Result {
        let workers = max(1, concurrency)
        var options = HTTPClientOptions()
        // One connection per worker, as wrk opens one per connection slot; a lower cap would
        // queue requests inside the engine and measure the queue.
        options.maxConnectionsPerHost = workers
        // One loop, as one wrk thread: `bench-http --threads N` runs N of these side by side.
        options.eventLoops = 1
        guard let client = try? HTTPClient(options: options) else { return Result(requests: 0, errors: workers, seconds: 0) }
        defer { client.shutdown() }

        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .nanoseconds(Int64(max(0, seconds.isFinite ? seconds : 0) * 1e9))
        let (requests, errors) = await withTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var request = HTTPRequest(method: "GET", url: url)
                    // Bounded so a stalled server ends the run near its deadline, as wrk's does.
                    request.timeout = max(1, min(10, seconds))
                    var answered = 0, failed = 0
                    while clock.now < deadline, !Task.isCancelled {
                        do {
                            let response = try await client.send(request)
                            answered += 1
                            if response.status >= 400 { failed += 1 }
                        } catch {
                            failed += 1
                        }
                    }
                    return (answered, failed)
                }
            }
            var total = (0, 0)
            for await (a, f) in group { total = (total.0 + a, total.1 + f) }
            return total
        }
        let elapsed = start.duration(to: clock.now)
        return Result(requests: requests, errors: errors,
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
