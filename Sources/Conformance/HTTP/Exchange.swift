import ConformanceHTTP
import Foundation

/// One request and what came back (or the transport error), kept as evidence.
public struct Exchange: Sendable {
    public var request: HTTPRequest
    /// Replacing the response drops what was derived from the old one. The getter is a call
    /// that hands back its own copy, never inlined: Swift 6.3.1's optimiser (CopyPropagation)
    /// crashes release builds on the inlined borrow of this field inside async functions
    /// ("Found outside of lifetime use?!").
    public var response: HTTPResponse? {
        @inline(never) get { storedResponse }
        set {
            storedResponse = newValue
            derived = Derived()
        }
    }
    private var storedResponse: HTTPResponse?
    public var transportError: HTTPTransportError?
    public var seconds: Double
    /// The body's text and JSON, worked out once: oracles, markers and reports each ask, and
    /// an 8 MB body decoded or parsed once per question costs seconds per exchange.
    private var derived = Derived()

    public init(request: HTTPRequest, response: HTTPResponse?, transportError: HTTPTransportError?, seconds: Double) {
        self.request = request
        self.storedResponse = response
        self.transportError = transportError
        self.seconds = seconds
    }

    public var status: Int? { response?.status }

    /// The status as text, nil without an answer.
    public var statusText: String? { status.map { String($0) } }
    /// The body as JSON; nil for an empty, invalid or truncated body (a body cut at the size
    /// cap cannot be a whole document, so it is not parsed at all).
    public var json: JSONValue? {
        guard let response, !response.body.isEmpty, !response.bodyTruncated else { return nil }
        return derived.json { try? JSONParser.parse(response.body) }
    }
    public var bodyText: String {
        guard let response else { return "" }
        return derived.text { response.text }
    }

    /// Everything the request carried (URL, headers, body) as text: a marker found in an answer
    /// that is also here was echoed back, not leaked.
    public var requestText: String {
        var text = request.url + "\n" + request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        if let body = request.body { text += "\n" + String(decoding: body, as: UTF8.self) }
        // A marker percent-encoded in the URL is still the request's own.
        return text + "\n" + (request.url.removingPercentEncoding ?? "")
    }

    /// An exchange as reports show it: every part redacted, bodies bounded.
    public struct Shown: Sendable {
        public var requestLine: String
        public var requestHeaders: [String]
        public var requestBody: String?
        /// "200  (12.3 ms)"; nil when no answer came.
        public var status: String?
        public var responseHeaders: [String]
        public var responseBody: String?
        /// The transport error, when there was no answer.
        public var fault: String?
    }

    public func shown(_ redactor: Redactor, bodyLimit: Int = 2048) -> Shown {
        var out = Shown(requestLine: "\(request.method) \(redactor.redact(request.url))",
                        requestHeaders: request.headers.map { "\($0.name): \(redactor.redactHeader(name: $0.name, value: $0.value))" },
                        status: nil, responseHeaders: [])
        if let body = request.body, !body.isEmpty {
            let text = String(decoding: body, as: UTF8.self)
            out.requestBody = Self.clip(redactor.redact(Self.prefix(text, bodyLimit)), bodyLimit, total: text.count)
        }
        if let r = response {
            out.status = "\(r.status)  (\(String(format: "%.1f", seconds * 1000)) ms)"
            out.responseHeaders = r.headers.map { "\($0.name): \(redactor.redactHeader(name: $0.name, value: $0.value))" }
            if r.headersTruncated { out.responseHeaders.append("… (more headers dropped at the header limit)") }
            if !r.body.isEmpty {
                // Only the part that can be shown is decoded and redacted: the evidence of a
                // multi-megabyte body costs what its first few kilobytes cost.
                let (raw, whole) = Self.prefix(r.body, bodyLimit)
                var text = redactor.redact(raw)
                if r.bodyTruncated { text += "\n… (body cut at the size limit)" }
                out.responseBody = whole ? Self.clip(text, bodyLimit)
                    : String(text.prefix(bodyLimit)) + "\n… (cut at \(bodyLimit) characters of \(r.body.count) bytes)"
            }
        } else if let e = transportError {
            out.fault = redactor.redact(e.description)
        }
        return out
    }

    /// A redacted, size-bounded transcript for text reports: `> ` request, `< ` response, `! ` a
    /// transport error.
    public func transcript(_ redactor: Redactor, bodyLimit: Int = 2048) -> String {
        shown(redactor, bodyLimit: bodyLimit).transcript
    }

