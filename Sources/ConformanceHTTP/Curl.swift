// Every call into libcurl lives in this file. The rest of the module sees Swift values only.
//
// Shape: one curl multi handle driven by one dedicated thread (the "loop"). Callers hand
// transfers over through a lock-protected inbox and wake the loop with curl_multi_wakeup; the
// loop runs them all concurrently and resumes each caller's continuation on completion. Easy
// handles are pooled with the options every exchange shares set once (only what differs per
// request is set per request); connections live in the multi's cache, so keep-alive
// connections are reused across requests. An HTTPClient runs one engine per core.

import CCurl
import Foundation
import Synchronization

// MARK: - Global initialisation

/// curl_global_init must run once, before any other libcurl call. A global's initialiser runs
/// exactly once and thread-safely, which is the guarantee needed.
private let curlGlobalInitCode: UInt32 = ccurl_global_init_all().rawValue

// MARK: - Engine

/// Owns the multi handle and the loop thread.
///
/// `@unchecked Sendable` because its state is split by discipline the compiler cannot see:
/// `multi` is immutable (and curl_multi_wakeup is thread-safe); the inbox fields are guarded by
/// `condition`; `active` and `pool` are touched only by the loop thread.
final class CurlEngine: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let options: HTTPClientOptions
    /// Exchanges handed to this engine and not yet answered (HTTPClient picks the least busy).
    let inFlight = Atomic<Int>(0)

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var inbox: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var wakePending = false
    private var stopping = false
    private var exited = false

    // Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var pool: [CurlEasy] = []
    private let poolLimit: Int
    private let defaultHeaders = DefaultHeaderLists()

    init(options: HTTPClientOptions) throws {
        guard curlGlobalInitCode == CURLE_OK.rawValue else {
            throw HTTPTransportError(kind: .other, curlCode: Int(curlGlobalInitCode),
                                     message: "curl_global_init failed", url: "")
        }
        if let caFile = options.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw HTTPTransportError(kind: .tls, message: "CA file is not readable: \(caFile)", url: "")
        }
        guard let multi = curl_multi_init() else {
            throw HTTPTransportError(kind: .other, message: "curl_multi_init failed", url: "")
        }
        self.multi = multi
        self.options = options
        let perHost = max(1, options.maxConnectionsPerHost)
        // Beyond this many connections to one host curl queues transfers instead of opening
        // more, which keeps a load phase from exhausting the server's accept backlog.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, perHost)
        // The default cache size follows the number of transfers in flight, so idle keep-alive
        // connections would be closed whenever concurrency dips; a fixed size keeps them.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(perHost * 4, 16))
        poolLimit = max(perHost * 4, 64)

        let thread = Thread { [self] in self.run() }
        thread.name = "conformance-http"
        thread.start()
    }

    // MARK: Caller side

    /// Runs one exchange (no redirect handling) with the given time budget in seconds.
    func perform(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        let transfer = CurlTransfer(request: request, timeout: timeout)
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        let outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                submit(transfer, continuation)
            }
        } onCancel: {
            cancel(transfer)
        }
        // Here, on the caller's thread, not on the loop's.
        return outcome.response
    }

    private func submit(_ transfer: CurlTransfer, _ continuation: CheckedContinuation<CurlOutcome, any Error>) {
        condition.lock()
        if stopping {
            condition.unlock()
            continuation.resume(throwing: Self.shutdownError(transfer.request.url))
            return
        }
        if transfer.cancelRequested {
            // Cancelled before it was handed over: never start it.
            condition.unlock()
            continuation.resume(throwing: CancellationError())
            return
        }
        transfer.continuation = continuation
        inbox.append(transfer)
        wakeLocked()
        condition.unlock()
    }

    private func cancel(_ transfer: CurlTransfer) {
        condition.lock()
        transfer.cancelRequested = true
        if !stopping && transfer.continuation != nil {
            cancellations.append(transfer)
            wakeLocked()
        }
        condition.unlock()
    }

    /// One wake-up per batch is enough: the loop drains the whole inbox when it wakes.
    /// Called with `condition` held and only while not stopping, so the multi handle is alive.
    private func wakeLocked() {
        if !wakePending {
            wakePending = true
            _ = curl_multi_wakeup(multi)
        }
    }

    /// Stops the loop, fails whatever is pending and waits for the thread to end. Idempotent.
    func shutdown() {
        condition.lock()
        if !stopping {
            stopping = true
            _ = curl_multi_wakeup(multi)
        }
        while !exited {
            condition.wait()
        }
        condition.unlock()
    }

    private static func shutdownError(_ url: String) -> HTTPTransportError {
        HTTPTransportError(kind: .other, message: "HTTP client was shut down", url: url)
    }

    /// Hands the outcome to the waiting caller exactly once, whichever of completion,
    /// cancellation or shutdown gets there first.
    private func finish(_ transfer: CurlTransfer, _ result: Result<CurlOutcome, any Error>) {
        condition.lock()
        let continuation = transfer.continuation
        transfer.continuation = nil
        condition.unlock()
        continuation?.resume(with: result)
    }

    // MARK: Loop thread

    private func run() {
        var incoming: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var running: Int32 = 0
        var queued: Int32 = 0

        while true {
            condition.lock()
            swap(&incoming, &inbox)
            swap(&cancelled, &cancellations)
            wakePending = false
            let stop = stopping
            condition.unlock()
            if stop { break }

            // Start before cancelling: a transfer cancelled right after submission is in both
            // batches and must be removed again, not left running.
            for transfer in incoming { start(transfer) }
            incoming.removeAll(keepingCapacity: true)
            for transfer in cancelled { abort(transfer) }
            cancelled.removeAll(keepingCapacity: true)

            _ = curl_multi_perform(multi, &running)

            while let message = curl_multi_info_read(multi, &queued) {
                // The message is invalidated by curl_multi_remove_handle: read it first.
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                guard let transfer = active.removeValue(forKey: handle) else { continue }
                let result = transfer.outcome(code)
                release(transfer)
                finish(transfer, result)
            }

            // Returns early on socket activity, curl's own timers, or curl_multi_wakeup.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }

        for transfer in active.values {
            release(transfer)
            finish(transfer, .failure(Self.shutdownError(transfer.request.url)))
        }
        active.removeAll()
        for transfer in incoming {
            finish(transfer, .failure(Self.shutdownError(transfer.request.url)))
        }
        incoming.removeAll()
        for easy in pool { easy.cleanup() }
        pool.removeAll()
        _ = curl_multi_cleanup(multi)
        defaultHeaders.free()

        condition.lock()
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    private func start(_ transfer: CurlTransfer) {
        let easy: CurlEasy
        if let pooled = pool.popLast() {
            easy = pooled
        } else if let fresh = CurlEasy(), fresh.setShared(options) {
            easy = fresh
        } else {
            finish(transfer, .failure(HTTPTransportError(kind: .other, message: "curl_easy_init failed",
                                                         url: transfer.request.url)))
            return
        }
        if let error = transfer.configure(easy, defaults: defaultHeaders) {
            transfer.freeHeaderList()
            recycle(easy)
            finish(transfer, .failure(error))
            return
        }
        transfer.easy = easy
        let added = curl_multi_add_handle(multi, easy.handle)
        guard added == CURLM_OK else {
            transfer.easy = nil
            transfer.freeHeaderList()
            recycle(easy)
            finish(transfer, .failure(HTTPTransportError(kind: .other, curlCode: Int(added.rawValue),
                                                         message: "curl_multi_add_handle failed",
                                                         url: transfer.request.url)))
            return
        }
        active[easy.handle] = transfer
    }

    /// Cancellation of a transfer that is still running; one that already finished is ignored.
    private func abort(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy, active.removeValue(forKey: easy.handle) != nil else { return }
        release(transfer)
        finish(transfer, .failure(CancellationError()))
    }

    /// Detaches a transfer from its easy handle and returns the handle to the pool.
    private func release(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy else { return }
        _ = curl_multi_remove_handle(multi, easy.handle)
        transfer.easy = nil
        transfer.freeHeaderList()
        recycle(easy)
    }

    private func recycle(_ easy: CurlEasy) {
        if pool.count < poolLimit {
            // Not reset: the shared options stay, and the next configure sets every option an
            // exchange may have changed. The header list is about to be freed: unhook it.
            _ = ccurl_easy_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, nil)
            pool.append(easy)
        } else {
            easy.cleanup()
        }
    }
}

