import ArgumentParser
import Conformance
import Foundation

/// Measures the harness's own HTTP engine (used by scripts/bench to compare it with wrk).
struct BenchHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-http",
        abstract: "Send GETs to one URL as fast as the HTTP engine allows and print requests per second.")

    @Option(help: "The URL to GET (loopback only: this is a load generator).")
    var url: String

    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 64

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 5

    @Option(help: "Event-loop threads, each its own engine with an equal share of --concurrency (as wrk -t splits -c).")
    var threads: Int = 1

    @Option(help: "Instead of a load: one request with this timeout (seconds), carried through the harness's processing of an answer (JSON, marker scan, evidence); prints the whole time.")
    var once: Double?

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency takes 1 to 1024") }
        guard (1...64).contains(threads), threads <= concurrency else { throw ValidationError("--threads takes 1 to 64, at most --concurrency") }
        guard seconds > 0, seconds <= 120 else { throw ValidationError("--seconds takes more than 0 and at most 120") }
        let host = Target.origin(of: url).split(separator: "/").last.map(String.init) ?? ""
        guard host.hasPrefix("127.") || host.hasPrefix("localhost") || host.hasPrefix("[::1]") else {
            throw ValidationError("bench-http only targets loopback addresses (127.0.0.0/8, localhost, [::1])")
        }
    }

    func run() async throws {
        if let once {
            say(await AnswerBench.measure(url: url, timeout: once).line)
            return
        }
        if threads == 1 {
            say(await HTTPBench.measure(url: url, concurrency: concurrency, seconds: seconds).line)
            return
        }
        // wrk's -t: the connections are dealt out over the threads, each engine runs its own
        // event loop; the figures are summed, the time is the longest engine's.
        let (url, concurrency, seconds, threads) = (url, concurrency, seconds, threads)
        let total = await withTaskGroup(of: HTTPBench.Result.self) { group -> (requests: Int, errors: Int, seconds: Double) in
            for t in 0..<threads {
                let share = concurrency / threads + (t < concurrency % threads ? 1 : 0)
                group.addTask { await HTTPBench.measure(url: url, concurrency: share, seconds: seconds) }
            }
            var sum = (requests: 0, errors: 0, seconds: 0.0)
            for await r in group {
                sum.requests += r.requests
                sum.errors += r.errors
                sum.seconds = max(sum.seconds, r.seconds)
            }
            return sum
        }
        // The same line as HTTPBench.Result.line, which scripts/bench parses.
        say(String(format: "requests=%d errors=%d seconds=%.3f rps=%.1f", total.requests, total.errors, total.seconds,
                   total.seconds > 0 ? Double(total.requests) / total.seconds : 0))
    }
}