    /// What the redactor needs to see of a body cut at `limit`: the visible part plus a margin
    /// longer than any secret, so that one straddling the cut is still recognised whole.
    /// Redacting a multi-megabyte body in full would cost more than the request itself.
    static func prefix(_ s: String, _ limit: Int) -> String {
        let keep = limit + 8192
        guard s.utf8.count > keep else { return s }
        return String(s.prefix(keep))
    }

    /// The same for a body still in bytes: only the bytes that can matter are decoded. Returns
    /// the text and whether it is the whole body.
    static func prefix(_ bytes: [UInt8], _ limit: Int) -> (String, whole: Bool) {
        // A character is at most 4 bytes; the margin covers a secret straddling the cut.
        let keep = limit * 4 + 8192
        guard bytes.count > keep else { return (String(decoding: bytes, as: UTF8.self), true) }
        return (String(decoding: bytes[..<keep], as: UTF8.self), false)
    }

    static func clip(_ s: String, _ limit: Int, total: Int? = nil) -> String {
        s.count <= limit ? s : String(s.prefix(limit)) + "\n… (cut at \(limit) of \(total ?? s.count) characters)"
    }
}

/// Values computed from an exchange's response at most once. A class so that copies of an
/// exchange share the work; the lock makes that safe when they are read from several tasks.
private final class DerivedBox: @unchecked Sendable {
    // @unchecked: the mutable state is only touched under `lock`.
    private let lock = NSLock()
    private var text: String?
    private var json: JSONValue??

    func text(_ make: () -> String) -> String {
        if let done = lock.withLock({ text }) { return done }
        let made = make()
        lock.withLock { text = made }
        return made
    }

    func json(_ make: () -> JSONValue?) -> JSONValue? {
        if let done = lock.withLock({ json }) { return done }
        let made = make()
        lock.withLock { json = .some(made) }
        return made
    }
}

/// A fresh box per response (see `Exchange.response`'s setter).
private struct Derived: Sendable {
    let box = DerivedBox()
    func text(_ make: () -> String) -> String { box.text(make) }
    func json(_ make: () -> JSONValue?) -> JSONValue? { box.json(make) }
}

/// The seam between the run and the network: whatever sends a request hands back an exchange,
/// never throws. `HTTPSession` is the real one; checks and oracles can be driven through another.
public protocol APISession: Sendable {
    var timeout: Double { get }
    func send(_ req: HTTPRequest) async -> Exchange
}

extension APISession {
    public func send(_ method: String, _ url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) async -> Exchange {
        var req = HTTPRequest(method: method, url: url, headers: headers, body: body)
        req.timeout = timeout
        return await send(req)
    }
}

/// Sends requests through the shared HTTP client and records each exchange.
public struct HTTPSession: APISession {
    public let client: HTTPClient
    public let timeout: Double

    public init(client: HTTPClient, timeout: Double) {
        self.client = client
        self.timeout = timeout
    }

    public func send(_ req: HTTPRequest) async -> Exchange {
        let start = Date()
        do {
            let r = try await client.send(req)
            return Exchange(request: req, response: r, transportError: nil, seconds: r.timings.total > 0 ? r.timings.total : Date().timeIntervalSince(start))
        } catch let e as HTTPTransportError {
            return Exchange(request: req, response: nil, transportError: e, seconds: Date().timeIntervalSince(start))
        } catch is CancellationError {
            let e = HTTPTransportError(kind: .cancelled, curlCode: 0, message: "the run was interrupted", url: req.url)
            return Exchange(request: req, response: nil, transportError: e, seconds: Date().timeIntervalSince(start))
        } catch {
            let e = HTTPTransportError(kind: .other, curlCode: 0, message: "\(error)", url: req.url)
            return Exchange(request: req, response: nil, transportError: e, seconds: Date().timeIntervalSince(start))
        }
    }

    public static func jsonBody(_ value: JSONValue) -> [UInt8] { Array(JSONWriter.compact(value).utf8) }
}

extension Exchange.Shown {
    /// The parts as one text: `> ` request, `< ` response, `! ` a transport error.
    public var transcript: String {
        var lines = ["> " + requestLine] + requestHeaders.map { "> " + $0 }
        if let body = requestBody {
            lines.append(">")
            lines.append(body.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n"))
        }
        if let status {
            lines.append("< " + status)
            lines += responseHeaders.map { "< " + $0 }
            if let body = responseBody {
                lines.append("<")
                lines.append(body)
            }
        } else if let fault {
            lines.append("! " + fault)
        }
        return lines.joined(separator: "\n")
    }
}