// MARK: - Easy handle

/// An easy handle and its error buffer, which must outlive every transfer run on the handle.
/// Loop thread only.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    func cleanup() {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// The options every exchange of the engine shares, set once per handle (a handle is never
    /// reset). False when libcurl refuses one: the handle must not be used.
    func setShared(_ options: HTTPClientOptions) -> Bool {
        let h = handle
        var failed = false
        func set(_ code: CURLcode) { if code != CURLE_OK { failed = true } }
        // Only HTTP(S): a URL from an app under test must not make us read file:// or speak FTP.
        set(ccurl_easy_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https"))
        // Send the path as written: probes put `..` and other hostile text in id positions,
        // and curl would otherwise squash dot-segments into a different request.
        set(ccurl_easy_setopt_long(h, CURLOPT_PATH_AS_IS, 1))
        // Signals are process-wide; a library on a background thread must not use them.
        set(ccurl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        // Redirects are followed in Swift (HTTPClient) so credentials can be stripped per hop.
        set(ccurl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0))
        set(ccurl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0))
        set(ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0))
        if let caFile = options.caFile {
            set(ccurl_easy_setopt_string(h, CURLOPT_CAINFO, caFile))
        }
        // A request's own User-Agent header takes the place of this one (curl sends a custom
        // header instead of its own of the same name).
        if !options.userAgent.isEmpty {
            set(ccurl_easy_setopt_string(h, CURLOPT_USERAGENT, options.userAgent))
        }
        set(ccurl_easy_setopt_write_callback(h, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let length = size * count
            guard let user, let data else { return length }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
        })
        set(ccurl_easy_setopt_write_callback(h, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            let length = size * count
            guard let user, let data else { return length }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
            return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        })
        if failed { cleanup() }
        return !failed
    }
}

