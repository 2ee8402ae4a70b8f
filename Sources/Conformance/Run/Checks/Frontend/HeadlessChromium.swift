import Foundation

/// One headless Chromium process driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: commands in on fd 3, answers out on fd 4, NUL-separated JSON).
/// Foundation's `Process` maps only fds 0–2, so a `/bin/sh` wrapper moves them: our stdin pipe
/// becomes fd 3, our stdout pipe fd 4, and Chromium's own chatter goes to the null device.
final class HeadlessChromium: Sendable {
    static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    struct NavigationError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    /// What the page measured, in CSS pixels.
    struct Layout: Sendable {
        var layoutWidth: Int
        var scrollWidth: Int
        var scrollHeight: Int
        var innerWidth: Int
        var offenders: [String]
        var title: String
        var screenshot: String?
        /// The HTTP status of the page's own document after redirects; nil when the browser
        /// reported none (a `file:` URL, a document served from cache without a response).
        var status: Int?
        /// Errors the page logged while loading: uncaught exceptions, `console.error`, and the
        /// browser's own error entries (a blocked resource, a Content-Security-Policy violation).
        var consoleErrors: [String] = []

        var figures: String {
            (["title: \(title)", "HTTP status: \(status.map(String.init) ?? "not reported")", "viewport (documentElement.clientWidth): \(layoutWidth) px", "window.innerWidth: \(innerWidth) px",
              "document scrollWidth: \(scrollWidth) px", "document scrollHeight: \(scrollHeight) px"]
                + (offenders.isEmpty ? [] : ["elements past the right edge: " + offenders.joined(separator: ", ")])
                + (consoleErrors.isEmpty ? [] : ["errors the page logged: " + consoleErrors.prefix(5).joined(separator: "; ")])).joined(separator: "\n")
        }
    }

    private struct State {
        var buffer: [UInt8] = []
        var responses: [Int: JSONValue] = [:]
        var events: [JSONValue] = []
        var nextID = 0
        var closed = false
    }

    private let process: Process
    private let commands: FileHandle
    private let answers: FileHandle
    private let profile: URL
    private let state = Locked(State())

    private init(process: Process, commands: FileHandle, answers: FileHandle, profile: URL) {
        self.process = process
        self.commands = commands
        self.answers = answers
        self.profile = profile
    }

    /// `$CHROME_BIN`, else the first candidate found on PATH.
    static func locate(environment: [String: String]) -> String? {
        let fm = FileManager.default
        if let explicit = environment["CHROME_BIN"], fm.isExecutableFile(atPath: explicit) { return explicit }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in candidates {
            for dir in path.split(separator: ":") where !dir.isEmpty {
                let full = "\(dir)/\(name)"
                if fm.isExecutableFile(atPath: full) { return full }
            }
        }
        return nil
    }

    static func launch(binary: String) async throws -> HeadlessChromium {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"exec "$0" "$@" 3<&0 4>&1 1>/dev/null 0</dev/null"#, binary,
                             "--headless=new", "--remote-debugging-pipe",
                             // CI runs as root, where Chromium refuses to start with its sandbox.
                             "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                             "--disable-background-networking", "--user-data-dir=\(profile.path)", "about:blank"]
        let toBrowser = Pipe(), fromBrowser = Pipe()
        process.standardInput = toBrowser
        process.standardOutput = fromBrowser
        process.standardError = FileHandle.nullDevice
        try process.run()
        let browser = HeadlessChromium(process: process, commands: toBrowser.fileHandleForWriting,
                                       answers: fromBrowser.fileHandleForReading, profile: profile)
        browser.startReading()
        // The first answer proves the pipe works; a browser that died at start fails here.
        _ = try await browser.command("Browser.getVersion", timeout: 20)
        return browser
    }

