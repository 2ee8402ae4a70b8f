import Foundation

/// SC-006: the front end works at 320, 768 and 1024+ px. Judged in a real browser: headless
/// Chromium loads the page at each width and reports whether the document is wider than its
/// viewport (a horizontal scrollbar: the layout broke), which elements stick out, and whether a
/// phone-sized screen gets a phone-sized layout at all (no viewport meta tag means the page is
/// laid out at 980 px and shrunk). A screenshot per width is kept as evidence.
///
/// Why the DevTools protocol over a pipe rather than `--screenshot`/`--dump-dom`: overflow is a
/// layout fact (`scrollWidth` against `clientWidth`) that neither a DOM dump nor a clipped
/// screenshot shows, and the pipe needs no WebSocket client and no free port.
struct FrontendCheck: BuiltInCheck {
    static let name = CheckName.frontend
    static let title = "front end at 320, 768 and 1280 px"

    struct Parameters: CheckParameters {
        let widths: [String]
        let url: String?
        static let specs: [ParameterSpec] = [
            ParameterSpec("widths", .viewports, default: ["320", "768", "1280"], "Viewports, `\"WIDTH\"` or `\"WIDTHxHEIGHT\"` (100–8192 px)."),
            ParameterSpec("url", .string, "The page to load, when this scenario checks another one (default: the target's front-end URL)."),
        ]
    }

    static let defaultWidths = ["320", "768", "1280"]

    struct Viewport: Sendable {
        var width: Int
        var height: Int
        /// Phones and tablets honour `<meta name="viewport">`; desktop windows do not.
        var mobile: Bool { width < 1024 }

        /// "320" or "320x640"; a height is chosen for the device class when none is given.
        init?(_ text: String) {
            let parts = text.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let w = parts.first ?? nil, (100...8192).contains(w), parts.count <= 2 else { return nil }
            width = w
            if parts.count == 2 {
                guard let h = parts[1], (100...8192).contains(h) else { return nil }
                height = h
            } else {
                height = w < 600 ? 640 : (w < 1024 ? 1024 : 800)
            }
        }
    }

    static let noURL = "no front-end URL given (--frontend-url, FRONTEND_URL or frontend.url in the target)"

    func unmet(_ parameters: Parameters, _ target: Target) -> String? {
        parameters.url == nil && target.frontendURL == nil ? Self.noURL : nil
    }

    func run(_ input: CheckInput, _ parameters: Parameters) async -> [CaseResult] {
        let context = input.context
        let kit = CheckKit(context: context)
        let texts = parameters.widths
        let viewports = texts.compactMap(Viewport.init)
        let names = viewports.map { "front end fits a \($0.width) px wide screen" }
        if let bad = LayoutOracle.widths(invalid: texts.filter { Viewport($0) == nil }) {
            return [kit.failed("front-end widths", 0, bad.oracle, bad.message, [])]
        }
        guard let url = parameters.url ?? context.target.frontendURL else {
            return names.map { kit.skipped($0, Self.noURL) }
        }
        guard let binary = HeadlessChromium.locate(environment: context.environment) else {
            return names.map { kit.skipped($0, "no Chromium on this machine (looked for \(HeadlessChromium.candidates.joined(separator: ", ")) on PATH and $CHROME_BIN)") }
        }
        let shots = URL(fileURLWithPath: context.options.reportsDirectory).appendingPathComponent("screenshots")
        try? FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        let browser: HeadlessChromium
        do { browser = try await HeadlessChromium.launch(binary: binary) } catch {
            return names.map { CaseResult(name: $0, criterion: "", file: "", seconds: 0,
                                          outcome: .error(kind: .browserError, message: "Chromium (\(binary)) could not be started: \(error)")) }
        }
        let (cookies, signedIn) = session(for: url, input: input)
        var cases: [CaseResult] = []
        for (viewport, name) in zip(viewports, names) {
            let file = shots.appendingPathComponent("sc-006-\(context.runID)-\(viewport.width)px.png")
            var c = await judge(viewport, name: name, url: url, cookies: cookies, browser: browser, screenshot: file, kit: kit)
            if let signedIn { c.evidence.append(Evidence(.note, "session", signedIn)) }
            cases.append(c)
        }
        await browser.close()
        return cases
    }

    /// The first user's Better Auth session cookies, so the page shows the signed-in list rather
    /// than the sign-in form — but only when the front end is the auth server's own origin (the
    /// usual Next.js set-up): credentials never go to an origin they were not issued for.
    func session(for url: String, input: CheckInput) -> (cookies: [(String, String)], note: String?) {
        guard let user = input.identities.first, let header = user.cookie else { return ([], nil) }
        guard Target.origin(of: url).lowercased() == Target.origin(of: input.context.target.authURL).lowercased() else {
            return ([], "loaded signed out: the front end's origin is not the auth server's, so \(user.logicalName)'s session cookie was not sent there")
        }
        let pairs = header.split(separator: ";").compactMap { part -> (String, String)? in
            guard let eq = part.firstIndex(of: "=") else { return nil }
            let name = part[..<eq].trimmingCharacters(in: .whitespaces)
            return name.isEmpty ? nil : (name, String(part[part.index(after: eq)...]).trimmingCharacters(in: .whitespaces))
        }
        return (pairs, pairs.isEmpty ? nil : "loaded signed in as \(user.logicalName) (Better Auth session cookie set for \(Target.origin(of: url)))")
    }

    func judge(_ viewport: Viewport, name: String, url: String, cookies: [(String, String)], browser: HeadlessChromium,
               screenshot: URL, kit: CheckKit) async -> CaseResult {
        let (result, seconds) = await CheckKit.time { () -> Result<HeadlessChromium.Layout, Error> in
            do { return .success(try await browser.layout(of: url, width: viewport.width, height: viewport.height, mobile: viewport.mobile,
                                                          cookies: cookies, screenshot: screenshot)) } catch { return .failure(error) }
        }
        switch result {
        case .failure(let e as HeadlessChromium.NavigationError):
            return CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                              outcome: .error(kind: .frontendUnreachable, message: "\(url) could not be loaded: \(e.reason)"))
        case .failure(let e):
            return CaseResult(name: name, criterion: "", file: "", seconds: seconds,
                              outcome: .error(kind: .browserError, message: "\(e)"))
        case .success(let layout):
            var evidence = [Evidence(.figures, "layout at \(viewport.width)×\(viewport.height)\(viewport.mobile ? " (mobile)" : "")",
                                     layout.figures)]
            if let path = layout.screenshot { evidence.append(Evidence(.note, "screenshot \(viewport.width)×\(viewport.height)", path)) }
            switch LayoutOracle.page(status: layout.status, url: url) {
            case .judge: break
            case .notJudged(let why): return kit.notJudged(name, why, evidence)
            case .broken(let oracle, let message): return kit.failed(name, seconds, oracle, message, evidence)
            }
            switch LayoutOracle.judge(width: viewport.width, mobile: viewport.mobile, layoutWidth: layout.layoutWidth,
                                      scrollWidth: layout.scrollWidth, offenders: layout.offenders) {
            case .breach(let oracle, let message): return kit.failed(name, seconds, oracle, message, evidence)
            case .fits(let note): return kit.passed(name, seconds, [Evidence(.note, "verdict", note)] + evidence)
            }
        }
    }
}
