import ArgumentParser
import Conformance

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

    @Option(help: "Instead of a load: one request with this timeout (seconds), carried through the harness's processing of an answer (JSON, marker scan, evidence); prints the whole time.")
    var once: Double?

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency takes 1 to 1024") }
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
        say(await HTTPBench.measure(url: url, concurrency: concurrency, seconds: seconds).line)
    }
}
