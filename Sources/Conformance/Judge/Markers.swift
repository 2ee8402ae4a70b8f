/// Taint markers: every record the harness creates carries one in each text field, so that a
/// response delivered to anyone but its owner can be caught by content, whatever its status.
/// Format: `cf<run id>u<user>n<sequence>` — ASCII letters and digits only, so no API mangles it
/// and a scan of bytes finds where it ends.
public final class Markers: Sendable {
    public let runID: String
    private let state = Locked<(seq: Int, owners: [String: String])>((0, [:]))

    public init(runID: String) { self.runID = runID }

    /// A fresh marker owned by `owner` (a user id), or by nobody when `owner` is nil.
    public func make(owner: String?, label: String = "x") -> String {
        state.withLock { s in
            s.seq += 1
            let m = "cf\(runID)\(label.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })n\(s.seq)"
            if let owner { s.owners[m] = owner }
            return m
        }
    }

    public var prefix: String { "cf\(runID)" }

    /// The markers found in a text with the user each belongs to.
    ///
    /// One pass over the UTF-8 bytes: every answer is scanned (several times per case), and a
    /// Character-by-Character search of a multi-megabyte body full of non-ASCII text took
    /// seconds. A marker is ASCII letters and digits, so it ends at the first byte that is not.
    public func found(in text: String) -> [(marker: String, owner: String)] {
        var text = text  // `withUTF8` may need to make a bridged string contiguous
        return text.withUTF8 { found(inUTF8: $0) }
    }

    /// The same in raw bytes, e.g. a body as it arrived: markers are ASCII, so decoding first
    /// (invalid bytes become U+FFFD, three bytes each) would change nothing but the cost.
    public func found(in bytes: [UInt8]) -> [(marker: String, owner: String)] {
        bytes.withUnsafeBufferPointer { found(inUTF8: $0) }
    }

    private func found(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> [(marker: String, owner: String)] {
        let spans = Self.markerSpans(in: bytes, prefix: Array(prefix.utf8))
        guard !spans.isEmpty else { return [] }
        let owners = state.current.owners
        return spans.compactMap { span -> (marker: String, owner: String)? in
            let marker = String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self)
            return owners[marker].map { (marker, $0) }
        }
    }

    /// Byte ranges of `prefix` followed by the letters and digits that complete a marker.
    static func markerSpans(in p: UnsafeBufferPointer<UInt8>, prefix: [UInt8]) -> [Range<Int>] {
        guard let first = prefix.first, p.count >= prefix.count else { return [] }
        var spans: [Range<Int>] = []
        let lastStart = p.count - prefix.count
        var i = 0
        while i <= lastStart {
            guard p[i] == first, prefix.indices.allSatisfy({ p[i + $0] == prefix[$0] }) else {
                i += 1
                continue
            }
            var end = i + prefix.count
            while end < p.count, isMarkerByte(p[end]) { end += 1 }
            spans.append(i..<end)
            i = end
        }
        return spans
    }

    @inline(__always) private static func isMarkerByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// Markers of users other than `viewer` in a text: each one is a leak.
    public func foreign(in text: String, viewer: String?) -> [(marker: String, owner: String)] {
        found(in: text).filter { $0.owner != viewer }
    }

    /// Markers of users other than `viewer` in an answer that its request did not carry (URL,
    /// headers, body): a probe that sends another user's marker as a search term, or a body
    /// FastAPI sends back in a 422 (`"input": ...`), gets an echo, not a leak.
    public func leaked(in ex: Exchange, viewer: String?) -> [(marker: String, owner: String)] {
        let found = self.found(in: ex.response?.body ?? []).filter { $0.owner != viewer }
        guard !found.isEmpty else { return [] }
        // Whole markers, not substrings: `…n1` sent does not excuse `…n12` received.
        let sent = Set(self.found(in: ex.requestText).map(\.marker))
        return found.filter { !sent.contains($0.marker) }
    }
}
