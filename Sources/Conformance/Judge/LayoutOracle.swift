/// SC-006's layout rules, pure: what the browser measured at one viewport (widths in CSS px)
/// against "the page fits the screen". The check drives Chromium; this judges.
public enum LayoutOracle {
    public enum Verdict: Sendable, Equatable {
        /// The page fits; the note gives the figures.
        case fits(String)
        case breach(Oracle, String)
    }

    /// The scenario's widths that are not `"WIDTH"` or `"WIDTHxHEIGHT"` within bounds: a
    /// scenario error, before any page is loaded. Nil when every width was understood.
    public static func widths(invalid: [String]) -> (oracle: Oracle, message: String)? {
        guard !invalid.isEmpty else { return nil }
        return (.scenarioError, "widths must look like \"320\" or \"320x640\": \(invalid.joined(separator: ", "))")
    }

    /// `layoutWidth` is the viewport the page laid out in (documentElement.clientWidth),
    /// `scrollWidth` the document's width, `offenders` the elements past the right edge. One px
    /// of slack on each comparison: sub-pixel rounding is not a broken layout.
    public static func judge(width: Int, mobile: Bool, layoutWidth: Int, scrollWidth: Int, offenders: [String]) -> Verdict {
        // A phone-sized screen laid out wider than itself had no responsive viewport meta tag:
        // the page was laid out at desktop width and shrunk, whatever its CSS does.
        if mobile, layoutWidth > width + 1 {
            return .breach(.responsiveLayout,
                           "on a \(width) px screen the page lays out \(layoutWidth) px wide and is shrunk to fit: no responsive <meta name=\"viewport\" content=\"width=device-width\">")
        }
        if scrollWidth > layoutWidth + 1 {
            let who = offenders.isEmpty ? "" : "; sticking out: " + offenders.joined(separator: ", ")
            return .breach(.horizontalOverflow,
                           "at \(width) px the document is \(scrollWidth) px wide, \(scrollWidth - layoutWidth) px more than its \(layoutWidth) px viewport (a horizontal scrollbar)\(who)")
        }
        return .fits("document \(scrollWidth) px wide in a \(layoutWidth) px viewport")
    }

    /// What the page's own HTTP status allows, before its layout is judged.
    public enum Page: Sendable, Equatable {
        case judge
        /// The page is not the app's page (a 404, a sign-in wall answered 401): its layout proves nothing.
        case notJudged(String)
        case broken(Oracle, String)
    }

    /// `status` is the document's status after redirects (nil: the browser reported none, as for
    /// a `file:` URL — the layout is then judged on what was drawn). A 2xx page is judged; a 5xx
    /// is the front end failing (`ServerError`); any other status is an error page whose layout
    /// says nothing about the app's.
    public static func page(status: Int?, url: String) -> Page {
        guard let status else { return .judge }
        if (200..<300).contains(status) { return .judge }
        if status >= 500 { return .broken(.serverError, "\(url) answered \(status): the front end failed to serve its page") }
        return .notJudged("\(url) answered \(status), not the app's page: the layout of an error page proves nothing")
    }
}

