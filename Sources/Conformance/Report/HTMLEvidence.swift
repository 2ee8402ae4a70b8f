import Foundation

/// One piece of evidence on the page, shaped for its kind: an HTTP exchange as a transcript with
/// request and response told apart, database rows as a table (the raw text when it is not one
/// JSON row or list of rows), notes as prose, figures as their fixed-width table, a screenshot
/// as the image itself.
extension HTMLReport {
    /// Beyond this a single piece is cut: one runaway answer must not bury the rest of the page.
    /// results.json keeps the whole text.
    static let evidenceLimit = 40_000

    static let kindLabels: [Evidence.Kind: String] = [.exchange: "HTTP", .rows: "database", .note: "note", .figures: "figures"]

    func evidence(_ e: Evidence) -> String {
        let title = redactor.redact(e.title)
        // A merged report has the parts a shard showed, not the exchange: drawn the same way.
        if let shown = e.exchange.map({ $0.shown(redactor) }) ?? e.shown {
            return "<div class=\"ev\"><div class=\"ev-head\"><span class=\"kind exchange\">HTTP</span>\(HTMLText.escape(title))</div>\(exchange(shown))</div>\n"
        }
        // Redact before cutting: a cut through a secret would leave a part the redactor cannot match.
        var text = redactor.redact(e.body)
        if text.count > Self.evidenceLimit {
            text = String(text.prefix(Self.evidenceLimit)) + "\n… (\(text.count - Self.evidenceLimit) more characters in results.json)"
        }
        let image = e.kind == .note ? screenshot(text, title: title) : nil
        let kind = image == nil ? e.kind.rawValue : "screenshot"
        let label = image == nil ? Self.kindLabels[e.kind] ?? kind : kind
        var h = "<div class=\"ev\"><div class=\"ev-head\"><span class=\"kind \(kind)\">\(label)</span>\(HTMLText.escape(title))</div>"
        switch e.kind {
        case .exchange, .figures: h += "<pre>\(HTMLText.escape(text))</pre>"
        case .rows: h += rows(text)
        case .note: h += image ?? "<p class=\"note-text\">\(HTMLText.escape(text))</p>"
        }
        return h + "</div>\n"
    }

    /// An exchange from its parts, request and response told apart: no transcript is parsed back.
    func exchange(_ s: Exchange.Shown) -> String {
        func span(_ cls: String, _ text: String) -> String { "<span class=\"\(cls)\">\(HTMLText.escape(text))</span>\n" }
        var out = "<pre class=\"exchange\">" + span("req", "> " + s.requestLine)
        for h in s.requestHeaders { out += span("req", "> " + h) }
        if let body = s.requestBody {
            out += span("req", ">")
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) { out += span("req", "> " + line) }
        }
        if let status = s.status {
            out += span("status", "< " + status)
            for h in s.responseHeaders { out += span("resp", "< " + h) }
            if let body = s.responseBody { out += span("resp", "<") + HTMLText.escape(body) + "\n" }
        } else if let fault = s.fault {
            out += span("fault", "! " + fault)
        }
        return out + "</pre>"
    }

    /// One row (an object) as a column/value table, a list of rows as a grid; anything else as
    /// it was written.
    func rows(_ text: String) -> String {
        guard let value = try? JSONParser.parse(text) else { return "<pre>\(HTMLText.escape(text))</pre>" }
        if let row = value.objectValue, !row.isEmpty {
            var h = "<div class=\"table-wrap\"><table class=\"rows\">"
            for (column, cell) in row.pairs { h += "<tr><th>\(HTMLText.escape(column))</th>\(Self.cell(cell))</tr>" }
            return h + "</table></div>"
        }
        if let list = value.arrayValue, !list.isEmpty {
            let objects = list.compactMap(\.objectValue)
            guard objects.count == list.count else { return "<pre>\(HTMLText.escape(text))</pre>" }
            var columns: [String] = []
            for o in objects { for k in o.keys where !columns.contains(k) { columns.append(k) } }
            var h = "<div class=\"table-wrap\"><table class=\"rows\"><tr>"
            for c in columns { h += "<th>\(HTMLText.escape(c))</th>" }
            h += "</tr>"
            for o in objects { h += "<tr>" + columns.map { Self.cell(o[$0] ?? .null) }.joined() + "</tr>" }
            return h + "</table></div>"
        }
        return "<pre>\(HTMLText.escape(text))</pre>"
    }

    static func cell(_ v: JSONValue) -> String {
        if case .null = v { return "<td class=\"null\">null</td>" }
        return "<td>\(HTMLText.escape(v.plainText))</td>"
    }

    /// Characters left bare in a link: a path segment's, less those that would end or change it.
    static let pathAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#&'\""))

    static let imageTypes: Set<String> = ["png", "jpg", "jpeg", "webp", "gif"]

    /// A note that is the path of an image inside the reports folder (SC-006 keeps its
    /// screenshots in `reports/screenshots/`) is shown as that image, linked relatively so the
    /// folder still works when moved. A path elsewhere stays text: the report must not point a
    /// reader's browser at arbitrary files of the machine it ran on.
    func screenshot(_ text: String, title: String) -> String? {
        let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let folder, !path.isEmpty, !path.contains("\n"),
              Self.imageTypes.contains((path as NSString).pathExtension.lowercased()) else { return nil }
        let url = URL(fileURLWithPath: path)
        var relative: String?
        for (file, root) in [(url.standardizedFileURL.path, folder),
                             (url.resolvingSymlinksInPath().path, URL(fileURLWithPath: folder).resolvingSymlinksInPath().path)] {
            let prefix = root.hasSuffix("/") ? root : root + "/"
            if file.hasPrefix(prefix) { relative = String(file.dropFirst(prefix.count)); break }
        }
        guard let relative, !relative.isEmpty, !relative.split(separator: "/").contains("..") else { return nil }
        let src = relative.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: Self.pathAllowed) ?? "" }
            .joined(separator: "/")
        return "<figure class=\"shot\"><img src=\"\(HTMLText.escape(src))\" alt=\"\(HTMLText.escape(title))\"/>"
            + "<figcaption>\(HTMLText.escape(relative))</figcaption></figure>"
    }
}
