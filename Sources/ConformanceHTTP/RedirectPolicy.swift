/// What to send after a redirect response, following the Fetch standard's rules, because the
/// apps under test are written for browsers.
enum RedirectPolicy {
    static let maxHops = 5

    /// Names that credentials travel in; they must never reach another origin.
    static let credentialHeaders = ["Authorization", "Cookie", "Proxy-Authorization"]

    /// Headers that describe a body; dropped together with the body when a redirect turns the
    /// request into a GET.
    static let bodyHeaders = ["Content-Type", "Content-Length", "Content-Encoding",
                              "Content-Language", "Content-Location", "Transfer-Encoding"]

    /// The next hop, or `nil` when `response` is final (not a redirect, or one without
    /// `Location`, which is then handed to the caller as it is).
    static func next(after response: HTTPResponse, of request: HTTPRequest, hopsSoFar: Int) throws -> HTTPRequest? {
        guard [301, 302, 303, 307, 308].contains(response.status),
              let location = response.header("Location"), !location.isEmpty else { return nil }
        guard hopsSoFar < maxHops else {
            throw HTTPTransportError(kind: .tooManyRedirects,
                                     message: "more than \(maxHops) redirects", url: response.effectiveURL)
        }
        let base = response.effectiveURL.isEmpty ? request.url : response.effectiveURL
        guard let target = CurlURL.resolve(location, against: base),
              let targetOrigin = HTTPOrigin(url: target),
              targetOrigin.scheme == "http" || targetOrigin.scheme == "https" else {
            throw HTTPTransportError(kind: .invalidURL,
                                     message: "redirect to an unusable location \(location.debugDescription)",
                                     url: base)
        }

        var next = request
        next.url = target
        // Once dropped, credentials stay dropped, even if a later hop comes back to the
        // original origin: the chain passed through a party that could choose where it ends.
        if HTTPOrigin(url: request.url) != targetOrigin {
            next.headers.removeAll { header in credentialHeaders.contains { header.hasName($0) } }
        }
        let becomesGet = (response.status == 303 && request.method != "HEAD")
            || ((response.status == 301 || response.status == 302) && request.method == "POST")
        if becomesGet {
            next.method = "GET"
            next.body = nil
            next.headers.removeAll { header in bodyHeaders.contains { header.hasName($0) } }
        }
        return next
    }
}
