/// An HTTP/1.1 and HTTP/2 client over libcurl for many concurrent requests.
///
/// One client runs one event-loop thread, however many requests are in flight; share one
/// client per process (or per target) rather than creating one per request, so connections
/// are reused.
public final class HTTPClient: Sendable {
    private let engine: CurlEngine

    /// Throws `HTTPTransportError` when libcurl cannot be initialised or `caFile` is unreadable.
    public init(options: HTTPClientOptions = .init()) throws {
        engine = try CurlEngine(options: options)
    }

    deinit {
        engine.shutdown()
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
            var response = try await engine.perform(hop, timeout: seconds)
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
        engine.shutdown()
    }
}