// MARK: - Default header lists

/// What a request without headers of its own sends instead of curl's defaults: "Name:" with no
/// value tells curl to send none of its own `Accept: */*`, `Expect: 100-continue` (large
/// bodies) and form Content-Type (bodies). Built once per engine; loop thread only.
final class DefaultHeaderLists {
    private(set) var plain: UnsafeMutablePointer<curl_slist>?
    private(set) var body: UnsafeMutablePointer<curl_slist>?

    init() {
        plain = curl_slist_append(curl_slist_append(nil, "Accept:"), "Expect:")
        body = curl_slist_append(curl_slist_append(curl_slist_append(nil, "Accept:"), "Expect:"), "Content-Type:")
    }

    /// After the last handle is gone.
    func free() {
        curl_slist_free_all(plain)
        curl_slist_free_all(body)
        plain = nil
        body = nil
    }
}

// MARK: - Transfer

/// One exchange in flight.
///
/// `@unchecked Sendable`: `continuation` and `cancelRequested` are guarded by the engine's
/// lock; everything else is touched only by the loop thread (libcurl calls the callbacks from
/// curl_multi_perform, on that thread).
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    let timeout: Double

    // Guarded by the engine's lock.
    var continuation: CheckedContinuation<CurlOutcome, any Error>?
    var cancelRequested = false

    // Loop thread only.
    var easy: CurlEasy?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headerBlock = HeaderBlock()
    private var body: [UInt8] = []
    private var truncated = false
    private var headerBytes = 0
    private var headerOverflow = false

    init(request: HTTPRequest, timeout: Double) {
        self.request = request
        self.timeout = timeout
    }

    func freeHeaderList() {
        if let list = headerList {
            curl_slist_free_all(list)
            headerList = nil
        }
    }

    /// Sets every option of the exchange that is not shared (`CurlEasy.setShared`), undoing
    /// whatever the handle's previous exchange set; returns an error instead of starting a
    /// request that would not go out as asked.
    func configure(_ easy: CurlEasy, defaults: DefaultHeaderLists) -> HTTPTransportError? {
        let h = easy.handle
        let url = request.url
        if url.utf8.contains(0) {
            return HTTPTransportError(kind: .invalidURL, message: "URL contains a NUL byte", url: url)
        }
        if let problem = Self.headerProblem(request.headers) {
            return HTTPTransportError(kind: .other, message: problem, url: url)
        }
        if request.method.isEmpty || request.method.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            return HTTPTransportError(kind: .other, message: "invalid HTTP method", url: url)
        }

        easy.errorBuffer[0] = 0
        var failed: CURLcode = CURLE_OK
        func set(_ code: CURLcode) {
            if failed == CURLE_OK && code != CURLE_OK { failed = code }
        }

        set(ccurl_easy_setopt_string(h, CURLOPT_URL, url))
        set(ccurl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)))
        set(ccurl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))

        // The transfer is kept alive by the engine's `active` table while curl may call back,
        // so an unretained pointer is enough.
        let me = Unmanaged.passUnretained(self).toOpaque()
        set(ccurl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me))
        set(ccurl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me))

        // Back to a plain GET (HTTPGET also clears NOBODY), whatever the last exchange was.
        set(ccurl_easy_setopt_long(h, CURLOPT_HTTPGET, 1))
        set(ccurl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, nil))

        // Method and body. CURLOPT_COPYPOSTFIELDS copies the bytes, so the Swift array need not
        // outlive this call; an empty body still needs a valid pointer, or curl would fall back
        // to its default read callback (stdin).
        let method = request.method
        var sendsBody = false
        if method == "HEAD" {
            set(ccurl_easy_setopt_long(h, CURLOPT_NOBODY, 1))
        } else if request.body != nil || method == "POST" || method == "PUT" || method == "PATCH" {
            sendsBody = true
            let bytes = request.body ?? []
            set(ccurl_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
            if bytes.isEmpty {
                set(ccurl_easy_setopt_string(h, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                bytes.withUnsafeBytes { raw in
                    set(ccurl_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress)))
                }
            }
            if method != "POST" {
                set(ccurl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, method))
            }
        } else if method != "GET" {
            set(ccurl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, method))
        }

        // Headers exactly as given. curl would otherwise add `Accept: */*`, `Expect:
        // 100-continue` (large bodies) and a form Content-Type (bodies); "Name:" with no value
        // tells curl to send none of its own.
        if request.headers.isEmpty {
            // The common case under load: the engine's own lists, built once, never freed here.
            let list = sendsBody ? defaults.body : defaults.plain
            set(ccurl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, list))
            return failed == CURLE_OK ? nil : Self.transportError(failed, easy: easy, url: url)
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        var hasAccept = false, hasExpect = false, hasContentType = false
        for header in request.headers {
            if header.hasName("Accept") { hasAccept = true }
            if header.hasName("Expect") { hasExpect = true }
            if header.hasName("Content-Type") { hasContentType = true }
            // "Name;" is curl's spelling of a header with an empty value.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            list = curl_slist_append(list, line)
        }
        if !hasAccept { list = curl_slist_append(list, "Accept:") }
        if !hasExpect { list = curl_slist_append(list, "Expect:") }
        if sendsBody && !hasContentType { list = curl_slist_append(list, "Content-Type:") }
        headerList = list
        set(ccurl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, list))

        if failed != CURLE_OK {
            return Self.transportError(failed, easy: easy, url: url)
        }
        return nil
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        // 0 would mean "no timeout" to curl; a budget that small means "already late".
        // Clamp as a Double first: converting an out-of-range Double to Int traps.
        guard seconds.isFinite else { return Int(Int32.max) }
        return Int(max(1, min(Double(Int32.max), (seconds * 1000).rounded(.up))))
    }

    /// CR, LF or NUL in a header would let a hostile value inject extra header lines.
    private static func headerProblem(_ headers: [HTTPHeader]) -> String? {
        for header in headers {
            if header.name.isEmpty { return "empty header name" }
            for byte in header.name.utf8 where byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: ":") {
                return "invalid character in header name \(header.name.debugDescription)"
            }
            for byte in header.value.utf8 where byte == 0x0D || byte == 0x0A || byte == 0 {
                return "CR, LF or NUL in the value of header \(header.name)"
            }
        }
        return nil
    }

    // MARK: Callbacks (loop thread, inside curl_multi_perform)

    /// Returns the number of bytes taken; anything else makes curl abort the transfer, which is
    /// how the size cap stops a body that would never end.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let room = request.maxResponseBytes - body.count
        if bytes.count <= room {
            body.append(contentsOf: bytes)
            return bytes.count
        }
        if room > 0 {
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room]))
        }
        truncated = true
        return 0
    }

    /// curl delivers one header line per call, status line and final blank line included.
    /// Returns the bytes taken; anything else makes curl stop the transfer (the header cap).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        headerBytes += bytes.count
        if headerBytes > request.maxResponseHeaderBytes {
            headerOverflow = true
            return 0
        }
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        guard end > 0 else { return bytes.count }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        // A new status line starts a new header block (after 1xx interim responses): only the
        // final response's headers are reported.
        if end >= 5 && line[0] == 0x48 && line[1] == 0x54 && line[2] == 0x54 && line[3] == 0x50 && line[4] == 0x2F {
            headerBlock.restart()
            return bytes.count
        }
        if let length = headerBlock.take(line, cap: request.maxResponseHeaders), length > 0, request.maxResponseBytes > 0 {
            // Trust the announced length only up to the cap: it is the server's claim.
            body.reserveCapacity(min(length, request.maxResponseBytes))
        }
        return bytes.count
    }

    // MARK: Completion

    func outcome(_ code: CURLcode) -> Result<CurlOutcome, any Error> {
        guard let easy else {
            return .failure(HTTPTransportError(kind: .other, message: "transfer lost its handle", url: request.url))
        }
        if headerOverflow {
            return .failure(HTTPTransportError(
                kind: .responseTooLarge, curlCode: Int(code.rawValue),
                message: "the response's headers exceeded \(request.maxResponseHeaderBytes) bytes; the transfer was stopped",
                url: request.url))
        }
        // A write error we caused ourselves is the size cap, not a failure.
        guard code == CURLE_OK || (code == CURLE_WRITE_ERROR && truncated) else {
            return .failure(Self.transportError(code, easy: easy, url: request.url))
        }
        let h = easy.handle
        var status = 0
        _ = ccurl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>? = nil
        _ = ccurl_easy_getinfo_string(h, CURLINFO_EFFECTIVE_URL, &effective)
        // Nearly always the URL that was asked for: compare before making a String of it.
        let effectiveURL: String
        if let effective, strcmp(effective, request.url) != 0 {
            effectiveURL = String(cString: effective)
        } else {
            effectiveURL = request.url
        }
        var connect = 0.0, firstByte = 0.0, total = 0.0
        _ = ccurl_easy_getinfo_double(h, CURLINFO_CONNECT_TIME, &connect)
        _ = ccurl_easy_getinfo_double(h, CURLINFO_STARTTRANSFER_TIME, &firstByte)
        _ = ccurl_easy_getinfo_double(h, CURLINFO_TOTAL_TIME, &total)
        let outcome = CurlOutcome(status: status, headers: headerBlock, body: body, bodyTruncated: truncated,
                                  effectiveURL: effectiveURL, timings: HTTPTimings(connect: connect, firstByte: firstByte, total: total))
        headerBlock = HeaderBlock()
        body = []
        return .success(outcome)
    }

    static func transportError(_ code: CURLcode, easy: CurlEasy, url: String) -> HTTPTransportError {
        let detail = String(cString: easy.errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return HTTPTransportError(kind: kind(of: code), curlCode: Int(code.rawValue), message: message, url: url)
    }

    static func kind(of code: CURLcode) -> HTTPTransportError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL
        default:
            return .other
        }
    }
}

