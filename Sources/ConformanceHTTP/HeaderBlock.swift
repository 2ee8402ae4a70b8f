/// The final response's header lines as they arrived, kept as bytes by the event-loop thread and
/// turned into `HTTPHeader`s by the caller. The loop thread is the engine's bottleneck under
/// load, so it does only what needs libcurl; making two Strings a header happens on the caller's
/// thread, in parallel with the loop.
struct HeaderBlock: Sendable {
    /// The kept lines, CR/LF stripped, each followed by a LF.
    private var bytes: [UInt8] = []
    /// Headers kept (a folded continuation line adds to the previous one, not to this count).
    private(set) var count = 0
    /// More header lines came than the cap; only the first are kept.
    private(set) var dropped = false

    /// A new status line (after 1xx interim responses) starts the block again: only the final
    /// response's headers are reported.
    mutating func restart() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
        dropped = false
    }

    /// Takes one line (no CR/LF, not empty). Past `cap` headers a line is only noted as dropped;
    /// a line that is neither a header nor a continuation is ignored. Returns the announced
    /// Content-Length when the line is that header.
    mutating func take(_ line: UnsafeRawBufferPointer, cap: Int) -> Int? {
        if count >= max(0, cap) {
            dropped = true
            return nil
        }
        if Self.isBlank(line[0]) {
            // Obsolete line folding: a continuation of the previous value, if there is one.
            guard count > 0 else { return nil }
            append(line)
            return nil
        }
        guard let colon = line.firstIndex(of: 0x3A) else { return nil }
        append(line)
        count += 1
        return Self.isContentLength(UnsafeRawBufferPointer(rebasing: line[0..<colon]))
            ? Self.decimal(Self.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))) : nil
    }

    private mutating func append(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
    }

    /// The headers in order, folded lines joined to their header with one space.
    func headers() -> [HTTPHeader] {
        var out: [HTTPHeader] = []
        out.reserveCapacity(count)
        bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                var end = start
                while all[end] != 0x0A { end += 1 }
                let line = UnsafeRawBufferPointer(rebasing: all[start..<end])
                start = end + 1
                if Self.isBlank(line[0]) {
                    if var last = out.popLast() {
                        last.value += " " + String(decoding: Self.trimmed(line), as: UTF8.self)
                        out.append(last)
                    }
                    continue
                }
                guard let colon = line.firstIndex(of: 0x3A) else { continue }
                out.append(HTTPHeader(String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<colon]), as: UTF8.self),
                                      String(decoding: Self.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])),
                                             as: UTF8.self)))
            }
        }
        return out
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0, end = bytes.count
        while start < end && isBlank(bytes[start]) { start += 1 }
        while end > start && isBlank(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    private static let contentLength = Array("content-length".utf8)

    private static func isContentLength(_ name: UnsafeRawBufferPointer) -> Bool {
        guard name.count == contentLength.count else { return false }
        for (byte, expected) in zip(name, contentLength) {
            let folded = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            if folded != expected { return false }
        }
        return true
    }

    /// Digits only, at most 18 of them (no overflow); anything else is no length.
    private static func decimal(_ text: UnsafeRawBufferPointer) -> Int? {
        guard !text.isEmpty, text.count <= 18 else { return nil }
        var value = 0
        for byte in text {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
