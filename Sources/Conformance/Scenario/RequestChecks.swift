/// What a `request` step may send, checked when the file is loaded: a URL curl would refuse, a
/// method or header name with a space or line break in it, is the author's mistake (or a header
/// smuggled into the request) and must not reach the run as a string of transport errors.
enum RequestChecks {
    /// RFC 9110 `token`: the characters of a method or a header name.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(s))
        }
    }

    static func method(_ node: JSONNode) throws -> String {
        let text = try node.nonEmptyString()
        guard isToken(text) else { throw node.error("expected an HTTP method, one word such as GET or POST, found \"\(text)\"") }
        return text.uppercased()
    }

    static func header(_ name: String, _ node: JSONNode) throws -> Template {
        guard isToken(name) else {
            throw node.error("not a valid header name: letters, digits and !#$%&'*+-.^_`|~ only, no spaces or colons")
        }
        let value = try ScenarioLoader.template(node)
        if literals(value).unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw node.error("a header value cannot hold a line break (it would start another header)")
        }
        return value
    }

    /// nil when the URL's written parts are fine; variables are judged when they have a value.
    static func urlProblem(_ url: Template) -> String? {
        let written = literals(url)
        if written.contains(where: { $0.isWhitespace || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }) {
            return "expected a URL or path without spaces or control characters (write a space as %20)"
        }
        guard case .literal(let first)? = url.parts.first, let end = first.range(of: "://") else { return nil }
        let scheme = first[..<end.lowerBound].lowercased()
        guard !scheme.isEmpty, !scheme.contains("/"), scheme != "http", scheme != "https" else { return nil }
        return "expected an http:// or https:// URL, or a path such as \"/health\" joined to the API's URL; found a \(scheme):// URL"
    }

    private static func literals(_ t: Template) -> String {
        t.parts.map { if case .literal(let s) = $0 { return s } else { return "" } }.joined()
    }
}