// MARK: - Outcome

/// What the loop thread hands back: the response with its headers still as bytes.
struct CurlOutcome: Sendable {
    let status: Int
    let headers: HeaderBlock
    let body: [UInt8]
    let bodyTruncated: Bool
    let effectiveURL: String
    let timings: HTTPTimings

    var response: HTTPResponse {
        HTTPResponse(status: status, headers: headers.headers(), body: body, bodyTruncated: bodyTruncated,
                     headersTruncated: headers.dropped, effectiveURL: effectiveURL, timings: timings)
    }
}

// MARK: - URL parsing (curl's URL API, so redirects resolve exactly as curl would send them)

enum CurlURL {
    /// `reference` (absolute, scheme-relative, or relative) resolved against `base`.
    static func resolve(_ reference: String, against base: String) -> String? {
        guard !reference.utf8.contains(0), !base.utf8.contains(0), let u = curl_url() else { return nil }
        defer { curl_url_cleanup(u) }
        guard curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK,
              curl_url_set(u, CURLUPART_URL, reference, 0) == CURLUE_OK else { return nil }
        return part(u, CURLUPART_URL, flags: 0)
    }

    /// Scheme (lower-cased), host (lower-cased) and port (the scheme's default if absent).
    static func origin(_ url: String) -> HTTPOrigin? {
        guard !url.utf8.contains(0), let u = curl_url() else { return nil }
        defer { curl_url_cleanup(u) }
        guard curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK,
              let scheme = part(u, CURLUPART_SCHEME, flags: 0),
              let host = part(u, CURLUPART_HOST, flags: 0),
              let portText = part(u, CURLUPART_PORT, flags: ccurl_url_default_port),
              let port = Int(portText) else { return nil }
        return HTTPOrigin(scheme: scheme.lowercased(), host: host.lowercased(), port: port)
    }

    private static func part(_ u: OpaquePointer, _ what: CURLUPart, flags: UInt32) -> String? {
        var out: UnsafeMutablePointer<CChar>? = nil
        guard curl_url_get(u, what, &out, flags) == CURLUE_OK, let out else { return nil }
        defer { curl_free(out) }
        return String(cString: out)
    }
}

// MARK: - Library version

/// The libcurl this process runs with (the shared library's, not the headers'), for
/// `conformance --version`: a bug report needs the versions that actually answered.
public enum CurlLibrary {
    /// "8.5.0", or "unknown" if libcurl gives no version.
    public static var version: String {
        guard let info = curl_version_info(ccurl_version_now()), let text = info.pointee.version else { return "unknown" }
        return String(cString: text)
    }

    /// The TLS library libcurl was built with ("OpenSSL/3.0.15"), or nil without TLS.
    public static var tlsBackend: String? {
        guard let info = curl_version_info(ccurl_version_now()), let text = info.pointee.ssl_version else { return nil }
        return String(cString: text)
    }
}
