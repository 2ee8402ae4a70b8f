/// The exchange did not produce an HTTP response (or, for `tooManyRedirects`, not a final one).
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case connectionRefused, timeout, dns, tls, tooManyRedirects, invalidURL
        /// The caller's task was cancelled (Ctrl-C): the request may not even have been sent.
        case cancelled
        /// An answer came, but a 429 that outlasted the caller's patience: the service could not
        /// be used, which says nothing about the app behind it.
        case rateLimited
        /// The response's header block exceeded `HTTPRequest.maxResponseHeaderBytes`; the
        /// transfer was stopped.
        case responseTooLarge
        case other
    }

    public var isCancellation: Bool { kind == .cancelled }

    public var kind: Kind
    /// The libcurl result code (CURLcode), 0 when the error was raised by this module itself.
    public var curlCode: Int
    public var message: String
    public var url: String

    public init(kind: Kind, curlCode: Int = 0, message: String, url: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = url
    }

    /// Credentials in a URL's user-info must not reach a log, so the description masks them.
    public var description: String {
        let code = curlCode == 0 ? "" : " (curl \(curlCode))"
        return "\(kind.rawValue): \(message)\(code) [\(Self.redactingUserInfo(url))]"
    }

    static func redactingUserInfo(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }
}
