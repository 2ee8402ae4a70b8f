import Synchronization

/// An HTTP/1.1 and HTTP/2 client over libcurl for many concurrent requests.
///
/// One client runs `options.eventLoops` event-loop threads (one per core by default), each with
/// its own curl multi handle and connection cache, however many requests are in flight. A
/// request goes to the loop with the fewest in flight (the first on a tie), so one caller's
/// requests in sequence stay on one loop and reuse its connection, and a load spreads over all
/// of them. Share one client per process (or per target) rather than creating one per request.
public final class HTTPClient: Sendable {
    private let engines: [CurlEngine]

    /// Throws `HTTPTransportError` when libcurl cannot be initialised or `caFile` is unreadable.
    public init(options: HTTPClientOptions = .init()) throws {
        // The per-host cap is the client's: the loops share it out exactly (never more loops
        // than connections allowed, so each may open at least one).
        let cap = max(1, options.maxConnectionsPerHost)
        let loops = max(1, min(options.eventLoops, cap))
        var engines: [CurlEngine] = []
        for index in 0..<loops {
            var share = options
            share.maxConnectionsPerHost = cap / loops + (index < cap % loops ? 1 : 0)
            do { engines.append(try CurlEngine(options: share)) } catch {
                for engine in engines { engine.shutdown() }
                throw error
            }
        }
        self.engines = engines
    }

    deinit {
        for engine in engines { engine.shutdown() }
    }

    private func engine() -> CurlEngine {
        var chosen = engines[0]
        guard engines.count > 1 else { return chosen }
        var least = chosen.inFlight.load(ordering: .relaxed)
        for engine in engines.dropFirst() where least > 0 {
            let load = engine.inFlight.load(ordering: .relaxed)
            if load < least { (chosen, least) = (engine, load) }
        }
        return chosen
    }

    /// Sends the request and returns whatever status came back. Throws `HTTPTransportError`
    /// when no response was obtained, and `CancellationError` when the task was cancelled.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let clock = ContinuousClock()
        // NaN or negative budgets mean "no time at all"; clamp before converting to integers.
        let budget = request.timeout.isNaN ? 0 : max(0, min(request.timeout, 1e9))
        let deadline = clock.now + .nanoseconds(Int64((budget * 1e9).rounded()))
        var hop = request
        var redirects: [String] = []
        while true {
            let remaining = clock.now.duration(to: deadline)
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) * 1e-18
            guard seconds > 0 else {
                throw HTTPTransportError(kind: .timeout, message: "timed out after \(request.timeout) s",
                                         url: hop.url)
            }
            var response = try await engine().perform(hop, timeout: seconds)
            guard request.followRedirects,
                  let next = try RedirectPolicy.next(after: response, of: hop, hopsSoFar: redirects.count) else {
                response.redirects = redirects
                return response
            }
            redirects.append(next.url)
            hop = next
        }
    }

    /// Stops the event-loop thread; requests still pending fail with `HTTPTransportError`
    /// (kind `.other`), and so does every later `send`. Idempotent; blocks until the thread
    /// has ended.
    public func shutdown() {
        for engine in engines { engine.shutdown() }
    }
}
