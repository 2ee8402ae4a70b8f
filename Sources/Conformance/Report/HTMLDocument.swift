/// The opening of every self-contained page the harness writes (report.html, leaderboard.html):
/// the same head, so the same guarantees. `title` is already escaped; `images` is the CSP's
/// img-src (the report shows screenshots from beside it, the leaderboard none).
enum HTMLDocument {
    static func opening(title: String, css: String, images: String = "data:") -> String {
        var h = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        // Belt and braces: even if some text escaped the escaper, the page may run no script and
        // load nothing from the network.
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src \(images)\"/>\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        h += "<title>\(title)</title>\n"
        // An empty icon: without one the browser asks for /favicon.ico, a 404 in a static folder.
        h += "<link rel=\"icon\" href=\"data:,\"/>\n"
        h += "<style>\n\(css)\n</style>\n</head>\n<body>\n<div class=\"page\">\n"
        return h
    }
}