    private func startReading() {
        answers.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                state.withLock { $0.closed = true }
                return
            }
            feed(Array(data))
        }
    }

    private func feed(_ bytes: [UInt8]) {
        state.withLock { s in
            s.buffer += bytes
            while let end = s.buffer.firstIndex(of: 0) {
                let message = Array(s.buffer[..<end])
                s.buffer.removeSubrange(...end)
                guard let json = try? JSONParser.parse(message) else { continue }
                if let id = json["id"]?.intValue { s.responses[id] = json } else { s.events.append(json) }
            }
        }
    }

    /// Sends one command and waits for its answer. Polling keeps this free of continuations that
    /// a dying browser could leave unresumed; the few dozen commands of a check cost nothing.
    func command(_ method: String, _ params: JSONObject = JSONObject(), session: String? = nil, timeout: Double = 30) async throws -> JSONValue {
        let id: Int = try state.withLock { s in
            guard !s.closed else { throw ProtocolError(description: "Chromium has exited") }
            s.nextID += 1
            return s.nextID
        }
        var message = JSONObject([("id", .number(Double(id))), ("method", .string(method)), ("params", .object(params))])
        if let session { message["sessionId"] = .string(session) }
        guard process.isRunning else { throw ProtocolError(description: "Chromium has exited") }
        try commands.write(contentsOf: Data(Array(JSONWriter.compact(.object(message)).utf8) + [0]))
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            let (answer, closed) = state.withLock { s in (s.responses.removeValue(forKey: id), s.closed) }
            if let answer {
                if let error = answer["error"] {
                    throw ProtocolError(description: "\(method): \(error["message"]?.stringValue ?? JSONWriter.compact(error))")
                }
                return answer["result"] ?? .object(JSONObject())
            }
            if closed { throw ProtocolError(description: "Chromium exited during \(method)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ProtocolError(description: "\(method) got no answer in \(Int(timeout)) s")
    }

    /// Waits for an event of one session; false when it did not come in time.
    func event(_ method: String, session: String, timeout: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            let found = state.withLock { s -> Bool in
                guard let i = s.events.firstIndex(where: { $0["method"]?.stringValue == method && $0["sessionId"]?.stringValue == session }) else { return false }
                s.events.remove(at: i)
                return true
            }
            if found { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Removes and returns every event of one method and session received so far.
    func drain(_ method: String, session: String) -> [JSONValue] {
        state.withLock { s in
            let mine = s.events.filter { $0["method"]?.stringValue == method && $0["sessionId"]?.stringValue == session }
            s.events.removeAll { $0["sessionId"]?.stringValue == session && $0["method"]?.stringValue?.hasPrefix("Network.") == true }
            return mine
        }
    }

    /// Opens the page in a fresh tab of the given size, lets it settle, measures and photographs it.
    func layout(of url: String, width: Int, height: Int, mobile: Bool, cookies: [(String, String)], screenshot: URL) async throws -> Layout {
        let target = try await command("Target.createTarget", JSONObject([("url", .string("about:blank"))]))
        guard let targetID = target["targetId"]?.stringValue else { throw ProtocolError(description: "Target.createTarget returned no targetId") }
        // Each width gets a fresh tab, closed whatever happened, so no state leaks between widths.
        let result: Result<Layout, Error>
        do {
            result = .success(try await measure(targetID, url: url, width: width, height: height, mobile: mobile, cookies: cookies,
                                                screenshot: screenshot))
        } catch {
            result = .failure(error)
        }
        _ = try? await command("Target.closeTarget", JSONObject([("targetId", .string(targetID))]), timeout: 5)
        return try result.get()
    }

    private func measure(_ targetID: String, url: String, width: Int, height: Int, mobile: Bool, cookies: [(String, String)],
                         screenshot: URL) async throws -> Layout {
        let attached = try await command("Target.attachToTarget", JSONObject([("targetId", .string(targetID)), ("flatten", .bool(true))]))
        guard let session = attached["sessionId"]?.stringValue else { throw ProtocolError(description: "Target.attachToTarget returned no sessionId") }

        _ = try await command("Page.enable", session: session)
        // For the status of the page's own document: a 404 or 500 page laid out nicely proves
        // nothing about the app's front end.
        _ = try await command("Network.enable", session: session)
        _ = try await command("Runtime.enable", session: session)
        _ = try await command("Log.enable", session: session)
        for (name, value) in cookies {
            _ = try await command("Network.setCookie", JSONObject([("name", .string(name)), ("value", .string(value)), ("url", .string(url))]),
                                  session: session)
        }
        _ = try await command("Emulation.setDeviceMetricsOverride", JSONObject([
            ("width", .number(Double(width))), ("height", .number(Double(height))),
            ("deviceScaleFactor", .number(1)), ("mobile", .bool(mobile))]), session: session)
        let navigation = try await command("Page.navigate", JSONObject([("url", .string(url))]), session: session, timeout: 60)
        if let failure = navigation["errorText"]?.stringValue, !failure.isEmpty { throw NavigationError(reason: failure) }
        _ = try await event("Page.loadEventFired", session: session, timeout: 30)
        // Client-rendered front ends (Next.js) hydrate after `load`; give them a moment.
        try await Task.sleep(for: .milliseconds(800))
        let frame = navigation["frameId"]?.stringValue
        let documents = drain("Network.responseReceived", session: session).compactMap { $0["params"] }
            .filter { $0["type"]?.stringValue == "Document" && (frame == nil || $0["frameId"]?.stringValue == frame) }
        let status = documents.last?["response"]?["status"]?.intValue

        let measured = try await command("Runtime.evaluate", JSONObject([("expression", .string(Self.probe)), ("returnByValue", .bool(true))]),
                                         session: session)
        guard let text = measured["result"]?["value"]?.stringValue, let m = try? JSONParser.parse(text) else {
            throw ProtocolError(description: "the page did not run the layout probe: \(JSONWriter.compact(measured).prefix(300))")
        }
        var layout = Layout(layoutWidth: m["clientWidth"]?.intValue ?? 0, scrollWidth: m["scrollWidth"]?.intValue ?? 0,
                            scrollHeight: m["scrollHeight"]?.intValue ?? 0, innerWidth: m["innerWidth"]?.intValue ?? 0,
                            offenders: m["offenders"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                            title: m["title"]?.stringValue ?? "", status: status)
        layout.consoleErrors = consoleErrors(session: session)

        // The whole width the page really occupies (up to 3 screens), so an overflow shows.
        let clipWidth = max(width, min(layout.scrollWidth, width * 3))
        let clipHeight = max(height, min(layout.scrollHeight, 4000))
        let shot = try? await command("Page.captureScreenshot", JSONObject([
            ("format", .string("png")), ("captureBeyondViewport", .bool(true)),
            ("clip", .object(JSONObject([("x", .number(0)), ("y", .number(0)), ("width", .number(Double(clipWidth))),
                                          ("height", .number(Double(clipHeight))), ("scale", .number(1))])))]), session: session, timeout: 60)
        if let b64 = shot?["data"]?.stringValue, let png = Data(base64Encoded: b64), (try? png.write(to: screenshot)) != nil {
            layout.screenshot = screenshot.path
        }
        return layout
    }

    /// What the page logged as an error so far (see `Layout.consoleErrors`).
    private func consoleErrors(session: String) -> [String] {
        var out: [String] = []
        for e in drain("Runtime.exceptionThrown", session: session) {
            let details = e["params"]?["exceptionDetails"]
            out.append("exception: " + (details?["exception"]?["description"]?.stringValue ?? details?["text"]?.stringValue ?? "?"))
        }
        for e in drain("Runtime.consoleAPICalled", session: session) where e["params"]?["type"]?.stringValue == "error" {
            let args = e["params"]?["args"]?.arrayValue ?? []
            out.append("console.error: " + args.map { $0["value"]?.stringValue ?? $0["description"]?.stringValue ?? "" }.joined(separator: " "))
        }
        for e in drain("Log.entryAdded", session: session) where e["params"]?["entry"]?["level"]?.stringValue == "error" {
            out.append("browser: " + (e["params"]?["entry"]?["text"]?.stringValue ?? "?"))
        }
        return out
    }

    /// Measures in the page. Offenders are listed only as a hint for the reader: the verdict is
    /// the document's own scroll width, which is what a user sees as a sideways scrollbar.
    static let probe = """
    (() => {
      const de = document.documentElement, body = document.body;
      const vw = de.clientWidth;
      const sw = Math.max(de.scrollWidth, body ? body.scrollWidth : 0);
      const sh = Math.max(de.scrollHeight, body ? body.scrollHeight : 0);
      const offenders = [];
      if (sw > vw + 1) {
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > vw + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 1)) {
            let d = el.tagName.toLowerCase();
            if (el.id) d += '#' + el.id;
            else if (typeof el.className === 'string' && el.className.trim()) d += '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.');
            offenders.push(d + ' (right edge ' + Math.round(r.right) + ' px)');
            if (offenders.length >= 5) break;
          }
        }
      }
      return JSON.stringify({clientWidth: vw, innerWidth: window.innerWidth, scrollWidth: sw, scrollHeight: sh, offenders, title: document.title});
    })()
    """

    /// Asks the browser to quit, then makes sure it did, and removes its throw-away profile.
    func close() async {
        _ = try? await command("Browser.close", timeout: 5)
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        answers.readabilityHandler = nil
        try? FileManager.default.removeItem(at: profile)
    }
}
